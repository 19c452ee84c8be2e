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
        WriteText(Path.Combine(directory, "spikes.csv"), w => WriteSpikes(w, run, network));
        WriteText(Path.Combine(directory, "potentials.csv"), w => WritePotentials(w, run, network));
        if (run.CurrentNeurons.Count > 0) WriteText(Path.Combine(directory, "neurons.csv"), w => WriteCurrents(w, run, network));
    }

    // Streamed: the traces of a long run are tens of megabytes.
    private static void WriteText(string path, Action<Utf8Lines> write) =>
        Engine.AtomicFile.Write(path, stream =>
        {
            var lines = new Utf8Lines(stream);
            write(lines);
            lines.Flush();
        });

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

    public static string Spikes(CoreRunResult run, SpikingNetworkSpec network) => AsText(w => WriteSpikes(w, run, network));

    public static string Potentials(CoreRunResult run, SpikingNetworkSpec network) => AsText(w => WritePotentials(w, run, network));

    /// <summary>SANA-FE's neurons.csv: each step, the input current u of the neurons with <c>log_u</c>.</summary>
    public static string Currents(CoreRunResult run, SpikingNetworkSpec network) => AsText(w => WriteCurrents(w, run, network));

    private static string AsText(Action<Utf8Lines> write)
    {
        using var stream = new MemoryStream();
        var lines = new Utf8Lines(stream);
        write(lines);
        lines.Flush();
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void WriteSpikes(Utf8Lines w, CoreRunResult run, SpikingNetworkSpec network)
    {
        w.Write("neuron,timestep\n"u8);
        foreach (var (neuron, step) in run.Spikes)
        {
            w.Write(network.NeuronName(neuron));
            w.Write((byte)',');
            w.Write(step);
            w.Write((byte)'\n');
        }
    }

    private static void WritePotentials(Utf8Lines w, CoreRunResult run, SpikingNetworkSpec network)
    {
        w.Write("timestep,"u8);
        foreach (int n in run.PotentialNeurons)
        {
            w.Write("neuron "u8);
            w.Write(network.NeuronName(n));
            w.Write((byte)',');
        }
        w.Write((byte)'\n');
        if (run.PotentialNeurons.Count == 0) // SANA-FE still writes each step's number, and ends a line only after a potential
        {
            for (long t = 1; t <= run.Summary.Steps; t++)
            {
                w.Write(t);
                w.Write((byte)',');
            }
            return;
        }
        WriteRows(w, run.Potentials);
    }

    private static void WriteCurrents(Utf8Lines w, CoreRunResult run, SpikingNetworkSpec network)
    {
        w.Write("timestep,"u8);
        foreach (int n in run.CurrentNeurons)
        {
            w.Write("neuron "u8);
            w.Write(network.NeuronName(n));
            w.Write("/u,"u8);
        }
        w.Write((byte)'\n');
        WriteRows(w, run.Currents);
    }

    private static void WriteRows(Utf8Lines w, IReadOnlyList<double[]> rows)
    {
        for (int t = 0; t < rows.Count; t++)
        {
            w.Write(t + 1);
            w.Write((byte)',');
            foreach (double v in rows[t])
            {
                w.WriteGeneral(v);
                w.Write((byte)',');
            }
            w.Write((byte)'\n');
        }
    }
}
