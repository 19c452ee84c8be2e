using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Neuromorphic.Plotting;

public static partial class Plots
{
    /// <summary>
    /// Spiking inference: accuracy against the number of simulation time steps T, with the rate-based
    /// (non-spiking) accuracy the spiking network approaches as T grows drawn as a dashed reference.
    /// T is shown on a log₂ axis when it spans at least a factor of 8 (the usual 1, 2, 4, ... sweep).
    /// </summary>
    public static PlotModel AccuracyVersusTimeSteps(int[] timeSteps, double[] spikingAccuracy, double rateAccuracy,
        string title = "Spiking accuracy versus time steps")
    {
        ArgumentNullException.ThrowIfNull(timeSteps);
        ArgumentNullException.ThrowIfNull(spikingAccuracy);
        if (timeSteps.Length == 0) throw new ArgumentException("At least one time-step count is required.", nameof(timeSteps));
        PlotInput.SameLength(timeSteps.Length, spikingAccuracy.Length, nameof(spikingAccuracy), "the number of time-step counts");
        foreach (int t in timeSteps)
            if (t <= 0) throw new ArgumentException($"Time-step count {t} must be positive.", nameof(timeSteps));
        PlotInput.Finite(spikingAccuracy, nameof(spikingAccuracy));
        Percentages(spikingAccuracy, nameof(spikingAccuracy));
        PlotInput.Finite(rateAccuracy, nameof(rateAccuracy));
        if (rateAccuracy is < 0 or > 100)
            throw new ArgumentException($"Rate accuracy {rateAccuracy} must be a percentage in 0..100.", nameof(rateAccuracy));

        var model = PlotStyle.NewModel(title);
        bool log = (double)timeSteps.Max() / timeSteps.Min() >= 8;
        Axis x = log
            ? new LogarithmicAxis { Base = 2, MinimumPadding = 0.05, MaximumPadding = 0.05 }
            : new LinearAxis { MinimumPadding = 0.05, MaximumPadding = 0.05 };
        model.Axes.Add(PlotStyle.Axis(x, AxisPosition.Bottom, log ? "Time steps T (log₂ scale)" : "Time steps T"));
        double low = Math.Min(spikingAccuracy.Min(), rateAccuracy);
        model.Axes.Add(PlotStyle.Axis(new LinearAxis
        {
            Minimum = Math.Max(0, Math.Floor((low - 5) / 10) * 10),
            Maximum = 100,
        }, AxisPosition.Left, "Test accuracy (%)"));

        var colour = PlotStyle.Colour(0);
        var line = new LineSeries
        {
            Title = "spiking", Color = colour, StrokeThickness = 2, MarkerType = MarkerType.Circle, MarkerSize = 4, MarkerFill = colour,
        };
        foreach (int i in Enumerable.Range(0, timeSteps.Length).OrderBy(i => timeSteps[i]))
            line.Points.Add(new DataPoint(timeSteps[i], spikingAccuracy[i]));
        model.Series.Add(line);

        model.Annotations.Add(new LineAnnotation
        {
            Type = LineAnnotationType.Horizontal,
            Y = rateAccuracy,
            LineStyle = LineStyle.Dash,
            StrokeThickness = 1.5,
            Color = PlotStyle.Colour(1),
            Text = $"rate-based: {rateAccuracy:0.##} %",
            TextColor = PlotStyle.Colour(1),
            FontSize = 12,
            // Left end: with few time steps the spiking curve is still far below, so the label stays clear of it.
            TextLinePosition = 0,
            TextHorizontalAlignment = HorizontalAlignment.Left,
            TextVerticalAlignment = VerticalAlignment.Bottom,
        });
        PlotStyle.AddLegend(model, OxyPlot.Legends.LegendPlacement.Inside, OxyPlot.Legends.LegendPosition.RightBottom);
        return model;
    }
}
