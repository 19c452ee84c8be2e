using System.Globalization;
using System.Text.Json;
using Neuromorphic.Plotting;

namespace Neuromorphic.Cli;

/// <summary>One self-contained HTML page for a run: its configuration, measured figures, chip table and plots.</summary>
public static class RunReportWriter
{
    public const string ReportFile = "report.html";

    public static string Write(string run)
    {
        var summary = new List<KeyValuePair<string, string>>();
        var tables = new List<ReportTable>();
        using var info = Read(run, RunDirectory.RunInfoFile);
        using var metrics = Read(run, RunDirectory.MetricsFile);
        using var hardware = Read(run, RunDirectory.HardwareFile);
        if (info is not null)
            foreach (var p in info.RootElement.EnumerateObject()) summary.Add(new(p.Name, p.Value.ToString()));
        if (metrics is not null)
        {
            var m = metrics.RootElement;
            foreach (var name in new[] { "preset", "schedule", "trainImages", "testImages" })
                summary.Add(new(name, m.GetProperty(name).ToString()));
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
        if (hardware is not null)
            tables.Add(new ReportTable("Chips: accuracy after quantisation beside modeled energy and latency per inference",
                ["chip", "accuracy", "energy", "synaptic", "neuron", "routing", "static", "latency", "cores", "note"],
                hardware.RootElement.GetProperty("outcomes").EnumerateArray().Select(ChipRow).ToList()));

        var figures = RunPlots.Make(run, RunPlots.Kinds).Select(p => ReportFigure.FromPlot(p.Caption, p.Model)).ToList();
        string title = metrics is not null ? $"Neuromorphic run: {metrics.RootElement.GetProperty("preset").GetString()}" : "Neuromorphic run";
        return HtmlReport.Save(new ReportContent(title, summary, tables, figures), Path.Combine(run, ReportFile));
    }

    static IReadOnlyList<string> ChipRow(JsonElement o)
    {
        string chip = o.GetProperty("chip").GetString()!;
        if (o.GetProperty("energy").ValueKind != JsonValueKind.Object)
            return [chip, "-", "does not fit", "", "", "", "", "", "", o.GetProperty("failure").GetString() ?? ""];
        var e = o.GetProperty("energy");
        string J(string name) => SiUnits.Format(e.GetProperty(name).GetDouble(), "J");
        return [chip, Pct(o.GetProperty("accuracy").GetDouble()), J("totalJ"), J("synapticJ"), J("neuronJ"), J("routingJ"), J("staticJ"),
            SiUnits.Format(e.GetProperty("latencyS").GetDouble(), "s"), e.GetProperty("coresUsed").ToString(), ""];
    }

    static string Pct(double fraction) => (100 * fraction).ToString("F2", CultureInfo.InvariantCulture) + " %";
    static string F(double v, int digits) => v.ToString("F" + digits, CultureInfo.InvariantCulture);

    static JsonDocument? Read(string run, string file)
    {
        string path = Path.Combine(run, file);
        return File.Exists(path) ? JsonDocument.Parse(File.ReadAllText(path)) : null;
    }
}
