using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>A core takes one input axon for each neuron whose spikes reach it, and a run on a chip file says which
/// cores take more than the file's fan_in.</summary>
public sealed class AxonLimitTests
{
    // SanafeTiny.Net: a.0..a.3 on core 0.0; a -> b dense, and a.0 -> b.1 once more; b.0 on core 0.1, b.1 on core 1.0.
    // Core 0.0 takes no input; cores 0.1 and 1.0 each take a.0..a.3: four axons (a.0's two synapses onto b.1 share one).
    private static async Task<(ChipArchitecture Arch, SpikingNetworkSpec Net, CoreRunResult Run)> RunTiny()
    {
        // The tiny architecture with the latencies a run needs (the reader tests need none).
        var arch = SanafeArchitectureReader.Parse(SanafeTiny.Arch
            .Replace("energy_spike_out: 3e-12", "energy_spike_out: 3e-12\n" + string.Concat(
                new[] { "latency_access_neuron", "latency_update_neuron", "latency_spike_out" }.Select(k => new string(' ', 16) + k + ": 0\n")).TrimEnd())
            .Replace("{model: input}", "{model: input, energy_access_neuron: 0, energy_update_neuron: 0, energy_spike_out: 0, latency_access_neuron: 0, latency_update_neuron: 0, latency_spike_out: 0}")
            .Replace("{model: accumulator}", "{model: accumulator, energy_update: 0, latency_update: 0}"), "tiny_arch.yaml");
        var net = SanafeNetworkReader.Parse(SanafeTiny.Net, "tiny.yaml", arch);
        return (arch, net, await CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(2, TimingModel.Simple)));
    }

    [Fact]
    public async Task Each_core_counts_one_axon_per_neuron_that_reaches_it()
    {
        var (_, _, run) = await RunTiny();
        Assert.Equal([(0, 0, 0), (0, 1, 4), (1, 0, 4)], run.Cores.Select(c => (c.Tile, c.CoreOffset, c.AxonsIn)));
    }

    [Fact]
    public async Task Cores_over_the_limit_are_named_by_group_with_their_most_axons()
    {
        var (arch, net, run) = await RunTiny();
        Assert.Null(AxonLimit.Exceeded(arch, net, run.Cores)); // SANA-FE's files set no limit
        Assert.Null(AxonLimit.Exceeded(arch with { AxonsPerCore = 4 }, net, run.Cores));

        string? note = AxonLimit.Exceeded(arch with { AxonsPerCore = 3 }, net, run.Cores);

        Assert.NotNull(note);
        Assert.Contains("2 of its 3 cores take more input axons than a core has (3, the chip file's fan_in): b's 2 (up to 4)", note);
    }

    [Fact]
    public async Task A_core_that_holds_several_groups_is_named_by_all_of_them()
    {
        // a.3 moved onto b.0's core 0.1: that core holds a and b, and still takes a.0..a.3 (a.3 reaches b.0 beside it).
        var (arch, _, _) = await RunTiny();
        var net = SanafeNetworkReader.Parse(SanafeTiny.Net.Replace("  - a: {core: '0.0'}", "  - a.0: {core: '0.0'}\n  - a.1: {core: '0.0'}\n  - a.2: {core: '0.0'}\n  - a.3: {core: '0.1'}",
            StringComparison.Ordinal), "tiny.yaml", arch);
        var run = await CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(2, TimingModel.Simple));

        string? note = AxonLimit.Exceeded(arch with { AxonsPerCore = 3 }, net, run.Cores);

        Assert.Contains("2 of its 3 cores take more input axons than a core has (3, the chip file's fan_in): a+b's 1 (up to 4), b's 1 (up to 4)", note);
    }

    [Fact]
    public void A_chip_file_gives_its_fan_in_as_the_axons_a_core_has()
    {
        var truenorth = ChipModelArchitecture.From(ChipModelLoader.LoadFile(Path.Combine(TinyChip.ModelsFolder(), "truenorth.yaml")));
        var loihi = ChipModelArchitecture.From(ChipModelLoader.LoadFile(Path.Combine(TinyChip.ModelsFolder(), "loihi.yaml")));
        Assert.Equal((256, 4096), (truenorth.AxonsPerCore, loihi.AxonsPerCore));
    }
}
