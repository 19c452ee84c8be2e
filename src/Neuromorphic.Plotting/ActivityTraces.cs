using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Neuromorphic.Plotting;

public static partial class Plots
{
    /// <summary>
    /// Line plot of one or more traces sharing an x axis: membrane potential over time steps, or per-layer
    /// activity over training samples. Put the unit in the axis titles, e.g. "Membrane potential (mV)".
    /// </summary>
    public static PlotModel ActivityTraces(IReadOnlyList<(string Label, double[] X, double[] Y)> series,
        string xTitle, string yTitle, string title)
    {
        PlotInput.NotEmpty(series, nameof(series));
        PlotInput.Label(xTitle, nameof(xTitle));
        PlotInput.Label(yTitle, nameof(yTitle));

        var model = PlotStyle.NewModel(title);
        model.Axes.Add(PlotStyle.Axis(new LinearAxis(), AxisPosition.Bottom, xTitle));
        model.Axes.Add(PlotStyle.Axis(new LinearAxis(), AxisPosition.Left, yTitle));

        for (int s = 0; s < series.Count; s++)
        {
            var (label, x, y) = series[s];
            PlotInput.Label(label, nameof(series));
            ArgumentNullException.ThrowIfNull(x, nameof(series));
            ArgumentNullException.ThrowIfNull(y, nameof(series));
            PlotInput.SameLength(x.Length, y.Length, nameof(series), $"the X values of trace '{label}'");
            PlotInput.Finite(x, nameof(series));
            PlotInput.Finite(y, nameof(series));

            var line = new LineSeries { Title = label, Color = PlotStyle.Colour(s), StrokeThickness = 1.8 };
            for (int i = 0; i < x.Length; i++) line.Points.Add(new DataPoint(x[i], y[i]));
            model.Series.Add(line);
        }
        if (series.Count > 1) PlotStyle.AddLegend(model);
        return model;
    }
}
