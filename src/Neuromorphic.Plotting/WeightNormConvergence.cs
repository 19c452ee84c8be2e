using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Neuromorphic.Plotting;

public static partial class Plots
{
    /// <summary>
    /// Mean weight-vector norm per layer against training step. SoftHebb's update drives each neuron's
    /// weight norm towards 1 (Moraitis et al. 2022, the norm's fixed point), drawn as a dashed reference.
    /// </summary>
    public static PlotModel WeightNormConvergence(IReadOnlyList<(string Layer, double[] Step, double[] MeanNorm)> layers,
        string title = "Weight norm convergence", bool logY = false, string stepTitle = "Training step (samples)")
    {
        PlotInput.NotEmpty(layers, nameof(layers));
        PlotInput.Label(stepTitle, nameof(stepTitle));

        var model = PlotStyle.NewModel(title);
        model.Axes.Add(PlotStyle.Axis(new LinearAxis(), AxisPosition.Bottom, stepTitle));
        Axis y = logY ? new LogarithmicAxis() : new LinearAxis();
        model.Axes.Add(PlotStyle.Axis(y, AxisPosition.Left, "Mean weight norm ‖w‖ (dimensionless)"));

        double low = 1;
        int above = 0, below = 0;
        for (int l = 0; l < layers.Count; l++)
        {
            var (layer, step, norm) = layers[l];
            PlotInput.Label(layer, nameof(layers));
            ArgumentNullException.ThrowIfNull(step, nameof(layers));
            ArgumentNullException.ThrowIfNull(norm, nameof(layers));
            PlotInput.SameLength(step.Length, norm.Length, nameof(layers), $"the steps of layer '{layer}'");
            PlotInput.Finite(step, nameof(layers));
            PlotInput.Finite(norm, nameof(layers));
            if (logY) PlotInput.Positive(norm, nameof(layers), "a log axis needs positive norms");

            var line = new LineSeries { Title = layer, Color = PlotStyle.Colour(l), StrokeThickness = 1.8 };
            for (int i = 0; i < step.Length; i++)
            {
                line.Points.Add(new DataPoint(step[i], norm[i]));
                low = Math.Min(low, norm[i]);
                if (norm[i] > 1) above++; else below++;
            }
            model.Series.Add(line);
        }

        // Keep the reference line inside the view even when every layer has already converged.
        if (!logY)
        {
            y.Minimum = Math.Min(0, low);
            y.MaximumPadding = 0.08;
        }
        model.Annotations.Add(new LineAnnotation
        {
            Type = LineAnnotationType.Horizontal,
            Y = 1,
            LineStyle = LineStyle.Dash,
            StrokeThickness = 1.5,
            Color = OxyColor.FromRgb(60, 60, 60),
            Text = "‖w‖ = 1 (SoftHebb fixed point)",
            TextColor = OxyColor.FromRgb(60, 60, 60),
            FontSize = 12,
            TextHorizontalAlignment = HorizontalAlignment.Right,
            // Norms usually approach 1 from one side; label the line on the other, where no curve runs.
            TextVerticalAlignment = above >= below ? VerticalAlignment.Top : VerticalAlignment.Bottom,
        });
        PlotStyle.AddLegend(model);
        return model;
    }
}
