using System.Globalization;
using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>The core-by-core simulation against SANA-FE's own measured outputs (../shared/sanafe/reference, produced by
/// SANA-FE's standalone simulator from the same files).</summary>
public sealed class SanafeAgreementTests
{
    private static string Reference()
    {
        string path = Path.GetFullPath(Path.Combine(Requires.RepoRoot, "..", "shared", "sanafe"));
        Requires.That(Directory.Exists(Path.Combine(path, "reference")), $"the SANA-FE reference folder {path} is missing",
            "put SANA-FE's example files and reference outputs there");
        return path;
    }

    [Fact]
    public async Task Example_run_matches_sanafe_spike_for_spike_and_in_every_energy_category()
    {
        string root = Reference();
        var arch = SanafeArchitectureReader.LoadFile(Path.Combine(root, "arch", "example_chip.yaml"));
        var net = SanafeNetworkReader.LoadFile(Path.Combine(root, "snn", "example_snn.yaml"), arch);
        using var messages = new StringWriter();
        var run = await CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(100, MessageTrace: messages));

        string refDir = Path.Combine(root, "reference");
        Assert.Equal(File.ReadAllText(Path.Combine(refDir, "example_100_spikes.csv")), SanafeOutputWriter.Spikes(run, net));
        Assert.Equal(File.ReadAllText(Path.Combine(refDir, "example_100_potentials.csv")), SanafeOutputWriter.Potentials(run, net));
        Assert.Equal(File.ReadAllText(Path.Combine(refDir, "example_100_perf.csv")), SanafeOutputWriter.Perf(run));
        Assert.Equal(File.ReadAllText(Path.Combine(refDir, "example_100_messages.csv")), messages.ToString());

        var s = run.Summary;
        Assert.Equal((100, 5, 3, 200, 3), (s.Steps, s.SynapticEvents, s.Messages, s.NeuronsUpdated, s.NeuronsFired));
        Within(1.0e-10, s.SynapseEnergy, 0.001);
        Assert.Equal(0, s.DendriteEnergy);
        Within(6.04e-09, s.SomaEnergy, 0.001);
        Within(3.0e-10, s.NetworkEnergy, 0.001);
        Within(6.44e-09, s.TotalEnergy, 0.001);
        Within(8.44e-07, s.SimulatedTime, 0.001);
    }

    private static void Within(double expected, double actual, double relative) =>
        Assert.True(Math.Abs(actual - expected) <= relative * Math.Abs(expected),
            string.Create(CultureInfo.InvariantCulture, $"expected {expected:R} within {relative:P1}, got {actual:R}"));
}
