using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>SANA-FE's neurons.csv: the input current u of the LIF neurons with <c>log_u</c>, each step. SANA-FE's run of
/// these files (<c>sim -x</c>, commit 8951ab0, 10 steps) wrote this neurons.csv, and the four other trace files ours
/// writes, byte for byte (docs/results.md).</summary>
public sealed class CurrentTraceTests
{
    private const string Net = """
        network:
          name: current_net
          groups:
            - name: drive
              attributes: {soma_hw_name: 'in[0]'}
              neurons:
                - 0: {spikes: [1, 0, 1, 1, 0, 0, 1]}
            - name: cell
              attributes: {log_potential: true, threshold: 40.0, leak_decay: 0.75, input_decay: 0.5}
              neurons:
                - 0: {log_u: true}
                - 1: {}
                - 2: {log_u: true, refractory_delay: 2, threshold: 10.0}
          edges:
            - drive.0 -> cell.0: {weight: 20}
            - drive.0 -> cell.1: {weight: 30}
            - drive.0 -> cell.2: {weight: 25}
        mappings:
          - drive.0: {core: '0.0'}
          - cell: {core: '0.0', dendrite: plain}
        """;

    [Fact]
    public async Task The_input_current_decays_and_takes_each_step_s_input_outside_the_refractory_period()
    {
        var chip = SanafeArchitectureReader.Parse(TapsDendriteTests.Arch, "arch.yaml");
        var net = SanafeNetworkReader.Parse(Net, "current_net.yaml", chip);
        var run = await CoreSimulation.RunAsync(chip, net, new CoreSimulationOptions(10));

        // cell.0: drive.0 fires in steps 1, 3, 4 and 7, so 20 arrives in steps 2, 4, 5 and 8; u halves every step
        // after the first: 0, 20, 10, 5 + 20, 12.5 + 20, 16.25, 8.125, 4.0625 + 20, 12.03125, 6.015625 (%g: 6 digits).
        // cell.2 fires in step 2 (25 > 10) and sits out step 3, its refractory period.
        Assert.Equal([net.Groups[1].First, net.Groups[1].First + 2], run.CurrentNeurons);
        Assert.Equal("""
            timestep,neuron cell.0/u,neuron cell.2/u,
            1,0,0,
            2,20,25,
            3,10,12.5,
            4,25,31.25,
            5,32.5,15.625,
            6,16.25,7.8125,
            7,8.125,3.90625,
            8,24.0625,26.9531,
            9,12.0312,13.4766,
            10,6.01562,6.73828,

            """.ReplaceLineEndings("\n"), SanafeOutputWriter.Currents(run, net));
    }
}
