using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Neuromorphic.Plotting;

public static partial class Plots
{
    /// <summary>
    /// Spike raster: one small mark per spike at (time, neuron index). When
    /// <paramref name="firstInhibitoryNeuron"/> is given, neurons from that index up are drawn as the
    /// inhibitory population in a second colour (the usual E-then-I index layout of balanced networks).
    /// </summary>
    public static PlotModel SpikeRaster(IReadOnlyList<(double TimeMs, int Neuron)> spikes, string title,
        int? firstInhibitoryNeuron = null, double markerSize = 1.5)
    {
        ArgumentNullException.ThrowIfNull(spikes);
        if (firstInhibitoryNeuron is < 0)
            throw new ArgumentException("The first inhibitory neuron index cannot be negative.", nameof(firstInhibitoryNeuron));
        if (!(markerSize > 0) || !double.IsFinite(markerSize))
            throw new ArgumentException("Marker size must be a positive number.", nameof(markerSize));

        var model = PlotStyle.NewModel(title);
        model.Axes.Add(PlotStyle.Axis(new LinearAxis(), AxisPosition.Bottom, "Time (ms)"));
        model.Axes.Add(PlotStyle.Axis(new LinearAxis { MinimumPadding = 0.02, MaximumPadding = 0.02 },
            AxisPosition.Left, "Neuron index"));

        bool split = firstInhibitoryNeuron.HasValue;
        var excitatory = RasterSeries(split ? "excitatory" : null, PlotStyle.Colour(0), markerSize);
        var inhibitory = RasterSeries("inhibitory", PlotStyle.Colour(1), markerSize);
        for (int i = 0; i < spikes.Count; i++)
        {
            var (time, neuron) = spikes[i];
            if (!double.IsFinite(time))
                throw new ArgumentException($"Spike {i} has time {time}; spike times must be finite.", nameof(spikes));
            if (neuron < 0)
                throw new ArgumentException($"Spike {i} has neuron index {neuron}; indices cannot be negative.", nameof(spikes));
            (split && neuron >= firstInhibitoryNeuron!.Value ? inhibitory : excitatory).Points.Add(new ScatterPoint(time, neuron));
        }

        model.Series.Add(excitatory);
        if (split)
        {
            model.Series.Add(inhibitory);
            PlotStyle.AddLegend(model);
        }
        return model;
    }

    private static ScatterSeries RasterSeries(string? title, OxyColor colour, double markerSize) => new()
    {
        Title = title,
        MarkerType = MarkerType.Square,
        MarkerSize = markerSize,
        MarkerFill = colour,
        MarkerStrokeThickness = 0,
    };
}
