using System.Globalization;
using System.Text;

namespace Neuromorphic.Hardware;

/// <summary>One row of the per-chip comparison: a report, or why the network could not be placed.
/// <see cref="Accuracy"/> is filled by the caller (e.g. accuracy after quantisation to the chip's precision);
/// <see cref="Training"/> is the report per training image where the chip learns and training was costed.</summary>
public sealed record HardwareResult(string Chip, string Accuracy, EnergyReport? Report, string? Failure = null, EnergyReport? Training = null);

/// <summary>Formats per-chip results as a plain-text table.</summary>
public static class HardwareTable
{
    private static readonly string[] Headers =
        ["chip", "accuracy", "energy/inf", "synaptic", "neuron", "routing", "learning", "memory", "static", "latency", "throughput", "cores",
         "training/img"];

    public static string Format(IEnumerable<HardwareResult> rows)
    {
        var results = rows.ToList();
        var cells = new List<string[]>();
        var failures = new List<string>();
        foreach (var r in results)
        {
            if (r.Report is not { } e)
            {
                cells.Add([r.Chip, r.Accuracy, "does not fit", "", "", "", "", "", "", "", "", "", ""]);
                if (r.Failure is not null) failures.Add($"{r.Chip}: {r.Failure}");
                continue;
            }
            cells.Add([
                r.Chip, r.Accuracy, Units.Format(e.TotalJ, "J"), Units.Format(e.SynapticJ, "J"), Units.Format(e.NeuronJ, "J"),
                Units.Format(e.RoutingJ, "J"),
                e.LearningJ is { } l ? Units.Format(l, "J") : "not supported",
                Units.Format(e.MemoryJ, "J"), Units.Format(e.StaticJ, "J"), Units.Format(e.LatencyS, "s"),
                double.IsFinite(e.ThroughputPerS) ? e.ThroughputPerS.ToString("0.###E+0", CultureInfo.InvariantCulture) + " /s" : "-",
                e.CoresUsed.ToString(CultureInfo.InvariantCulture),
                r.Training is { } t ? $"{Units.Format(t.TotalJ, "J")}, {Units.Format(t.LatencyS, "s")}" : e.LearningSupported ? "-" : "not supported",
            ]);
        }
        var widths = Headers.Select((h, i) => cells.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var sb = new StringBuilder();
        void Line(string[] cells) => sb.AppendLine(string.Join("  ", cells.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());
        Line(Headers);
        sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var r in cells) Line(r);
        foreach (var f in failures) sb.AppendLine(f);
        foreach (var r in results)
        {
            foreach (string what in r.Report?.Caveats ?? []) sb.AppendLine($"{r.Chip}: {what}");
            if (r.Training?.TrainingNote is { } how) sb.AppendLine($"{r.Chip}: {how}");
        }
        return sb.ToString();
    }
}
