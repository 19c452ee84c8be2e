using System.Globalization;
using System.Text;
using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>The core-by-core simulation against SANA-FE's own measured outputs (../shared/sanafe/reference, produced by
/// SANA-FE's standalone simulator from the same files).</summary>
public sealed class SanafeAgreementTests
{
    private static string Reference() => Requires.SanafeReference();

    /// <summary>SANA-FE's architecture and network files from ../shared/sanafe, e.g. ("example_chip", "example_snn").</summary>
    private static (ChipArchitecture Arch, SpikingNetworkSpec Net) Load(string arch, string snn)
    {
        string root = Reference();
        var a = SanafeArchitectureReader.LoadFile(Path.Combine(root, "arch", arch + ".yaml"));
        return (a, SanafeNetworkReader.LoadFile(Path.Combine(root, "snn", snn + ".yaml"), a));
    }

    [Fact]
    public async Task Example_run_matches_sanafe_spike_for_spike_and_in_every_energy_category()
    {
        var (arch, net) = Load("example_chip", "example_snn");
        using var messages = new MemoryStream();
        var run = await CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(100, MessageTrace: messages));

        string refDir = Path.Combine(Reference(), "reference");
        Assert.Equal(File.ReadAllText(Path.Combine(refDir, "example_100_spikes.csv")), SanafeOutputWriter.Spikes(run, net));
        Assert.Equal(File.ReadAllText(Path.Combine(refDir, "example_100_potentials.csv")), SanafeOutputWriter.Potentials(run, net));
        Assert.Equal(File.ReadAllText(Path.Combine(refDir, "example_100_perf.csv")), SanafeOutputWriter.Perf(run));
        Assert.Equal(File.ReadAllText(Path.Combine(refDir, "example_100_messages.csv")), Encoding.UTF8.GetString(messages.ToArray()));

        var s = run.Summary;
        Assert.Equal((100, 5, 3, 200, 3), (s.Steps, s.SynapticEvents, s.Messages, s.NeuronsUpdated, s.NeuronsFired));
        Within(1.0e-10, s.SynapseEnergy, 0.001);
        Assert.Equal(0, s.DendriteEnergy);
        Within(6.04e-09, s.SomaEnergy, 0.001);
        Within(3.0e-10, s.NetworkEnergy, 0.001);
        Within(6.44e-09, s.TotalEnergy, 0.001);
        Within(8.44e-07, s.SimulatedTime, 0.001);
    }

    [Fact]
    public async Task An_exported_network_read_back_simulates_identically()
    {
        var (arch, net) = Load("example_chip", "example_snn");
        using var archText = new StringWriter();
        SanafeFileWriter.WriteArchitecture(arch, archText);
        var arch2 = SanafeArchitectureReader.Parse(archText.ToString(), "exported_arch.yaml");
        using var netText = new StringWriter();
        SanafeFileWriter.WriteNetwork(net, arch2, netText);
        var net2 = SanafeNetworkReader.Parse(netText.ToString(), "exported_snn.yaml", arch2);

        var first = await CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(100));
        var second = await CoreSimulation.RunAsync(arch2, net2, new CoreSimulationOptions(100));
        Assert.Equal(SanafeOutputWriter.Perf(first), SanafeOutputWriter.Perf(second));
        Assert.Equal(SanafeOutputWriter.Potentials(first, net), SanafeOutputWriter.Potentials(second, net2));
        Assert.Equal(SanafeOutputWriter.Spikes(first, net), SanafeOutputWriter.Spikes(second, net2));
    }

    [Fact]
    public async Task A_dendrite_updated_every_step_costs_only_its_synaptic_events_as_in_sanafe()
    {
        // The example chip's dendrite updates every step (update_every_timestep); given 5 pJ an update, SANA-FE's run of
        // 10 steps (its sim -p, commit 8951ab0) reported dendrite energy 2.5e-11 J: its 5 synaptic events, none for the
        // 4 neurons' 40 forced updates, as its accumulator reports no energy there.
        string root = Reference();
        string text = File.ReadAllText(Path.Combine(root, "arch", "example_chip.yaml"));
        string costly = text.Replace("energy_update: 0.0\n                latency_update: 0.0\n                update_every_timestep: true",
            "energy_update: 5.0e-12\n                latency_update: 0.0\n                update_every_timestep: true", StringComparison.Ordinal);
        Assert.NotEqual(text, costly);
        var arch = SanafeArchitectureReader.Parse(costly, "example_chip_costly_dendrite.yaml");
        var net = SanafeNetworkReader.LoadFile(Path.Combine(root, "snn", "example_snn.yaml"), arch);
        var run = await CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(10));
        Assert.Equal(5, run.Summary.SynapticEvents);
        Assert.Equal(2.5e-11, run.Summary.DendriteEnergy, 1e-22);
    }

    [Theory]
    [InlineData(TimingModel.Detailed, "detailed")]
    [InlineData(TimingModel.Simple, "simple")]
    public async Task Dvs_gesture_on_loihi_gives_sanafes_summary_and_every_step_of_its_perf_csv(TimingModel timing, string name)
    {
        var (arch, net) = Load("loihi", "dvs");
        var run = await CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(1000, timing));

        // SANA-FE's run_summary.yaml for the same files, to the last printed digit: counts, simulated time, and the energy
        // of each category (ours puts a space after every colon, and its wall times differ).
        static string Figures(string summary) => summary[..summary.IndexOf("wall_time:", StringComparison.Ordinal)].Replace(": ", ":");
        string reference = File.ReadAllText(Path.Combine(Reference(), "reference", $"dvs_loihi_1000_{name}.run_summary.yaml"));
        Assert.Equal(Figures(reference), Figures(SanafeOutputWriter.Summary(run, "")));
        if (timing != TimingModel.Detailed) return;

        // And its perf.csv byte for byte: every step's counts, latency and energies. Ties between messages sent at the
        // same instant go as the last bit of their send times falls, and a step's energy is summed event by event, so
        // this holds only with every delay and cost added in SANA-FE's order.
        Assert.Equal(File.ReadAllText(Path.Combine(Reference(), "reference", "dvs_loihi_1000_detailed.perf.csv")), SanafeOutputWriter.Perf(run));
    }

    [Fact]
    public async Task Dvs_gesture_on_our_loihi_file_costs_sanafes_event_counts_at_that_files_figures()
    {
        string root = Reference();
        var chip = ChipModelLoader.LoadFile(Path.Combine(Requires.RepoRoot, "hardware-models", "loihi.yaml"));
        var arch = ChipModelArchitecture.From(chip);
        var net = SanafeNetworkReader.LoadFile(Path.Combine(root, "snn", "dvs.yaml"), arch);
        var run = await CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(1000));

        // The same functional run as SANA-FE's (its counts), costed with hardware-models/loihi.yaml: 23.6 pJ a synaptic
        // op; 52 pJ per neuron per step idle, 81 pJ when updated; 1.7 pJ a message, 3.5 pJ a hop; 104 mW static.
        var s = run.Summary;
        Assert.Equal((51_366_924, 3_724_738, 15_552_561, 364_088), (s.SynapticEvents, s.Messages, s.NeuronsUpdated, s.NeuronsFired));
        long hops = run.Steps.Sum(p => p.Hops);
        Within(51_366_924 * 23.6e-12, s.SynapseEnergy, 1e-9);
        Within(18_678 * 1000 * 52e-12 + 15_552_561 * (81e-12 - 52e-12), s.SomaEnergy, 1e-9);
        Within(3_724_738 * 1.7e-12 + hops * 3.5e-12, s.NetworkEnergy, 1e-9);
        Within(0.104 * s.SimulatedTime, s.StaticEnergy, 1e-9);
    }

    private static void Within(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            string.Create(CultureInfo.InvariantCulture, $"expected {expected:R} within {relative:P1}, got {actual:R}"));
}
