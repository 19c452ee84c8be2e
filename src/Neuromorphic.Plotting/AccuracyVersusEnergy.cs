using OxyPlot;
using OxyPlot.Annotations;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Neuromorphic.Plotting;

public static partial class Plots
{
    /// <summary>
    /// One labelled point per chip: modelled energy per inference (log axis, joules) against accuracy.
    /// Better chips sit towards the top left.
    /// </summary>
    public static PlotModel AccuracyVersusEnergy(IReadOnlyList<(string Chip, double EnergyPerInferenceJ, double AccuracyPercent)> chips,
        string title = "Accuracy versus energy per inference")
    {
        PlotInput.NotEmpty(chips, nameof(chips));
        double smallest = double.PositiveInfinity, largest = 0, lowestAccuracy = 100, highestAccuracy = 0;
        foreach (var (chip, energy, accuracy) in chips)
        {
            PlotInput.Label(chip, nameof(chips));
            if (!double.IsFinite(energy) || energy <= 0)
                throw new ArgumentException($"Chip '{chip}' has energy {energy} J; it must be positive and finite.", nameof(chips));
            if (!double.IsFinite(accuracy) || accuracy is < 0 or > 100)
                throw new ArgumentException($"Chip '{chip}' has accuracy {accuracy}; it must be a percentage in 0..100.", nameof(chips));
            smallest = Math.Min(smallest, energy);
            largest = Math.Max(largest, energy);
            lowestAccuracy = Math.Min(lowestAccuracy, accuracy);
            highestAccuracy = Math.Max(highestAccuracy, accuracy);
        }

        var model = PlotStyle.NewModel(title);
        model.Axes.Add(PlotStyle.Axis(EnergyAxis.Log(smallest, largest), AxisPosition.Bottom,
            "Energy per inference (J, log scale)"));
        double spread = Math.Max(highestAccuracy - lowestAccuracy, 4);
        model.Axes.Add(PlotStyle.Axis(new LinearAxis
        {
            Minimum = Math.Max(0, lowestAccuracy - 0.25 * spread),
            Maximum = Math.Min(100, highestAccuracy + 0.25 * spread),
        }, AxisPosition.Left, "Accuracy (%)"));

        for (int i = 0; i < chips.Count; i++)
        {
            var (chip, energy, accuracy) = chips[i];
            var colour = PlotStyle.Colour(i);
            var point = new ScatterSeries { Title = chip, MarkerType = MarkerType.Circle, MarkerSize = 7, MarkerFill = colour,
                MarkerStroke = OxyColors.White, MarkerStrokeThickness = 1 };
            point.Points.Add(new ScatterPoint(energy, accuracy));
            model.Series.Add(point);
            model.Annotations.Add(new TextAnnotation
            {
                Text = $"{chip} ({SiUnits.Format(energy, "J")}, {accuracy:0.#} %)",
                TextPosition = new DataPoint(energy, accuracy),
                Offset = new ScreenVector(0, -10),
                TextHorizontalAlignment = HorizontalAlignment.Center,
                TextVerticalAlignment = VerticalAlignment.Bottom,
                Stroke = OxyColors.Transparent,
                Background = OxyColor.FromAColor(200, OxyColors.White),
                FontSize = 12,
                TextColor = OxyColor.FromRgb(30, 30, 30),
            });
        }
        return model;
    }
}
