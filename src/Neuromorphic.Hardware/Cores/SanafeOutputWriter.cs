using System.Globalization;
using System.Text;

namespace Neuromorphic.Hardware.Cores;

/// <summary>Writes a core-by-core run as SANA-FE writes its own (run_summary.yaml, perf.csv, spikes.csv,
/// potentials.csv), with the same names, columns and number formats, so the two tools' outputs can be diffed.
/// One difference on purpose: the energy lines of run_summary.yaml always have a space after the colon, so the file
/// is valid YAML.</summary>
public static class SanafeOutputWriter
{
    public static void Write(string directory, CoreRunResult run, SpikingNetworkSpec network, string version)
    {
        Directory.CreateDirectory(directory);
        Engine.AtomicFile.WriteAllText(Path.Combine(directory, "run_summary.yaml"), Summary(run, version));
        Engine.AtomicFile.WriteAllText(Path.Combine(directory, "perf.csv"), Perf(run));
        Engine.AtomicFile.WriteAllText(Path.Combine(directory, "spikes.csv"), Spikes(run, network));
        Engine.AtomicFile.WriteAllText(Path.Combine(directory, "potentials.csv"), Potentials(run, network));
    }

    public static string Summary(CoreRunResult run, string version)
    {
        var s = run.Summary;
        var b = new StringBuilder();
        b.Append("build_git_version: '").Append(version.Replace("'", "''", StringComparison.Ordinal)).Append("'\n");
        b.Append(CultureInfo.InvariantCulture, $"timesteps_executed: {s.Steps}\n");
        b.Append(CultureInfo.InvariantCulture, $"total_spikes: {s.SynapticEvents}\n");
        b.Append(CultureInfo.InvariantCulture, $"total_messages_sent: {s.Messages}\n");
        b.Append(CultureInfo.InvariantCulture, $"total_neurons_updated: {s.NeuronsUpdated}\n");
        b.Append(CultureInfo.InvariantCulture, $"total_neurons_fired: {s.NeuronsFired}\n");
        b.Append("sim_time: ").Append(SanafeText.Scientific(s.SimulatedTime)).Append('\n');
        b.Append("energy:\n");
        b.Append("  synapse: ").Append(SanafeText.Scientific(s.SynapseEnergy)).Append('\n');
        b.Append("  dendrite: ").Append(SanafeText.Scientific(s.DendriteEnergy)).Append('\n');
        b.Append("  soma: ").Append(SanafeText.Scientific(s.SomaEnergy)).Append('\n');
        b.Append("  network: ").Append(SanafeText.Scientific(s.NetworkEnergy)).Append('\n');
        b.Append("  total: ").Append(SanafeText.Scientific(s.TotalEnergy)).Append('\n');
        b.Append("wall_time:\n");
        b.Append("  total: ").Append(run.WallTime.TotalSeconds.ToString("F6", CultureInfo.InvariantCulture)).Append('\n');
        return b.ToString();
    }

    public static string Perf(CoreRunResult run)
    {
        var b = new StringBuilder("timestep,fired,updated,packets,hops,spikes,sim_time,synapse_energy,dendrite_energy,soma_energy,network_energy,total_energy\n");
        foreach (var p in run.Steps)
        {
            b.Append(CultureInfo.InvariantCulture, $"{p.Step},{p.Fired},{p.Updated},{p.Messages},{p.Hops},{p.SynapticEvents},");
            b.AppendJoin(',', SanafeText.Scientific(p.Latency), SanafeText.Scientific(p.SynapseEnergy), SanafeText.Scientific(p.DendriteEnergy),
                SanafeText.Scientific(p.SomaEnergy), SanafeText.Scientific(p.NetworkEnergy), SanafeText.Scientific(p.TotalEnergy));
            b.Append('\n');
        }
        return b.ToString();
    }

    public static string Spikes(CoreRunResult run, SpikingNetworkSpec network)
    {
        var b = new StringBuilder("neuron,timestep\n");
        foreach (var (neuron, step) in run.Spikes)
            b.Append(network.NeuronName(neuron)).Append(',').Append(step.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return b.ToString();
    }

    public static string Potentials(CoreRunResult run, SpikingNetworkSpec network)
    {
        var b = new StringBuilder("timestep,");
        foreach (int n in run.PotentialNeurons) b.Append("neuron ").Append(network.NeuronName(n)).Append(',');
        b.Append('\n');
        for (int t = 0; t < run.Potentials.Count; t++)
        {
            b.Append((t + 1).ToString(CultureInfo.InvariantCulture)).Append(',');
            foreach (double v in run.Potentials[t]) b.Append(SanafeText.General(v)).Append(',');
            b.Append('\n');
        }
        return b.ToString();
    }
}
