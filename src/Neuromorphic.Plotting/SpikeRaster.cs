using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Neuromorphic.Plotting;

/// <summary>The time axis of a raster: its unit (e.g. "ms", or "step" for clocked networks) and the bin width, in that
/// unit, of the population-rate panel drawn below the spikes.</summary>
public sealed record RasterTime(string Unit, double RateBin)
{
    public static RasterTime Milliseconds(double rateBinMs = 1) => new("ms", rateBinMs);
    public static RasterTime Steps => new("step", 1);
}

public static partial class Plots
{
    /// <summary>
    /// Spike raster: one small mark per spike at (time, row). When <paramref name="firstInhibitoryNeuron"/> is given,
    /// rows from that index up are drawn as the inhibitory population in a second colour (the usual E-then-I layout
    /// of balanced networks). When <paramref name="populationSize"/> is given, a panel below shows the population
    /// rate: spikes per neuron per <see cref="RasterTime.Unit"/>, averaged over bins of
    /// <see cref="RasterTime.RateBin"/> (so lock-step firing shows as a comb, asynchronous firing as a flat line).
    /// </summary>
    public static PlotModel SpikeRaster(IReadOnlyList<(double Time, int Neuron)> spikes, string title,
        int? firstInhibitoryNeuron = null, double markerSize = 1.5, RasterTime? time = null, int? populationSize = null)
    {
        ArgumentNullException.ThrowIfNull(spikes);
        if (firstInhibitoryNeuron is < 0)
            throw new ArgumentException("The first inhibitory neuron index cannot be negative.", nameof(firstInhibitoryNeuron));
        if (!(markerSize > 0) || !double.IsFinite(markerSize))
            throw new ArgumentException("Marker size must be a positive number.", nameof(markerSize));
        if (populationSize is < 1)
            throw new ArgumentException("The population size must be at least one neuron.", nameof(populationSize));
        time ??= RasterTime.Milliseconds();
        PlotInput.Label(time.Unit, nameof(time));
        if (!(time.RateBin > 0) || !double.IsFinite(time.RateBin))
            throw new ArgumentException("The rate bin must be a positive number.", nameof(time));

        var model = PlotStyle.NewModel(title);
        bool rate = populationSize.HasValue;
        string timeTitle = time.Unit == "step" ? "Time step" : $"Time ({time.Unit})";
        model.Axes.Add(PlotStyle.Axis(new LinearAxis(), AxisPosition.Bottom, timeTitle));
        model.Axes.Add(PlotStyle.Axis(new LinearAxis
        {
            Key = "rows", MinimumPadding = 0.02, MaximumPadding = 0.02, StartPosition = rate ? 0.32 : 0,
        }, AxisPosition.Left, "Neuron"));

        bool split = firstInhibitoryNeuron.HasValue;
        var excitatory = RasterSeries(split ? "excitatory" : null, PlotStyle.Colour(0), markerSize);
        var inhibitory = RasterSeries("inhibitory", PlotStyle.Colour(1), markerSize);
        for (int i = 0; i < spikes.Count; i++)
        {
            var (t, neuron) = spikes[i];
            if (!double.IsFinite(t))
                throw new ArgumentException($"Spike {i} has time {t}; spike times must be finite.", nameof(spikes));
            if (neuron < 0)
                throw new ArgumentException($"Spike {i} has neuron index {neuron}; indices cannot be negative.", nameof(spikes));
            (split && neuron >= firstInhibitoryNeuron!.Value ? inhibitory : excitatory).Points.Add(new ScatterPoint(t, neuron));
        }

        model.Series.Add(excitatory);
        if (split)
        {
            model.Series.Add(inhibitory);
            PlotStyle.AddLegend(model);
        }
        if (rate) AddPopulationRate(model, spikes, populationSize!.Value, time);
        return model;
    }

    const int MaxRateBins = 100_000;

    /// <summary>The lower panel: a step line of spikes per neuron per time unit in bins of <see cref="RasterTime.RateBin"/>.</summary>
    static void AddPopulationRate(PlotModel model, IReadOnlyList<(double Time, int Neuron)> spikes, int neurons, RasterTime time)
    {
        model.Axes.Add(PlotStyle.Axis(new LinearAxis { Key = "rate", Minimum = 0, MaximumPadding = 0.1, EndPosition = 0.26 },
            AxisPosition.Left, $"Rate (/neuron/{time.Unit})"));
        if (spikes.Count == 0) return;
        // Bin indices in whole bins from zero, nudged up by 1e-9 of a bin (relative beyond one): 0.3 / 0.1 is 2.9999999999999996 in
        // binary floating point, and a spike on a bin edge belongs to the bin that starts there.
        long Bin(double t)
        {
            double x = t / time.RateBin;
            return (long)Math.Floor(x + 1e-9 * Math.Max(1, Math.Abs(x)));
        }
        long firstBin = spikes.Min(s => Bin(s.Time)), lastBin = spikes.Max(s => Bin(s.Time));
        if (lastBin - firstBin >= MaxRateBins)
            throw new ArgumentException($"The spikes span {lastBin - firstBin + 1:N0} rate bins; at most {MaxRateBins:N0} are drawn: use a wider bin.", nameof(time));
        int bins = (int)(lastBin - firstBin + 1);
        double origin = firstBin * time.RateBin;
        var counts = new long[bins];
        foreach (var (t, _) in spikes) counts[Bin(t) - firstBin]++;
        var line = new StairStepSeries { YAxisKey = "rate", Color = PlotStyle.Colour(2), StrokeThickness = 1.5, Title = null };
        for (int b = 0; b < bins; b++) line.Points.Add(new DataPoint(origin + b * time.RateBin, counts[b] / (neurons * time.RateBin)));
        line.Points.Add(new DataPoint(origin + bins * time.RateBin, counts[^1] / (neurons * time.RateBin)));
        model.Series.Add(line);
    }

    private static ScatterSeries RasterSeries(string? title, OxyColor colour, double markerSize) => new()
    {
        Title = title,
        YAxisKey = "rows",
        MarkerType = MarkerType.Square,
        MarkerSize = markerSize,
        MarkerFill = colour,
        MarkerStrokeThickness = 0,
    };
}
