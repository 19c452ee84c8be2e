using System.Globalization;
using System.Text;
using Neuromorphic.Engine;
using Neuromorphic.Interop.Nir;
using Neuromorphic.Plotting;

namespace Neuromorphic.Application.Simulation;

/// <summary>What `nir run` leaves in its folder: the spikes and membranes of sample 0 and the graph's outputs as CSV
/// (one row per value, so they load straight into pandas or a spreadsheet), a per-node summary, a raster per spiking
/// node and the recorded membranes as figures.</summary>
public static class NirRunFiles
{
    /// <summary>Writes the files; returns the summary table printed to the console.</summary>
    public static string Write(NirRunResult run, string folder)
    {
        Directory.CreateDirectory(folder);
        double dt = run.Options.Dt;
        var spikes = new StringBuilder("step,time_s,node,neuron\n");
        foreach (var (node, raster) in run.Raster)
            foreach (var (step, neuron) in raster)
                spikes.Append(CultureInfo.InvariantCulture, $"{step},{(step + 1) * dt:R},{Csv(node)},{neuron}\n");
        AtomicFile.WriteAllText(Path.Combine(folder, "spikes.csv"), spikes.ToString());

        var membranes = new StringBuilder("step,time_s,node,neuron,v\n");
        foreach (var (node, trace) in run.Membranes)
            for (int t = 0; t < trace.Length; t++)
                for (int n = 0; n < trace[t].Length; n++)
                    membranes.Append(CultureInfo.InvariantCulture, $"{t},{(t + 1) * dt:R},{Csv(node)},{n},{trace[t][n]:R}\n");
        AtomicFile.WriteAllText(Path.Combine(folder, "membranes.csv"), membranes.ToString());

        var outputs = new StringBuilder("step,node,sample,index,value\n");
        foreach (var (node, trace) in run.Outputs)
        {
            int per = trace.Length == 0 ? 0 : trace[0].Length / run.Batch;
            for (int t = 0; t < trace.Length; t++)
                for (int k = 0; k < trace[t].Length; k++)
                    if (trace[t][k] != 0) outputs.Append(CultureInfo.InvariantCulture, $"{t},{Csv(node)},{k / per},{k % per},{trace[t][k]:R}\n");
        }
        AtomicFile.WriteAllText(Path.Combine(folder, "outputs.csv"), outputs.ToString());

        string summary = Summary(run);
        AtomicFile.WriteAllText(Path.Combine(folder, "summary.txt"), summary);
        Figures(run, folder);
        return summary;
    }

    static string Summary(NirRunResult run)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{run.Plan.Source}: {run.Options.Steps} steps of {run.Options.Dt:G4} s, " +
            $"{run.Options.Integration.ToString().ToLowerInvariant()} integration, {run.Batch} sample(s)");
        text.AppendLine("node                     type        shape          spikes   spikes/neuron/step");
        foreach (var node in run.Plan.Nodes)
        {
            long spikes = run.SpikesPerStep[node.Name].Sum();
            string rate = run.Raster.ContainsKey(node.Name)
                ? (spikes / (double)(node.OutputLength * run.Options.Steps * run.Batch)).ToString("F4", CultureInfo.InvariantCulture) : "";
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{Trim(node.Name, 24),-24} {node.Node.Type,-11} {NirShape.Text(node.OutputShape),-14} {(run.Raster.ContainsKey(node.Name) ? spikes.ToString("N0", CultureInfo.InvariantCulture) : ""),8}   {rate}");
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"synaptic events {run.SynapticEvents:N0}, spikes {run.TotalSpikes:N0}, wall time {run.Engine.WallTime.TotalSeconds:F2} s");
        return text.ToString();
    }

    static void Figures(NirRunResult run, string folder)
    {
        foreach (var (node, raster) in run.Raster)
        {
            if (raster.Count == 0) continue;
            int neurons = run.Plan.Nodes.Single(n => n.Name == node).OutputLength;
            var model = Plots.SpikeRaster(raster.Select(s => ((double)s.Step, s.Neuron)).ToList(), $"Spikes of node {node} (sample 0)",
                time: RasterTime.Steps, populationSize: neurons);
            PlotExport.Save(model, Path.Combine(folder, $"raster_{FileSafe(node)}"));
        }
        foreach (var (node, trace) in run.Membranes)
        {
            if (trace.Length == 0 || trace[0].Length == 0) continue;
            var steps = Enumerable.Range(0, trace.Length).Select(t => (double)t).ToArray();
            int count = Math.Min(3, trace[0].Length);
            var series = Enumerable.Range(0, count).Select(i => (i * (trace[0].Length - 1) / Math.Max(1, count - 1)))
                .Distinct().Select(n => ($"neuron {n}", steps, trace.Select(v => (double)v[n]).ToArray())).ToList();
            PlotExport.Save(Plots.ActivityTraces(series, "Time step", "Membrane potential (NIR units)", $"Membranes of node {node} (sample 0)"),
                Path.Combine(folder, $"membranes_{FileSafe(node)}"));
        }
    }

    static string Csv(string name) => name.Contains(',') || name.Contains('"') ? "\"" + name.Replace("\"", "\"\"") + "\"" : name;
    static string Trim(string name, int width) => name.Length <= width ? name : name[..(width - 1)] + "…";
    static string FileSafe(string name) => string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
