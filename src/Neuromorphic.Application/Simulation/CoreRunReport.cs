using System.Globalization;
using Neuromorphic.Hardware.Cores;
using Neuromorphic.Plotting;
using OxyPlot;

namespace Neuromorphic.Application.Simulation;

/// <summary>The figures and the HTML page of a core-by-core chip run: energy and latency per step, activity per core
/// over the mesh, load per router, and the spike raster of the first steps.</summary>
public static class CoreRunReport
{
    /// <summary>At most this many steps are drawn in the raster; a long run's raster would be a solid block.</summary>
    public const int RasterSteps = 200;

    /// <summary>The raster stops at the last step that keeps it within this many spikes (one step at least): the DVS
    /// example's 200 steps held 73,000, a 9 MB SVG that took a third of a second to write, and more dots than a
    /// 900-pixel figure shows.</summary>
    public const int RasterSpikes = 20_000;

    /// <summary>Writes plots/*.png|svg and report.html into <paramref name="directory"/>; returns the report's path.</summary>
    public static string Write(string directory, ChipArchitecture arch, SpikingNetworkSpec net, CoreRunResult run, string timing, string commit)
    {
        string plots = Path.Combine(directory, "plots");
        Directory.CreateDirectory(plots);
        var figures = new List<ReportFigure>();
        foreach (var (name, caption, model) in Figures(arch, net, run))
        {
            var written = PlotExport.Save(model, Path.Combine(plots, name));
            figures.Add(ReportFigure.FromPng(caption, File.ReadAllBytes(written[0]))); // rendered once, PNG first
        }
        var s = run.Summary;
        string Si(double v, string unit) => SiUnits.Format(v, unit, 4);
        var content = new ReportContent(
            $"{net.Name} on {arch.Name}",
            [
                new("architecture", arch.SourceFile),
                new("network", net.SourceFile),
                new("neurons, synapses", $"{net.NeuronCount:N0}, {net.Connections.Count:N0}"),
                new("cores used", $"{run.Cores.Count} of {arch.Cores.Count}" + (arch.BoardBarrierS is null ? "" : $", on {run.Chips} of the board's chips")),
                new("input axons on one core", $"up to {run.Cores.Select(c => c.AxonsIn).DefaultIfEmpty(0).Max():N0}" +
                    (arch.AxonsPerCore is { } axons ? $" (a core has {axons:N0})" : "")),
                .. AxonLimit.Exceeded(arch, net, run.Cores) is { } fit ? [new("does not fit", fit)] : Array.Empty<KeyValuePair<string, string>>(),
                new("steps", s.Steps.ToString("N0", CultureInfo.InvariantCulture)),
                new("timing model", timing),
                new("time steps", arch.FreeRunning ? "free-running" : "barrier"),
                new("commit", commit),
            ],
            [
                new ReportTable("Totals (SANA-FE's run_summary.yaml)", ["quantity", "value"],
                [
                    ["synaptic events", s.SynapticEvents.ToString("N0", CultureInfo.InvariantCulture)],
                    ["messages", s.Messages.ToString("N0", CultureInfo.InvariantCulture)],
                    ["neurons updated", s.NeuronsUpdated.ToString("N0", CultureInfo.InvariantCulture)],
                    ["neurons fired", s.NeuronsFired.ToString("N0", CultureInfo.InvariantCulture)],
                    ["energy: synapse", Si(s.SynapseEnergy, "J")],
                    ["energy: dendrite", Si(s.DendriteEnergy, "J")],
                    ["energy: soma", Si(s.SomaEnergy, "J")],
                    ["energy: network", Si(s.NetworkEnergy, "J")],
                    ["energy: total", Si(s.TotalEnergy, "J")],
                    ["simulated time", Si(s.SimulatedTime, "s")],
                    ["average power", Si(s.AveragePower, "W")],
                ]),
            ],
            figures);
        return HtmlReport.Save(content, Path.Combine(directory, "report.html"));
    }

    public static IEnumerable<(string Name, string Caption, PlotModel Model)> Figures(ChipArchitecture arch, SpikingNetworkSpec net, CoreRunResult run)
    {
        double[] steps = run.Steps.Select(p => (double)p.Step).ToArray();
        var energy = new List<(string, double[], double[])>
        {
            ("synapse", steps, run.Steps.Select(p => p.SynapseEnergy * 1e6).ToArray()),
            ("soma", steps, run.Steps.Select(p => p.SomaEnergy * 1e6).ToArray()),
            ("network", steps, run.Steps.Select(p => p.NetworkEnergy * 1e6).ToArray()),
        };
        if (run.Summary.DendriteEnergy > 0) energy.Add(("dendrite", steps, run.Steps.Select(p => p.DendriteEnergy * 1e6).ToArray()));
        energy.Add(("total", steps, run.Steps.Select(p => p.TotalEnergy * 1e6).ToArray()));
        yield return ("energy-per-step", "Energy per time step by category, counted where it is spent",
            Plots.ActivityTraces(energy, "Time step", "Energy (µJ)", "Energy per step"));
        yield return ("latency-per-step", "Latency of each time step (slowest core or last message processed, plus the barrier)",
            Plots.ActivityTraces([("step latency", steps, run.Steps.Select(p => p.Latency * 1e6).ToArray())], "Time step", "Latency (µs)", "Latency per step"));
        yield return ("core-activity", "Synaptic events per core over the run, laid out on the mesh (blank: no neurons mapped; on a board, black lines part the chips)",
            Plots.MeshMap(arch.Width, arch.Height, Math.Max(1, arch.MaxCoresPerTile),
                run.Cores.Select(c => new MeshValue(c.X, c.Y, c.CoreOffset, c.SynapticEvents)).ToArray(), "Synaptic events", "Activity per core", arch.ChipBlock));
        yield return ("core-energy", "Energy spent in each core over the run (its synapses, somas and messages in and out)",
            Plots.MeshMap(arch.Width, arch.Height, Math.Max(1, arch.MaxCoresPerTile),
                run.Cores.Select(c => new MeshValue(c.X, c.Y, c.CoreOffset, c.Energy * 1e6)).ToArray(), "Energy (µJ)", "Energy per core", arch.ChipBlock));
        yield return ("router-load", "Messages through each router (a tile's centre square; X-then-Y routes, both ends counted) " +
            "and over each link leaving it (the square on that side: east, west, north, south)",
            Plots.MeshMap(arch.Width, arch.Height, LinkCells, run.Routers.SelectMany(LinkValues).ToArray(), "Messages", "Router and link load", arch.ChipBlock));
        int shown = RasterStepsShown(run.Spikes.Select(s => s.Step), Math.Min(RasterSteps, run.Steps.Count));
        var spikes = run.Spikes.Where(s => s.Step <= shown).Select(s => ((double)s.Step, s.Neuron)).ToArray();
        if (spikes.Length > 0)
            yield return ("spike-raster", $"Spikes of the traced neurons (log_spikes), first {shown} steps; rows are neurons in file order",
                Plots.SpikeRaster(spikes, "Spike raster", markerSize: 1, time: RasterTime.Steps, populationSize: net.NeuronCount));
    }

    // A tile drawn as 3 x 3 squares (MeshMap numbers them row by row from the bottom left): the router in the centre, and
    // beside it on each side the link leaving that way; the corners stay blank.
    private const int LinkCells = 9;

    private static IEnumerable<MeshValue> LinkValues(RouterLoad r)
    {
        yield return new MeshValue(r.X, r.Y, 4, r.Messages);
        foreach (var (cell, messages) in new[] { (5, r.East), (3, r.West), (7, r.North), (1, r.South) })
            if (messages > 0) yield return new MeshValue(r.X, r.Y, cell, messages);
    }

    /// <summary>The steps the raster shows: the first <paramref name="steps"/> or fewer, the most whose spikes number at
    /// most <see cref="RasterSpikes"/>, and at least one.</summary>
    public static int RasterStepsShown(IEnumerable<long> spikeSteps, int steps)
    {
        var perStep = new int[steps + 1];
        foreach (long step in spikeSteps)
            if (step >= 1 && step <= steps) perStep[step]++;
        int total = 0;
        for (int s = 1; s <= steps; s++)
            if ((total += perStep[s]) > RasterSpikes) return Math.Max(1, s - 1);
        return Math.Max(1, steps);
    }
}
