using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Neuromorphic.Plotting;

public static partial class Plots
{
    /// <summary>
    /// A hyperparameter search: one point per trial in rank order, its mean score with a bar of ± its spread over seeds,
    /// trial names along the bottom when they fit (up to 40 trials).
    /// </summary>
    public static PlotModel SearchTrials(IReadOnlyList<(string Trial, double Mean, double Spread)> trials, string yTitle, string title)
    {
        PlotInput.NotEmpty(trials, nameof(trials));
        PlotInput.Label(yTitle, nameof(yTitle));
        foreach (var t in trials)
        {
            PlotInput.Label(t.Trial, nameof(trials));
            PlotInput.Finite(t.Mean, nameof(trials));
            PlotInput.Finite(t.Spread, nameof(trials));
        }
        var model = PlotStyle.NewModel(title);
        bool named = trials.Count <= 40;
        // Rank i sits at x = i; with names, the axis labels each whole x with its trial.
        var x = new LinearAxis { Minimum = -0.5, Maximum = trials.Count - 0.5, MajorStep = named ? 1 : double.NaN, MinorStep = named ? 1 : double.NaN,
            Angle = named && trials.Count > 12 ? -45 : 0,
            LabelFormatter = v => named && Math.Abs(v - Math.Round(v)) < 1e-9 && v >= 0 && v < trials.Count ? trials[(int)Math.Round(v)].Trial
                : (v + 1).ToString("0", System.Globalization.CultureInfo.InvariantCulture) };
        model.Axes.Add(PlotStyle.Axis(x, AxisPosition.Bottom, named ? "Trial (ranked)" : "Rank", grid: false));
        double low = trials.Min(t => t.Mean - t.Spread), high = trials.Max(t => t.Mean + t.Spread);
        double pad = Math.Max((high - low) * 0.1, 1e-6);
        model.Axes.Add(PlotStyle.Axis(new LinearAxis { Minimum = low - pad, Maximum = high + pad }, AxisPosition.Left, yTitle));
        var points = new ScatterErrorSeries { MarkerType = MarkerType.Circle, MarkerSize = 4, MarkerFill = PlotStyle.Colour(0), ErrorBarColor = PlotStyle.Colour(0) };
        for (int i = 0; i < trials.Count; i++) points.Points.Add(new ScatterErrorPoint(i, trials[i].Mean, 0, trials[i].Spread));
        model.Series.Add(points);
        return model;
    }
}
