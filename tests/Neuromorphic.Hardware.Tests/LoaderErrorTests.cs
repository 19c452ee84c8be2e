using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Every kind of error names the file, the line and the field.</summary>
public class LoaderErrorTests
{
    private static HardwareModelException Fail(string yaml) =>
        Assert.Throws<HardwareModelException>(() => ChipModelLoader.Parse(yaml, "bad.yaml"));

    private static int LineOf(string yaml, string text) =>
        yaml.Split('\n').Select((l, i) => (l, i)).First(x => x.l.Contains(text)).i + 1;

    private static void Check(HardwareModelException e, string yaml, string lineText, string field, string messagePart)
    {
        Assert.Equal("bad.yaml", e.File);
        Assert.Equal(LineOf(yaml, lineText), e.Line);
        Assert.Equal(field, e.Field);
        Assert.Contains(messagePart, e.Message);
        Assert.StartsWith($"bad.yaml:{e.Line}: {field}: ", e.Message);
    }

    [Fact]
    public void Tiny_chip_loads_with_si_values()
    {
        var c = TinyChip.Load();
        Assert.Equal(2e-12, c.Energy.SynapticOp, 1e-24);
        Assert.Equal(10e-9, c.Timestep.BarrierS, 1e-20);
        Assert.Equal(1e-3, c.StaticPowerW, 1e-15);
        Assert.Equal(48, c.Limits.SynapseMemoryBits);
        Assert.Null(c.ClockHz);
    }

    [Fact]
    public void Link_buffer_is_optional_and_a_whole_number_from_one()
    {
        Assert.Equal(1, TinyChip.Load().Cores.LinkBuffer);
        string ok = TinyChip.Yaml.Replace("mesh_width: 2", "mesh_width: 2\n  link_buffer: 16");
        Assert.Equal(16, ChipModelLoader.Parse(ok, "ok.yaml").Cores.LinkBuffer);
        string y = TinyChip.Yaml.Replace("mesh_width: 2", "mesh_width: 2\n  link_buffer: 0");
        Check(Fail(y), y, "link_buffer: 0", "cores.link_buffer", "1");
    }

    [Fact]
    public void Graded_spikes_need_a_signed_payload()
    {
        string y = TinyChip.Yaml.Replace("message_bits: 32", "message_bits: 1\n  spikes: graded");
        Check(Fail(y), y, "spikes: graded", "chip.spikes", "2 or more");
    }

    [Fact]
    public void Wrong_unit()
    {
        string y = TinyChip.Yaml.Replace("synaptic_op: 2 pJ", "synaptic_op: 2 ns");
        Check(Fail(y), y, "synaptic_op: 2 ns", "energy.synaptic_op", "'ns' is a unit of time");
    }

    [Fact]
    public void Missing_unit_and_unknown_unit()
    {
        string y = TinyChip.Yaml.Replace("static_power: 1 mW", "static_power: 1");
        Check(Fail(y), y, "static_power: 1", "chip.static_power", "unit is missing");
        y = TinyChip.Yaml.Replace("barrier: 10 ns", "barrier: 10 parsecs");
        Check(Fail(y), y, "barrier: 10 parsecs", "timestep.barrier", "unknown unit");
    }

    [Fact]
    public void Unknown_field()
    {
        string y = TinyChip.Yaml.Replace("  fan_out: 8", "  fan_out: 8\n  fanout: 9");
        Check(Fail(y), y, "fanout: 9", "core_limits.fanout", "unknown field");
    }

    [Fact]
    public void Missing_field_points_at_its_section()
    {
        string y = TinyChip.Yaml.Replace("  spike_hop: 7 pJ\n", "");
        Check(Fail(y), y, "energy:", "energy.spike_hop", "required field 'spike_hop' is missing");
    }

    [Fact]
    public void Zero_or_negative_where_positive_is_needed()
    {
        string y = TinyChip.Yaml.Replace("count: 4", "count: 0");
        Check(Fail(y), y, "count: 0", "cores.count", "must be positive");
        y = TinyChip.Yaml.Replace("neuron_idle: 1 pJ", "neuron_idle: -1 pJ");
        Check(Fail(y), y, "neuron_idle: -1 pJ", "energy.neuron_idle", "must not be negative");
        y = TinyChip.Yaml.Replace("barrier: 10 ns", "barrier: 0 ns");
        Check(Fail(y), y, "barrier: 0 ns", "timestep.barrier", "must be positive");
    }

    [Fact]
    public void Wrong_kind_of_value()
    {
        string y = TinyChip.Yaml.Replace("weight_sharing: false", "weight_sharing: maybe");
        Check(Fail(y), y, "weight_sharing: maybe", "core_limits.weight_sharing", "true or false");
        y = TinyChip.Yaml.Replace("execution: event-driven", "execution: quantum");
        Check(Fail(y), y, "execution: quantum", "chip.execution", "expected one of");
        y = TinyChip.Yaml.Replace("neurons: 4", "neurons: four");
        Check(Fail(y), y, "neurons: four", "core_limits.neurons", "whole number");
        y = TinyChip.Yaml.Replace("message_bits: 32", "message_bits: 32\n  spikes: ternary");
        Check(Fail(y), y, "spikes: ternary", "chip.spikes", "expected one of");
    }

    [Fact]
    public void Inconsistent_fields()
    {
        string y = TinyChip.Yaml.Replace("count: 4", "count: 5");
        Check(Fail(y), y, "count: 5", "cores.count", "do not fit a 2 x 2 mesh");
        y = TinyChip.Yaml.Replace("sync: barrier\n  barrier: 10 ns", "sync: none\n  barrier: 10 ns");
        Check(Fail(y), y, "barrier: 10 ns", "timestep.barrier", "only used with");
        y = TinyChip.Yaml.Replace("execution: event-driven", "execution: dense");
        Check(Fail(y), y, "energy:", "energy.dense_mac", "missing");
        y = TinyChip.Yaml.Replace("execution: event-driven", "execution: dense\n  spikes: binary");
        Check(Fail(y), y, "spikes: binary", "chip.spikes", "a dense chip sends words");
        y = TinyChip.Yaml.Replace("  weight_sharing: false", "  weight_sharing: false\n  axon_types:\n    types: 4\n    weight_bits: 9");
        Check(Fail(y), y, "weight_bits: 4", "core_limits.weight_bits", "connectivity bit, so weight_bits must be 1");
    }

    [Fact]
    public void Syntax_error_and_duplicate_key()
    {
        string y = TinyChip.Yaml.Replace("  neurons: 4", "  neurons: [4");
        var e = Fail(y);
        Assert.Equal("(syntax)", e.Field);
        Assert.True(e.Line >= LineOf(y, "neurons: [4"), e.Message);
        y = TinyChip.Yaml.Replace("  fan_out: 8", "  fan_out: 8\n  fan_in: 8");
        e = Fail(y);
        Assert.Equal((LineOf(y, "fan_out: 8") + 1, "fan_in"), (e.Line, e.Field));
        Assert.Contains("appears twice", e.Message);
    }

    [Fact]
    public void Missing_file_names_the_file()
    {
        var e = Assert.Throws<HardwareModelException>(() => ChipModelLoader.LoadFile("/nonexistent/chip.yaml"));
        Assert.Equal(("/nonexistent/chip.yaml", 0), (e.File, e.Line));
    }
}
