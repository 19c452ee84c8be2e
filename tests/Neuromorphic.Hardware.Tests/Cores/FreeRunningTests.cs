using System.Globalization;
using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>Free-running time steps (no global barrier, each core on its own clock) against the barrier, on two tiles
/// of two cores with round figures, every total worked out by hand in the comments.</summary>
public sealed class FreeRunningTests
{
    // Units: ns. Tile 0 (x = 0) and tile 1 (x = 1); a hop east from tile 0 takes 20 ns; within a tile, 0. A message
    // costs 6 ns to send (axon out) and 5 + 7 = 12 ns to process (message in, one synapse). Somas per neuron and step:
    // lif 1 ns (+ 2 when updated), slow 50 ns, busy 40 ns, stim 0. The barrier is 100 ns a step.
    private const string Arch = """
        architecture:
          name: free_tiles
          attributes: {width: 2, height: 1, link_buffer_size: 1, sync_model: fixed, latency_sync: 100.0e-9}
          tile:
            - name: left
              attributes: {energy_north_hop: 0, latency_north_hop: 0, energy_south_hop: 0, latency_south_hop: 0,
                           energy_east_hop: 0, latency_east_hop: 20.0e-9, energy_west_hop: 0, latency_west_hop: 20.0e-9}
              core: [CORE, CORE]
            - name: right
              attributes: {energy_north_hop: 0, latency_north_hop: 0, energy_south_hop: 0, latency_south_hop: 0,
                           energy_east_hop: 0, latency_east_hop: 20.0e-9, energy_west_hop: 0, latency_west_hop: 20.0e-9}
              core: [CORE, CORE]
        """;

    private const string Core = """
        {name: core, attributes: {buffer_position: soma, max_neurons_supported: 16},
         axon_in: [{name: in, attributes: {energy_message_in: 0, latency_message_in: 5.0e-9}}],
         synapse: [{name: syn, attributes: {model: current_based, energy_process_spike: 0, latency_process_spike: 7.0e-9}}],
         dendrite: [{name: dend, attributes: {model: accumulator, energy_update: 0.0, latency_update: 0.0}}],
         soma: [{name: lif, attributes: {model: leaky_integrate_fire, energy_access_neuron: 0, latency_access_neuron: 1.0e-9,
                  energy_update_neuron: 0, latency_update_neuron: 2.0e-9, energy_spike_out: 0, latency_spike_out: 4.0e-9}},
                {name: slow, attributes: {model: leaky_integrate_fire, energy_access_neuron: 0, latency_access_neuron: 50.0e-9,
                  energy_update_neuron: 0, latency_update_neuron: 0, energy_spike_out: 0, latency_spike_out: 0}},
                {name: busy, attributes: {model: leaky_integrate_fire, energy_access_neuron: 0, latency_access_neuron: 40.0e-9,
                  energy_update_neuron: 0, latency_update_neuron: 0, energy_spike_out: 0, latency_spike_out: 0}},
                {name: stim, attributes: {model: input, energy_access_neuron: 0.0, latency_access_neuron: 0.0,
                  energy_update_neuron: 0.0, latency_update_neuron: 0.0, energy_spike_out: 0.0, latency_spike_out: 0.0}}],
         axon_out: [{name: out, attributes: {energy_message_out: 0, latency_message_out: 6.0e-9}}]}
        """;

    /// <summary>Runs <paramref name="snn"/> with the barrier and free-running, on a chip whose steps last at least
    /// <paramref name="tickNs"/>; returns each run's per-step latencies (ns).</summary>
    private static async Task<(double[] Barrier, double[] Free)> Run(string snn, int steps, TimingModel timing, double tickNs = 0)
    {
        var arch = SanafeArchitectureReader.Parse(Arch.Replace("CORE", Core.ReplaceLineEndings(" "), StringComparison.Ordinal), "free_tiles.yaml")
            with { MinimumStepS = tickNs * 1e-9 };
        var net = SanafeNetworkReader.Parse(snn, "net.yaml", arch);
        var barrier = await CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(steps, timing));
        var free = await CoreSimulation.RunAsync(arch with { FreeRunning = true }, net, new CoreSimulationOptions(steps, timing));
        return (barrier.Steps.Select(s => s.Latency * 1e9).ToArray(), free.Steps.Select(s => s.Latency * 1e9).ToArray());
    }

    // Two chains that share nothing. x: a stimulus on core 0.0 sends a message every step to one synapse on core 0.1.
    // y: core 1.0 first spends 50 ns on an idle neuron, then its stimulus sends to core 1.1: the slow core.
    // The out neurons never fire (threshold 100); from step 2 on they are updated (1 + 2 ns), in step 1 only accessed.
    private const string TwoChains = """
        network:
          name: two_chains
          groups:
            - name: in_x
              attributes: [rate: 1.0]
              neurons: [0]
            - name: out_x
              attributes: [threshold: 100]
              neurons: [0]
            - name: idle_y
              attributes: [threshold: 100]
              neurons: [0]
            - name: in_y
              attributes: [rate: 1.0]
              neurons: [0]
            - name: out_y
              attributes: [threshold: 100]
              neurons: [0]
          edges:
            - in_x.0 -> out_x.0: [weight: 1]
            - in_y.0 -> out_y.0: [weight: 1]
        mappings:
          - in_x: [core: '0.0', soma: stim]
          - out_x: [core: '0.1']
          - idle_y: [core: '1.0', soma: slow]
          - in_y: [core: '1.0', soma: stim]
          - out_y: [core: '1.1']
        """;

    [Fact]
    public async Task Two_independent_chains_detailed_the_slow_one_sets_the_pace_and_its_receiver_overlaps_its_sender()
    {
        var (barrier, free) = await Run(TwoChains, 4, TimingModel.Detailed);
        // Barrier, every step: x's message leaves at 6 and is processed by 18; y's leaves at 50 + 6 = 56 and is processed
        // by 68; the out neurons' own work (1 or 3 ns) ends earlier. 68 + 100 ns barrier = 168; 4 steps 672 ns.
        AssertNs([168, 168, 168, 168], barrier);
        // Free-running: core 1.0 ends step t at 56t (no core sends to it). Core 1.1 starts step t + 1 at
        // max(its end, 56t + 0 hops): its message of step t + 1 leaves core 1.0 at 56t + 56 and is processed by 56t + 68.
        // Chain x ends step t at 12t + 6, well before. The frontier: 68, 124, 180, 236: latencies 68, 56, 56, 56.
        AssertNs([68, 56, 56, 56], free);
        Assert.True(free.Sum() < barrier.Sum());
    }

    [Fact]
    public async Task Two_independent_chains_simple()
    {
        var (barrier, free) = await Run(TwoChains, 4, TimingModel.Simple);
        // Barrier: the busiest core is core 1.0 sending (50 + 6 = 56); the receivers process 12 each. 156 a step.
        AssertNs([156, 156, 156, 156], barrier);
        // Free-running, each core's sends and receptions summed from its own start: core 1.0 ends step t at 56t and
        // core 1.1, which starts with core 1.0's notice at 56(t - 1), at 56(t - 1) + 12. Chain x: core 0.1 at 12t,
        // below. The frontier is core 1.0's: 56 a step, 224 ns in all.
        AssertNs([56, 56, 56, 56], free);
    }

    // Core 0.0 holds one slow neuron (50 ns a step) that never fires but has a synapse on core 1.0, one hop east: core
    // 1.0 cannot start a step before core 0.0's end-of-step notice arrives, 20 ns after core 0.0's step ends. Core
    // 1.0's own work is a busy neuron, 40 ns a step.
    private const string SilentSender = """
        network:
          name: silent_sender
          groups:
            - name: a
              attributes: [threshold: 100]
              neurons: [0]
            - name: b
              attributes: [threshold: 100]
              neurons: [0]
          edges:
            - a.0 -> b.0: [weight: 1]
        mappings:
          - a: [core: '0.0', soma: slow]
          - b: [core: '1.0', soma: busy]
        """;

    [Theory]
    [InlineData(TimingModel.Simple)]
    [InlineData(TimingModel.Detailed)]
    public async Task A_receiver_waits_for_its_silent_senders_notice(TimingModel timing)
    {
        var (barrier, free) = await Run(SilentSender, 3, timing);
        // Barrier: 50 ns (core 0.0) + 100 ns a step.
        AssertNs([150, 150, 150], barrier);
        // Free-running: core 0.0 ends step t at 50t. Core 1.0 ends step 1 at 40, starts step 2 at the notice, 50 + 20 = 70,
        // ends it at 110, starts step 3 at 100 + 20 = 120 (its own end, 110, is earlier) and ends at 160. The frontier:
        // 50, 110, 160. Without the notice core 1.0 would end at 40t and the run at 150 ns.
        AssertNs([50, 60, 50], free);
    }

    // One core: a stimulus sends itself a message each step (6 ns, processed 6..18), then the out neuron (1 or 3 ns).
    private const string OneCore = """
        network:
          name: one_core
          groups:
            - name: in
              attributes: [rate: 1.0]
              neurons: [0]
            - name: out
              attributes: [threshold: 100]
              neurons: [0]
          edges:
            - in.0 -> out.0: [weight: 1]
        mappings:
          - in: [core: '0.0', soma: stim]
          - out: [core: '0.0']
        """;

    [Theory]
    [InlineData(TimingModel.Simple, 12)] // the larger of sending (6 + 1 or 3) and receiving (12)
    [InlineData(TimingModel.Detailed, 18)] // the message processed by 18
    public async Task On_one_core_free_running_saves_exactly_the_barrier(TimingModel timing, double step)
    {
        var (barrier, free) = await Run(OneCore, 3, timing);
        AssertNs([step + 100, step + 100, step + 100], barrier);
        AssertNs([step, step, step], free);
    }

    [Fact]
    public async Task Free_running_ignores_the_tick()
    {
        var (barrier, free) = await Run(OneCore, 2, TimingModel.Detailed, tickNs: 1000);
        AssertNs([1000, 1000], barrier); // 118 ns of work and barrier, then the tick
        AssertNs([18, 18], free);
    }

    [Fact]
    public void A_chip_file_with_sync_none_runs_free()
    {
        string text = File.ReadAllText(Path.Combine(Requires.RepoRoot, "hardware-models", "loihi.yaml"));
        Assert.False(ChipModelArchitecture.From(ChipModelLoader.Parse(text, "loihi.yaml")).FreeRunning);
        var lines = text.Split('\n').Where(l => !l.TrimStart().StartsWith("barrier:", StringComparison.Ordinal))
            .Select(l => l.TrimStart().StartsWith("sync:", StringComparison.Ordinal) ? "  sync: none" : l);
        Assert.True(ChipModelArchitecture.From(ChipModelLoader.Parse(string.Join('\n', lines), "loihi-free.yaml")).FreeRunning);
    }

    private static void AssertNs(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-6,
                string.Create(CultureInfo.InvariantCulture, $"step {i + 1}: expected {expected[i]} ns, got {actual[i]:R} ns"));
    }
}
