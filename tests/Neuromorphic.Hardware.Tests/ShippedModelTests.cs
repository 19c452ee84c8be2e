using Neuromorphic.Engine;
using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>The files in hardware-models/ load, and a few figures stay pinned to their cited sources.</summary>
public class ShippedModelTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.LoadFolder(TinyChip.ModelsFolder());

    private static ChipModel Chip(string name) => Catalog.Find(name) ?? throw new InvalidOperationException(name + " missing");

    [Fact]
    public void All_shipped_files_load()
    {
        Assert.Equal(
            ["fp32 baseline (45 nm)", "Loihi", "Loihi 2", "SpiNNaker 2", "TrueNorth"],
            Catalog.Chips.Select(c => c.Name));
    }

    [Fact]
    public void Loihi_figures_match_Davies_2018_table_2()
    {
        var l = Chip("Loihi");
        Assert.Equal(23.6e-12, l.Energy.SynapticOp, 1e-20);
        Assert.Equal(81e-12, l.Energy.NeuronActive, 1e-20);
        Assert.Equal(52e-12, l.Energy.NeuronIdle, 1e-20);
        Assert.Equal(120e-12, l.Energy.WeightUpdate, 1e-20);
        Assert.Equal(1.7e-12, l.Energy.SpikeLocal, 1e-20);
        Assert.Equal(3.5e-9, l.Latency.SynapticOp, 1e-18);
        Assert.Equal(465e-9, l.Timestep.BarrierS, 1e-18);
        Assert.Equal((128, 1024, 4096), (l.Cores.Count, l.Limits.Neurons, l.Limits.FanIn));
        Assert.Equal(128 * 1024 * 8, l.Limits.SynapseMemoryBits);
        Assert.True(l.Limits.LearningSupported);
    }

    [Fact]
    public void TrueNorth_figures_match_Merolla_2014()
    {
        var t = Chip("TrueNorth");
        Assert.Equal(2.3e-12, t.Energy.SpikeHop, 1e-20);
        Assert.Equal(1e-3, t.Timestep.TickS, 1e-15);
        Assert.Equal((4096, 64, 64, 256, 256), (t.Cores.Count, t.Cores.Width, t.Cores.Height, t.Limits.Neurons, t.Limits.FanIn));
        Assert.False(t.Limits.LearningSupported);
        Assert.Equal(42e-3, t.StaticPowerW, 1e-12);
    }

    [Fact]
    public void Baseline_figures_match_Horowitz_2014()
    {
        var b = Chip("fp32 baseline (45 nm)");
        Assert.Equal(4.6e-12, b.Energy.DenseMac!.Value, 1e-20); // 3.7 pJ fp32 mult + 0.9 pJ fp32 add
        Assert.Equal(0.9e-12, b.Energy.SynapticOp, 1e-20);
        Assert.Equal(160e-12, b.Memory!.DramAccessJPerByte, 1e-20);
        Assert.Equal(ExecutionStyle.Dense, b.Execution);
    }

    [Fact]
    public void Every_number_in_a_shipped_file_has_a_comment_nearby()
    {
        // A value line must carry a comment itself or sit under a comment block (the assumptions and sources).
        foreach (var file in Directory.GetFiles(TinyChip.ModelsFolder(), "*.yaml"))
        {
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string l = lines[i];
                if (l.TrimStart().StartsWith('#') || !l.Contains(':') || !l.Any(char.IsDigit) || l.TrimStart().StartsWith("format")) continue;
                bool commented = l.Contains('#') || Enumerable.Range(Math.Max(0, i - 8), i - Math.Max(0, i - 8)).Any(j => lines[j].TrimStart().StartsWith('#'));
                Assert.True(commented, $"{Path.GetFileName(file)}:{i + 1} has a number without a source: {l}");
            }
        }
    }

    [Fact]
    public void A_small_network_runs_through_every_chip()
    {
        LayerDescription[] net = [LayerDescription.Dense("h", 100, 64, null), LayerDescription.Dense("o", 10, 100, "h")];
        var act = new Dictionary<string, LayerActivity>
        {
            ["h"] = new(new WorkCounts(DenseMacs: 6400, NeuronUpdates: 100, NonZeroActivations: 30)),
            ["o"] = new(new WorkCounts(DenseMacs: 1000, NeuronUpdates: 10, NonZeroActivations: 10)),
        };
        var rows = new List<HardwareResult>();
        foreach (var chip in Catalog.Chips)
        {
            EnergyReport? r = null;
            string? failure = null;
            try { r = EnergyReport.Compute(Mapper.Map(chip, net), act, 1); }
            catch (MappingException e) { failure = e.Message; }
            if (r is not null)
            {
                Assert.True(r.TotalJ > 0 && double.IsFinite(r.TotalJ), chip.Name);
                Assert.True(r.LatencyS > 0, chip.Name);
            }
            rows.Add(new HardwareResult(chip.Name, "-", r, failure));
        }
        string table = HardwareTable.Format(rows);
        Assert.Contains("Loihi 2", table);
        // TrueNorth's fan-in of 256 fits 64 and 100; every chip should place this network.
        Assert.DoesNotContain("does not fit", table);
    }
}
