using System.Globalization;
using System.Text.Json;
using Neuromorphic.Plotting;

namespace Neuromorphic.Cli;

/// <summary>One self-contained HTML page for a run: its configuration, measured figures, chip table and plots.</summary>
public static class RunReportWriter
{
    public const string ReportFile = "report.html";

    public static string Write(string run) => RunDirectory.Reading(run, "the report", () =>
    {
        var (title, summary, tables) = Tables(run);
        var figures = RunPlots.Make(run, RunPlots.Kinds).Select(p => ReportFigure.FromPlot(p.Caption, p.Model)).ToList();
        return HtmlReport.Save(new ReportContent(title, summary, tables, figures), Path.Combine(run, ReportFile));
    });

    /// <summary>The report's title, summary and tables, read from the run's files (no plots are drawn).</summary>
    public static (string Title, List<KeyValuePair<string, string>> Summary, List<ReportTable> Tables) Tables(string run) =>
        RunDirectory.Reading(run, "the report", () => ReadTables(run));

    static (string, List<KeyValuePair<string, string>>, List<ReportTable>) ReadTables(string run)
    {
        var summary = new List<KeyValuePair<string, string>>();
        var tables = new List<ReportTable>();
        using var info = RunDirectory.ReadJson(run, RunDirectory.RunInfoFile);
        using var metrics = RunDirectory.ReadJson(run, RunDirectory.MetricsFile);
        using var hardware = RunDirectory.ReadJson(run, RunDirectory.HardwareFile);
        RunDirectory.CheckDerived(run);
        if (info is not null)
            foreach (var p in info.RootElement.EnumerateObject()) summary.Add(new(Label(p.Name), p.Value.ToString()));
        summary.Add(new("model sha256", RunDirectory.ModelChecksum(run)));
        if (metrics is not null)
        {
            var m = metrics.RootElement;
            foreach (var name in new[] { "preset", "schedule", "trainImages", "testImages" })
                summary.Add(new(Label(name), m.GetProperty(name).ToString()));
            summary.Add(new("test accuracy", Pct(m.GetProperty("testAccuracy").GetDouble())));
            summary.Add(new("wall time", $"{m.GetProperty("wallSeconds").GetDouble():F1} s"));
            summary.Add(new("peak memory", $"{m.GetProperty("peakMemoryBytes").GetInt64() / (1024.0 * 1024):F0} MiB"));
            summary.Add(new("feature extraction", $"{m.GetProperty("featureImagesPerSecond").GetDouble():F0} images/s"));
            tables.Add(new ReportTable("Hebbian passes (every pass runs through the engine)",
                ["phase", "images", "seconds", "images/s", "engine overhead"],
                m.GetProperty("hebbianPasses").EnumerateArray().Select(p => (IReadOnlyList<string>)
                [
                    p.GetProperty("phase").GetString()!, p.GetProperty("images").ToString(), F(p.GetProperty("seconds").GetDouble(), 1),
                    F(p.GetProperty("imagesPerSecond").GetDouble(), 1), Pct(p.GetProperty("engineOverhead").GetDouble()),
                ]).ToList()));
            tables.Add(new ReportTable("Read-out epochs", ["epoch", "learning rate", "train loss", "train accuracy", "test accuracy"],
                m.GetProperty("readoutEpochs").EnumerateArray().Select(e => (IReadOnlyList<string>)
                [
                    e.GetProperty("epoch").ToString(), e.GetProperty("learningRate").GetDouble().ToString("G3", CultureInfo.InvariantCulture),
                    F(e.GetProperty("trainLoss").GetDouble(), 4), Pct(e.GetProperty("trainAccuracy").GetDouble()), Pct(e.GetProperty("testAccuracy").GetDouble()),
                ]).ToList()));
        }
        if (hardware is not null) tables.AddRange(ChipTables(hardware.RootElement.GetProperty("outcomes").EnumerateArray().ToList()));
        using var spiking = RunDirectory.ReadJson(run, RunPlots.SpikingFile);
        if (spiking is not null) tables.Add(SpikingTable(spiking.RootElement));

        string title = metrics is not null ? $"Neuromorphic run: {metrics.RootElement.GetProperty("preset").GetString()}" : "Neuromorphic run";
        return (title, summary, tables);
    }

    /// <summary>Spiking inference: accuracy and spikes per image at each number of time steps.</summary>
    static ReportTable SpikingTable(JsonElement s)
    {
        var byT = s.GetProperty("byT").EnumerateArray().ToList();
        var layers = byT.Count == 0 ? [] : byT[0].GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("name").GetString()!).ToList();
        var columns = new List<string> { "time steps", "spiking accuracy", "rate-based accuracy" };
        columns.AddRange(layers.Select(l => $"{l} spikes/image"));
        double rate = s.GetProperty("rateAccuracy").GetDouble();
        return new ReportTable(
            $"Spiking inference on {s.GetProperty("samples").GetInt32():N0} test images ({s.GetProperty("encoder").GetString()!.ToLowerInvariant()} input coding)",
            columns,
            byT.Select(t => (IReadOnlyList<string>)
            [
                t.GetProperty("t").ToString(), Pct(t.GetProperty("accuracy").GetDouble()), Pct(rate),
                .. t.GetProperty("layers").EnumerateArray().Select(l => F(l.GetProperty("spikesPerImage").GetDouble(), 0)),
            ]).ToList());
    }

    /// <summary>
    /// The chips in two tables that each fit the page: accuracy, energy and speed per chip (with the reason where the
    /// network does not fit), then the energy split by category, whose parts add up to the total: memory traffic is a
    /// column of its own (von Neumann chips spend much of their energy there), learning only when a chip spent any.
    /// </summary>
    static IEnumerable<ReportTable> ChipTables(IReadOnlyList<JsonElement> outcomes)
    {
        static JsonElement? Energy(JsonElement o) =>
            o.GetProperty("energy") is { ValueKind: JsonValueKind.Object } e ? e : null;
        static double? Number(JsonElement parent, string name) =>
            parent.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && double.IsFinite(v.GetDouble()) ? v.GetDouble() : null;
        bool notes = outcomes.Any(o => Energy(o) is null);
        bool learning = outcomes.Any(o => Energy(o) is { } e && Number(e, "learningJ") > 0);

        var columns = new List<string> { "chip", "accuracy", "weight error", "energy", "latency", "inferences/s", "cores" };
        if (notes) columns.Add("note");
        var rows = new List<IReadOnlyList<string>>();
        foreach (var o in outcomes)
        {
            string chip = o.GetProperty("chip").GetString()!;
            if (Energy(o) is not { } e)
            {
                rows.Add([chip, "-", "", "does not fit", "", "", "", o.GetProperty("failure").GetString() ?? ""]);
                continue;
            }
            var row = new List<string>
            {
                chip, Pct(o.GetProperty("accuracy").GetDouble()),
                Number(o, "quantizationRelativeRmsError") is { } q ? Pct(q) : "-",
                Si(e.GetProperty("totalJ").GetDouble(), "J"), Si(e.GetProperty("latencyS").GetDouble(), "s"),
                Number(e, "throughputPerS") is { } t ? t.ToString("N0", CultureInfo.InvariantCulture) : "-",
                e.GetProperty("coresUsed").ToString(),
            };
            if (notes) row.Add("");
            rows.Add(row);
        }
        yield return new ReportTable("Chips: accuracy after quantisation beside modeled energy and latency per inference " +
            "(weight error is the relative RMS change that quantising to the chip's precision makes to the weights)", columns, rows);

        var parts = new List<string> { "chip", "synaptic", "neuron", "routing", "memory" };
        if (learning) parts.Add("learning");
        parts.AddRange(["static", "total"]);
        var split = new List<IReadOnlyList<string>>();
        foreach (var o in outcomes)
        {
            if (Energy(o) is not { } e) continue;
            string J(string name) => Si(e.GetProperty(name).GetDouble(), "J");
            var row = new List<string> { o.GetProperty("chip").GetString()!, J("synapticJ"), J("neuronJ"), J("routingJ"), J("memoryJ") };
            if (learning) row.Add(Number(e, "learningJ") is { } l ? Si(l, "J") : "not supported");
            row.AddRange([J("staticJ"), J("totalJ")]);
            split.Add(row);
        }
        if (split.Count > 0)
            yield return new ReportTable("Modeled energy per inference by category (the parts add up to the total)", parts, split);
    }

    /// <summary>A run.json / metrics.json property name as a reader's label: "trainImages" as "training images".</summary>
    static string Label(string name) => name switch
    {
        "startedUtc" => "started (UTC)",
        "gemm" => "GEMM back-end",
        "trainImages" => "training images",
        "testImages" => "test images",
        _ => string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? " " + char.ToLowerInvariant(c) : c.ToString())),
    };

    // Number and unit are joined by a no-break space, so a narrow table column never splits "66.5" from "µJ".
    const char NoBreak = '\u00A0';
    static string Pct(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture) + NoBreak + "%";
    static string Si(double value, string unit) => SiUnits.Format(value, unit).Replace(' ', NoBreak);
    static string F(double v, int digits) => v.ToString("F" + digits, CultureInfo.InvariantCulture);
}
