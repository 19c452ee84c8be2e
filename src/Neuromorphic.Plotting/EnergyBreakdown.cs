using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;
using OxyPlot.Series;

namespace Neuromorphic.Plotting;

/// <summary>How <see cref="Plots.EnergyBreakdown"/> scales its energy axis.</summary>
public enum EnergyScale
{
    /// <summary>Logarithmic when the chips' totals span more than two decades, linear otherwise.</summary>
    Auto,
    Linear,
    Logarithmic,
}

public static partial class Plots
{
    /// <summary>
    /// Energy per inference per chip as one horizontal bar stacked by category (synaptic, neuron,
    /// routing, learning, static, ...). Categories missing for a chip count as zero. A log axis keeps a
    /// 1 µJ chip visible beside a 10 mJ one, but segment lengths then no longer add up visually, so it is
    /// used only when the totals differ by more than 100× (or when asked for).
    /// </summary>
    public static PlotModel EnergyBreakdown(IReadOnlyList<(string Chip, IReadOnlyDictionary<string, double> JoulesByCategory)> chips,
        string title = "Energy per inference by category", EnergyScale scale = EnergyScale.Auto)
    {
        PlotInput.NotEmpty(chips, nameof(chips));
        var categories = new List<string>();
        var totals = new double[chips.Count];
        for (int c = 0; c < chips.Count; c++)
        {
            var (chip, byCategory) = chips[c];
            PlotInput.Label(chip, nameof(chips));
            ArgumentNullException.ThrowIfNull(byCategory, nameof(chips));
            foreach (var (category, joules) in byCategory)
            {
                PlotInput.Label(category, nameof(chips));
                if (!double.IsFinite(joules) || joules < 0)
                    throw new ArgumentException($"Chip '{chip}', category '{category}': {joules} J; energy must be finite and non-negative.", nameof(chips));
                if (!categories.Contains(category)) categories.Add(category);
                totals[c] += joules;
            }
            if (!(totals[c] > 0))
                throw new ArgumentException($"Chip '{chip}' has no energy in any category.", nameof(chips));
        }

        bool log = scale switch
        {
            EnergyScale.Logarithmic => true,
            EnergyScale.Linear => false,
            _ => totals.Max() / totals.Min() > 100,
        };

        var model = PlotStyle.NewModel(title);
        if (log) model.Subtitle = "Log axis: totals compare across chips; segment lengths are not proportional to energy";
        var chipAxis = new CategoryAxis { Position = AxisPosition.Left, FontSize = 13, GapWidth = 0.4 };
        // Bars are drawn bottom-up; list the first chip at the top, as in the input and in tables.
        for (int c = chips.Count - 1; c >= 0; c--) chipAxis.Labels.Add(chips[c].Chip);
        model.Axes.Add(chipAxis);

        Axis energyAxis = log ? EnergyAxis.Log(totals.Min(), totals.Max()) : EnergyAxis.Linear();
        model.Axes.Add(PlotStyle.Axis(energyAxis, AxisPosition.Bottom,
            log ? "Energy per inference (J, log scale)" : "Energy per inference (J)"));

        for (int k = 0; k < categories.Count; k++)
        {
            var bars = new BarSeries
            {
                Title = categories[k],
                IsStacked = true,
                FillColor = PlotStyle.Colour(k),
                StrokeColor = OxyColors.White,
                StrokeThickness = 0.5,
                BaseValue = log ? energyAxis.Minimum : 0,
            };
            for (int c = chips.Count - 1; c >= 0; c--)
                bars.Items.Add(new BarItem(chips[c].JoulesByCategory.TryGetValue(categories[k], out double j) ? j : 0));
            model.Series.Add(bars);
        }

        var legend = PlotStyle.AddLegend(model, LegendPlacement.Outside, LegendPosition.BottomCenter);
        legend.LegendOrientation = LegendOrientation.Horizontal;
        return model;
    }
}
