using System.Globalization;
using System.Text;
using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>Two tiles side by side (tile 0 at x = 0, tile 1 at x = 1), every figure a different round number, and the
/// expected energies, delays and step times worked out by hand in the comments.</summary>
public sealed class TwoTileCostTests
{
    // Units: pJ and ns. Tile 0's east hop costs 4 pJ / 2 ns, tile 1's 6 pJ / 9 ns: a hop is priced with the energy of
    // the destination tile and the latency of the source tile.
    private static string Arch(double synapseLatencyNs, string sync) => $$"""
        architecture:
          name: two_tiles
          attributes: {width: 2, height: 1, link_buffer_size: 1, {{sync}}}
          tile:
            - name: left
              attributes: {energy_north_hop: 0, latency_north_hop: 0, energy_south_hop: 0, latency_south_hop: 0,
                           energy_east_hop: 4.0e-12, latency_east_hop: 2.0e-9, energy_west_hop: 5.0e-12, latency_west_hop: 3.0e-9}
              core: [{{Core.ReplaceLineEndings(" ")}}]
            - name: right
              attributes: {energy_north_hop: 0, latency_north_hop: 0, energy_south_hop: 0, latency_south_hop: 0,
                           energy_east_hop: 6.0e-12, latency_east_hop: 9.0e-9, energy_west_hop: 7.0e-12, latency_west_hop: 8.0e-9}
              core: [{{Core.ReplaceLineEndings(" ")}}]
        """.Replace("SYN_LATENCY", (synapseLatencyNs * 1e-9).ToString("R", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    private const string Core = """
        {name: core, attributes: {buffer_position: soma, max_neurons_supported: 16},
         axon_in: [{name: in, attributes: {energy_message_in: 1.0e-12, latency_message_in: 5.0e-9}}],
         synapse: [{name: syn, attributes: {model: current_based, energy_process_spike: 10.0e-12, latency_process_spike: SYN_LATENCY}}],
         dendrite: [{name: dend, attributes: {model: accumulator, energy_update: 0.0, latency_update: 0.0}}],
         soma: [{name: lif, attributes: {model: leaky_integrate_fire, energy_access_neuron: 20.0e-12, latency_access_neuron: 1.0e-9,
                  energy_update_neuron: 40.0e-12, latency_update_neuron: 2.0e-9, energy_spike_out: 80.0e-12, latency_spike_out: 4.0e-9}},
                {name: stim, attributes: {model: input, energy_access_neuron: 0.0, latency_access_neuron: 0.0,
                  energy_update_neuron: 0.0, latency_update_neuron: 0.0, energy_spike_out: 0.0, latency_spike_out: 0.0}}],
         axon_out: [{name: out, attributes: {energy_message_out: 100.0e-12, latency_message_out: 6.0e-9}}]}
        """;

    private static async Task<(CoreRunResult Run, SpikingNetworkSpec Net, string Messages)> Run(string arch, string snn, int steps, TimingModel timing)
    {
        var a = SanafeArchitectureReader.Parse(arch, "two_tiles.yaml");
        var n = SanafeNetworkReader.Parse(snn, "net.yaml", a);
        using var messages = new MemoryStream();
        var run = await CoreSimulation.RunAsync(a, n, new CoreSimulationOptions(steps, timing, MessageTrace: messages));
        return (run, n, Encoding.UTF8.GetString(messages.ToArray()));
    }

    private const string OneSpike = """
        network:
          name: one_spike
          groups:
            - name: in
              attributes: []
              neurons: [0: [spikes: [1]]]
            - name: out
              attributes: [threshold: 10, log_potential: true]
              neurons: [0..1]
          edges:
            - in.0 -> out.0: [weight: 2]
            - in.0 -> out.1: [weight: 3]
        mappings:
          - in: [core: '0.0', soma: stim]
          - out: [core: '1.0']
        """;

    [Fact]
    public async Task Every_energy_term_of_one_message_across_one_hop()
    {
        var (run, net, _) = await Run(Arch(7, "sync_model: table, latency_sync: {1: 100.0e-9, 2: 300.0e-9}"), OneSpike, 2, TimingModel.Detailed);
        var step1 = run.Steps[0];
        // in.0 fires (input soma, free) and sends one message: 100 pJ out. At core 1.0: 1 pJ in, one east hop priced at
        // the right tile (6 pJ), two synaptic events of 10 pJ. The two LIF neurons are idle: 20 pJ access each.
        Assert.Equal((1L, 1L, 1L, 1L, 2L), (step1.Fired, step1.Updated, step1.Messages, step1.Hops, step1.SynapticEvents));
        Near(20e-12, step1.SynapseEnergy);
        Near(40e-12, step1.SomaEnergy);
        Near(100e-12 + 1e-12 + 6e-12, step1.NetworkEnergy);
        // Timing: the message leaves at 6 ns (axon out), takes one hop at the left tile's 2 ns, arrives at 8 ns and is
        // processed for 5 + 2 x 7 = 19 ns: 27 ns. Two tiles are in use: barrier 300 ns.
        Near(327e-9, step1.Latency);
        // Step 2: both neurons update (potentials 2 and 3): 2 x (20 + 40) pJ, 2 x (1 + 2) ns of work, then the barrier.
        var step2 = run.Steps[1];
        Near(120e-12, step2.SomaEnergy);
        Assert.Equal(2, step2.Updated);
        Near(306e-9, step2.Latency);
        Assert.Equal("timestep,neuron out.0,neuron out.1,\n1,0,0,\n2,2,3,\n", SanafeOutputWriter.Potentials(run, net));
        // The message passes the left router, leaving it over its east link, and ends at the right one.
        Assert.Equal([new RouterLoad(0, 0, 1, East: 1), new RouterLoad(1, 0, 1)], run.Routers);
    }

    [Fact]
    public async Task The_routers_count_every_message_on_its_route_both_ways_and_within_a_tile()
    {
        // a.0 (left tile) fires three times, to a neuron on each tile: three messages east, three within its own tile.
        // b.0 (right tile) fires twice, to the left tile: two messages west.
        const string net = """
            network:
              name: routes
              groups:
                - name: a
                  attributes: []
                  neurons: [0: [spikes: [1, 1, 1]]]
                - name: b
                  attributes: []
                  neurons: [0: [spikes: [1, 0, 1]]]
                - name: left
                  attributes: [threshold: 10]
                  neurons: [0]
                - name: right
                  attributes: [threshold: 10]
                  neurons: [0]
              edges:
                - a.0 -> right.0: [weight: 1]
                - a.0 -> left.0: [weight: 1]
                - b.0 -> left.0: [weight: 1]
            mappings:
              - a: [core: '0.0', soma: stim]
              - left: [core: '0.0']
              - b: [core: '1.0', soma: stim]
              - right: [core: '1.0']
            """;
        var (run, _, _) = await Run(Arch(7, "sync_model: fixed, latency_sync: 0.0"), net, 4, TimingModel.Detailed);
        Assert.Equal(8, run.Summary.Messages);
        // The left router: a's six messages start there, b's two end there (8 through), three leave east. The right
        // router: a's three end there and b's two start there (5 through), two leave west.
        Assert.Equal([new RouterLoad(0, 0, 8, East: 3), new RouterLoad(1, 0, 5, West: 2)], run.Routers);
    }

    [Fact]
    public async Task With_no_potential_logged_the_trace_holds_each_step_number_as_SANA_FE_writes_it()
    {
        // SANA-FE writes "step," every step and ends the line only after a potential: with none, one line of numbers.
        var (run, net, _) = await Run(Arch(7, "sync_model: fixed, latency_sync: 0.0"), OneSpike.Replace(", log_potential: true", "", StringComparison.Ordinal), 3, TimingModel.Detailed);
        Assert.Equal("timestep,\n1,2,3,", SanafeOutputWriter.Potentials(run, net));
    }

    [Fact]
    public async Task Simple_timing_takes_the_busiest_core_plus_the_barrier()
    {
        var (run, _, _) = await Run(Arch(7, "sync_model: table, latency_sync: {1: 100.0e-9, 2: 300.0e-9}"), OneSpike, 1, TimingModel.Simple);
        // Sending: core 0.0 6 ns, core 1.0 2 ns; receiving: core 1.0 19 ns.
        Near(319e-9, run.Steps[0].Latency);
    }

    [Theory]
    [InlineData(0, 0.6e-6)]
    [InlineData(1, 0.6e-6)]
    [InlineData(3, 1.0e-6)]
    [InlineData(4, 1.4e-6)]
    [InlineData(28, 1.4e-6)]
    [InlineData(32, 1.8e-6)]
    public void Barrier_is_looked_up_by_the_tiles_in_use(int tiles, double seconds)
    {
        var table = new SyncTable([(1, 0.6e-6), (2, 1.0e-6), (4, 1.4e-6), (29, 1.8e-6)]);
        Assert.Equal(seconds, table.DelayFor(tiles));
    }

    [Fact]
    public async Task Congestion_blocks_a_message_once_the_route_holds_more_than_its_buffers()
    {
        // Eight stimulus neurons on core 0.0 fire together (a rate of one spike a step: a spike train would be shared,
        // since an input unit holds one train however many neurons use it); each message reaches one synapse at core 1.0, whose
        // processing takes 5 + 30 = 35 ns, while the sender emits one every 6 ns. Each message in flight adds 1/3 to
        // each of the two links of the route (hops + 2 = 3 links... of which the route sums two), so k messages in
        // flight weigh 2k/3 against a capacity of (1 hop + 1) x 1 buffer = 2.
        const string snn = """
            network:
              name: burst
              groups:
                - name: in
                  attributes: [rate: 1.0]
                  neurons: [0..7]
                - name: out
                  attributes: [threshold: 100]
                  neurons: [0]
              edges:
                - in -> out: [type: dense, weight: 1]
            mappings:
              - in.0: [core: '0.0', soma: stim]
              - in.1: [core: '0.0', soma: stim]
              - in.2: [core: '0.0', soma: stim]
              - in.3: [core: '0.0', soma: stim]
              - in.4: [core: '0.0', soma: stim]
              - in.5: [core: '0.0', soma: stim]
              - in.6: [core: '0.0', soma: stim]
              - in.7: [core: '0.0', soma: stim]
              - out: [core: '1.0']
            """;
        var (run, _, messages) = await Run(Arch(30, "sync_model: fixed, latency_sync: 0.0"), snn, 1, TimingModel.Detailed);
        var lines = messages.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(l => l.Split(',')).ToArray();
        double[] Column(int c) => lines.Where(l => l[1] != "-1").Select(l => double.Parse(l[c], CultureInfo.InvariantCulture)).ToArray();
        // Hand-worked schedule (ns). Sends 6, 12, 18, 24, 30 unblocked; the route then weighs 8/3 > 2 for messages 6, 7
        // and 8, each blocked (8/3 - 2) x 35 = 23.33 ns; receptions queue behind the 35 ns processing: 43, 78, 113, ..., 288.
        double third = 1.0 / 3;
        double[] sent = [6, 12, 18, 24, 30, 36 + 70 * third, 65 + third + 70 * third, 118];
        double[] blocking = [0, 0, 0, 0, 0, 70 * third, 70 * third, 70 * third];
        double[] processed = [43, 78, 113, 148, 183, 218, 253, 288];
        double[] route = [0, 0, 2 * third, 4 * third, 2, 8 * third, 8 * third, 8 * third];
        for (int i = 0; i < 8; i++)
        {
            Near(sent[i] * 1e-9, Column(7)[i] * 1, 1e-5);
            Near(processed[i] * 1e-9, Column(9)[i], 1e-5);
            Near(blocking[i] * 1e-9, Column(13)[i], 1e-5);
            Assert.Equal(route[i], Column(15)[i], 4);
        }
        Near(288e-9, run.Steps[0].Latency);

        var (simple, _, _) = await Run(Arch(30, "sync_model: fixed, latency_sync: 0.0"), snn, 1, TimingModel.Simple);
        Near(280e-9, simple.Steps[0].Latency); // receiving core: 8 x 35 ns; sending core: 8 x 6 ns
    }

    private static void Near(double expected, double actual, double relative = 1e-9) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected) + 1e-24,
            string.Create(CultureInfo.InvariantCulture, $"expected {expected:R}, got {actual:R}"));
}
