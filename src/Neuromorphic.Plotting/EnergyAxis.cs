using OxyPlot.Axes;

namespace Neuromorphic.Plotting;

/// <summary>Energy axes in joules: decade-aligned log range, tick labels with SI prefixes (µJ, mJ).</summary>
internal static class EnergyAxis
{
    public static LogarithmicAxis Log(double smallest, double largest)
    {
        // A factor-of-2 margin before rounding out to whole decades keeps points (and their labels) off the edges.
        double min = Math.Pow(10, Math.Floor(Math.Log10(smallest / 2)));
        double max = Math.Pow(10, Math.Ceiling(Math.Log10(largest * 2)));
        if (max / min < 100) { min /= 10; max *= 10; } // at least two labelled decades
        return new LogarithmicAxis
        {
            Minimum = min,
            Maximum = max,
            LabelFormatter = v => SiUnits.Format(v, "J"),
            MinorGridlineStyle = OxyPlot.LineStyle.Dot,
            MinorGridlineColor = OxyPlot.OxyColor.FromRgb(238, 238, 238),
        };
    }

    public static LinearAxis Linear() => new()
    {
        Minimum = 0,
        MaximumPadding = 0.05,
        LabelFormatter = v => v == 0 ? "0" : SiUnits.Format(v, "J"),
    };
}
