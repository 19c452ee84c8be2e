using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Neuromorphic.Plotting;

public static partial class Plots
{
    /// <summary>
    /// Read-out training: train and test accuracy on the left axis (%), training loss on the right axis.
    /// </summary>
    public static PlotModel LearningCurves(int[] epochs, double[] trainAccuracy, double[] testAccuracy,
        double[] trainLoss, string title = "Read-out learning curves")
    {
        ArgumentNullException.ThrowIfNull(epochs);
        ArgumentNullException.ThrowIfNull(trainAccuracy);
        ArgumentNullException.ThrowIfNull(testAccuracy);
        ArgumentNullException.ThrowIfNull(trainLoss);
        if (epochs.Length == 0) throw new ArgumentException("At least one epoch is required.", nameof(epochs));
        PlotInput.SameLength(epochs.Length, trainAccuracy.Length, nameof(trainAccuracy), "the number of epochs");
        PlotInput.SameLength(epochs.Length, testAccuracy.Length, nameof(testAccuracy), "the number of epochs");
        PlotInput.SameLength(epochs.Length, trainLoss.Length, nameof(trainLoss), "the number of epochs");
        PlotInput.Finite(trainAccuracy, nameof(trainAccuracy));
        PlotInput.Finite(testAccuracy, nameof(testAccuracy));
        PlotInput.Finite(trainLoss, nameof(trainLoss));
        Percentages(trainAccuracy, nameof(trainAccuracy));
        Percentages(testAccuracy, nameof(testAccuracy));

        var model = PlotStyle.NewModel(title);
        model.Axes.Add(PlotStyle.Axis(new LinearAxis { MinimumPadding = 0.02, MaximumPadding = 0.02 }, AxisPosition.Bottom, "Epoch"));
        model.Axes.Add(PlotStyle.Axis(new LinearAxis { Key = "accuracy", Minimum = 0, Maximum = 100 },
            AxisPosition.Left, "Accuracy (%)"));
        model.Axes.Add(PlotStyle.Axis(new LinearAxis { Key = "loss", Minimum = 0, MaximumPadding = 0.1 },
            AxisPosition.Right, "Training loss (cross-entropy, nats)", grid: false));

        model.Series.Add(Curve("train accuracy", epochs, trainAccuracy, "accuracy", PlotStyle.Colour(0), LineStyle.Solid));
        model.Series.Add(Curve("test accuracy", epochs, testAccuracy, "accuracy", PlotStyle.Colour(1), LineStyle.Solid));
        model.Series.Add(Curve("train loss", epochs, trainLoss, "loss", PlotStyle.Colour(6), LineStyle.Dash));
        PlotStyle.AddLegend(model, position: OxyPlot.Legends.LegendPosition.BottomCenter).LegendOrientation =
            OxyPlot.Legends.LegendOrientation.Horizontal;
        return model;
    }

    private static LineSeries Curve(string label, int[] x, double[] y, string yAxisKey, OxyColor colour, LineStyle style)
    {
        var line = new LineSeries
        {
            Title = label, YAxisKey = yAxisKey, Color = colour, LineStyle = style, StrokeThickness = 2,
            MarkerType = x.Length <= 40 ? MarkerType.Circle : MarkerType.None, MarkerSize = 3.5, MarkerFill = colour,
        };
        for (int i = 0; i < x.Length; i++) line.Points.Add(new DataPoint(x[i], y[i]));
        return line;
    }

    private static void Percentages(ReadOnlySpan<double> values, string paramName)
    {
        for (int i = 0; i < values.Length; i++)
            if (values[i] is < 0 or > 100)
                throw new ArgumentException($"Value at index {i} is {values[i]}; accuracy is a percentage in 0..100.", paramName);
    }
}
