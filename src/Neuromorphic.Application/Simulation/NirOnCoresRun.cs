using System.Globalization;
using System.Text;
using Neuromorphic.Hardware.Cores;
using Neuromorphic.Interop.Nir;

namespace Neuromorphic.Application.Simulation;

/// <summary>The settings of `simulate --nir`: the graph, its input, the time step and the integration.</summary>
public sealed record NirGraphOptions(string File, string Input, string? Columns, double Dt, NirIntegration Integration, long Seed);

/// <summary>
/// `simulate --nir`: the graph run as it says (float, on the engine), then as the chip's neurons core by core; the
/// comparison puts the spikes of each node side by side, the chip's shifted back by its pipeline delay.
/// </summary>
public sealed class NirOnCoresRun
{
    private NirOnCoresRun(NirRunResult graph, NirOnCores chip)
    {
        Graph = graph;
        Chip = chip;
    }

    /// <summary>The graph's own run (float, exact or Euler stepping).</summary>
    public NirRunResult Graph { get; }
    public NirOnCores Chip { get; }

    /// <param name="axonTypes">The chip's typed axons (TrueNorth), to which the synapses' weights are forced, or null.</param>
    public static async Task<NirOnCoresRun> PrepareAsync(NirGraphOptions o, ChipArchitecture arch, int steps, CancellationToken ct,
        Hardware.AxonTypeWeights? axonTypes = null)
    {
        var plan = NirPlan.Compile(NirReader.Read(o.File), o.File);
        var stimulus = NirInputs.Stimulus(plan, o.Input, o.Columns, steps, o.Seed);
        if (stimulus.Count < steps) throw new UserErrorException($"--steps {steps}: the input has {stimulus.Count} rows.");
        var options = new NirRunOptions(o.Dt, steps) { Integration = o.Integration, RecordMembranes = new HashSet<string>(), Seed = o.Seed };
        var graph = await NirRunner.RunAsync(plan, options, 1, stimulus, ct);
        return new NirOnCoresRun(graph, NirOnCores.Build(plan, arch, o.Dt, o.Integration, stimulus, steps, axonTypes));
    }

    /// <summary>Per node: spikes in the graph run and on the chip, and how many of the graph's spikes the chip fired
    /// on the same neuron at the same step once its pipeline delay (one step per neuron layer, current-based ones excepted)
    /// is taken off; then the edges whose timing the chip cannot keep.</summary>
    public string Compare(CoreRunResult chip)
    {
        long steps = Graph.Options.Steps;
        var text = new StringBuilder();
        var sum = chip.Summary;
        // The run is one presentation of the input: one inference, for the energy and latency a user compares.
        text.AppendLine(CultureInfo.InvariantCulture, $"  one inference (the whole input, {steps} steps): energy {(sum.TotalEnergy + sum.StaticEnergy) * 1e6:F3} µJ " +
            $"({sum.TotalEnergy * 1e6:F3} dynamic + {sum.StaticEnergy * 1e6:F3} static), latency {sum.SimulatedTime * 1e3:F4} ms, " +
            $"{sum.SynapticEvents:N0} synaptic events, {sum.NeuronsFired:N0} spikes");
        if (Chip.WeightError is { } e)
            text.AppendLine(CultureInfo.InvariantCulture, $"  weights forced to the chip's per-neuron values per axon type: relative RMS change {100 * e:F2} % (the most-changed node)");
        text.AppendLine(CultureInfo.InvariantCulture, $"  spiking activity, graph run ({Graph.Options.Integration.ToString().ToLowerInvariant()}, dt {Graph.Options.Dt:G4} s) against the chip:");
        text.AppendLine("    node                 neurons   graph spikes   chip spikes   delay   same neuron and step");
        var byNeuron = chip.Spikes.ToLookup(s => s.Neuron, s => s.Step);
        foreach (var p in Chip.Populations)
        {
            if (!p.Spiking || p.Input) continue;
            var ours = new HashSet<(int, long)>();
            for (int i = 0; i < p.Count; i++)
                foreach (long t in byNeuron[p.First + i]) ours.Add((i, t - 1 - p.Depth)); // the chip counts steps from 1
            var graph = Graph.Raster[p.Node];
            long window = graph.Count(s => s.Step < steps - p.Depth);
            long same = graph.Count(s => s.Step < steps - p.Depth && ours.Contains((s.Neuron, s.Step)));
            string match = window == 0 ? "-" : $"{same:N0}/{window:N0} ({100.0 * same / window:F1} %)";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"    {p.Node,-20} {p.Count,7:N0}   {graph.Count,12:N0}   {ours.Count,11:N0}   {p.Depth,5}   {match}");
        }
        foreach (string note in Chip.Notes) text.AppendLine(CultureInfo.InvariantCulture, $"  note: {note}");
        return text.ToString();
    }
}
