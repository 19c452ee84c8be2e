using System.Diagnostics;
using Neuromorphic.Engine;
using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Inputs found by a hostile-input review: devices, FIFOs and huge files as chip files, huge text values,
/// numbers beyond any chip. Each is refused quickly, without large allocations, in the FILE:LINE: field: problem form.</summary>
public class HostileInputTests
{
    private static HardwareModelException Fail(string yaml) =>
        Assert.Throws<HardwareModelException>(() => ChipModelLoader.Parse(yaml, "bad.yaml"));

    private static HardwareModelException FailFile(string path)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<HardwareModelException>(() => ChipModelLoader.LoadFile(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 4 * ChipModelLoader.MaxFileBytes, $"{path}: {allocated} bytes allocated");
        Assert.Equal((path, 0, "(file)"), (e.File, e.Line, e.Field));
        return e;
    }

    [Theory]
    [InlineData("/dev/zero")]
    [InlineData("/dev/urandom")]
    [InlineData("/dev/null")]
    public void Devices_are_refused_before_reading(string device)
    {
        Assert.Contains("not a regular file", FailFile(device).Message);
    }

    [Fact]
    public async Task A_fifo_is_refused_without_blocking()
    {
        string dir = Directory.CreateTempSubdirectory("nm-fifo").FullName;
        try
        {
            string fifo = Path.Combine(dir, "chip.yaml");
            using (var mk = Process.Start("mkfifo", [fifo])) mk.WaitForExit();
            Assert.True(File.Exists(fifo), "mkfifo made no FIFO");
            var e = await Task.Run(() => FailFile(fifo)).WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
            Assert.Contains("not a regular file", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Files_over_the_cap_are_refused_before_reading()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nm-big-{Guid.NewGuid():N}.yaml");
        try
        {
            using (var f = File.Create(path)) f.SetLength(52L << 20); // sparse: a 52 MB "chip name"
            Assert.Contains("at most 1048576 bytes", FailFile(path).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Long_text_and_too_many_nodes_are_refused()
    {
        string y = TinyChip.Yaml.Replace("name: Tiny", "name: " + new string('x', 201));
        var e = Fail(y);
        Assert.Equal(("chip.name", 3), (e.Field, e.Line));
        Assert.Contains("at most 200", e.Message);
        Assert.Equal("Tiny" + new string('x', 196), TinyChip.Load(TinyChip.Yaml.Replace("name: Tiny", "name: Tiny" + new string('x', 196))).Name);

        Assert.Contains("at most 1048576", Fail(TinyChip.Yaml.Replace("name: Tiny", "name: " + new string('x', 2_000_000))).Message);

        string many = TinyChip.Yaml + "\nextra:\n" + string.Concat(Enumerable.Range(0, 600).Select(i => $"  k{i}: {i}\n"));
        e = Fail(many);
        Assert.Equal("(document)", e.Field);
        Assert.Contains("more than 1000 YAML nodes", e.Message);
    }

    [Theory]
    [InlineData("barrier: 10 ns", "barrier: 1e308 s", "timestep.barrier", "at most 1 s")]
    [InlineData("barrier: 10 ns", "barrier: 2 s", "timestep.barrier", "at most 1 s")]
    [InlineData("synaptic_op: 2 pJ", "synaptic_op: 2 J", "energy.synaptic_op", "0 to 1 mJ")]
    [InlineData("spike_hop: 5 ns", "spike_hop: 5 ms", "latency.spike_hop", "0 to 1 ms")]
    [InlineData("static_power: 1 mW", "static_power: 2 kW", "chip.static_power", "0 to 1 kW")]
    [InlineData("process: 10 nm", "process: 1 m", "chip.process", "at most 1 mm")]
    [InlineData("synapse_memory: 48 bit", "synapse_memory: 2048 GiB", "core_limits.synapse_memory", "1 bit to 1 TiB")]
    [InlineData("neurons: 4", "neurons: 2000000000", "core_limits.neurons", "at most 1000000000")]
    [InlineData("synaptic_op: 2 pJ", "synaptic_op: NaN pJ", "energy.synaptic_op", "expected a number")]
    [InlineData("synaptic_op: 2 pJ", "synaptic_op: 1e999 pJ", "energy.synaptic_op", "not a finite number")]
    [InlineData("synaptic_op: 2 pJ", "synaptic_op: Infinity pJ", "energy.synaptic_op", "")]
    public void Numbers_outside_their_range_are_refused_with_the_range(string from, string to, string field, string part)
    {
        string y = TinyChip.Yaml.Replace(from, to);
        Assert.NotEqual(TinyChip.Yaml, y);
        var e = Fail(y);
        Assert.Equal(field, e.Field);
        Assert.Equal(y.Split('\n').Select((l, i) => (l, i)).First(x => x.l.Contains(to)).i + 1, e.Line);
        Assert.Contains(part, e.Message);
    }

    [Fact]
    public void Messages_stay_on_one_line()
    {
        var e = Fail(TinyChip.Yaml.Replace("weight_sharing: false", "weight_sharing: \"fal\\nse\""));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("'fal\\nse'", e.Message);
        e = Fail(TinyChip.Yaml.Replace("name: Tiny", "name: \"Ti\\nny\""));
        Assert.Equal("chip.name", e.Field);
        Assert.Contains("control character", e.Message);
    }

    [Fact]
    public void A_chip_built_in_code_with_infinite_costs_fails_instead_of_reporting_infinity()
    {
        var tiny = TinyChip.Load();
        var chip = tiny with { Energy = tiny.Energy with { SynapticOp = double.MaxValue } };
        var mapping = Mapper.Map(chip, [LayerDescription.Dense("hidden", 2, 4, "input")]);
        var activity = new Dictionary<string, LayerActivity> { ["hidden"] = new(new WorkCounts(SynapticAccumulates: 1000)) };
        var e = Assert.Throws<ChipCostException>(() => EnergyReport.Compute(mapping, activity, 1));
        Assert.Contains("synaptic energy of layer hidden", e.Message);
    }

    [Fact]
    public void A_chip_that_takes_no_time_fails_instead_of_reporting_an_infinite_throughput()
    {
        var tiny = TinyChip.Load();
        var chip = tiny with
        {
            Latency = new OperationCosts(0, 0, 0, 0, 0, 0, 0),
            Timestep = new TimestepModel(SyncModel.None, 0, 0),
        };
        var mapping = Mapper.Map(chip, [LayerDescription.Dense("hidden", 2, 4, "input")]);
        var activity = new Dictionary<string, LayerActivity> { ["hidden"] = new(new WorkCounts(SynapticAccumulates: 1000)) };
        var e = Assert.Throws<ChipCostException>(() => EnergyReport.Compute(mapping, activity, 1));
        Assert.Contains("no layer takes any time", e.Message);
    }
}
