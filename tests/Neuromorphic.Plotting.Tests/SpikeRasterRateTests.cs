using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Neuromorphic.Plotting.Tests;

public sealed class SpikeRasterRateTests
{
    // Four spikes of a population of 10 at steps 1, 1, 2 and 4.
    private static readonly (double Time, int Neuron)[] FourSpikes = [(1, 3), (1, 7), (2, 0), (4, 9)];

    private static StairStepSeries RateLine(PlotModel model)
    {
        var line = Assert.Single(model.Series.OfType<StairStepSeries>());
        Assert.Equal("rate", line.YAxisKey);
        return line;
    }

    private static void AssertPoints(IReadOnlyList<(double X, double Y)> expected, IList<DataPoint> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.True(Math.Abs(expected[i].X - actual[i].X) < 1e-9, $"point {i}: x {actual[i].X}, expected {expected[i].X}");
            Assert.True(Math.Abs(expected[i].Y - actual[i].Y) < 1e-9, $"point {i}: y {actual[i].Y}, expected {expected[i].Y}");
        }
    }

    [Fact]
    public void Rate_panel_counts_spikes_per_neuron_per_step_in_bins_of_one_step()
    {
        var model = Plots.SpikeRaster(FourSpikes, "t", time: RasterTime.Steps, populationSize: 10);
        var rateAxis = Assert.Single(model.Axes, a => a.Key == "rate");
        Assert.Equal(AxisPosition.Left, rateAxis.Position);
        // Bins [1,2), [2,3), [3,4), [4,5): 2, 1, 0, 1 spikes of 10 neurons per step; the last point closes the last bin.
        AssertPoints([(1, 0.2), (2, 0.1), (3, 0), (4, 0.1), (5, 0.1)], RateLine(model).Points);
        // The raster itself still holds every spike on the rows axis.
        var raster = Assert.Single(model.Series.OfType<ScatterSeries>());
        Assert.Equal("rows", raster.YAxisKey);
        Assert.Equal(4, raster.Points.Count);
    }

    [Fact]
    public void Rate_panel_averages_over_wider_bins()
    {
        var model = Plots.SpikeRaster(FourSpikes, "t", time: RasterTime.Milliseconds(2), populationSize: 10);
        // Bins [0,2), [2,4), [4,6): 2, 1, 1 spikes → 2/(10·2) = 0.1, 0.05, 0.05 per neuron per ms.
        AssertPoints([(0, 0.1), (2, 0.05), (4, 0.05), (6, 0.05)], RateLine(model).Points);
    }

    [Fact]
    public void Rate_panel_of_a_single_neuron_firing_every_half_step()
    {
        // One neuron, spikes at 10, 10.5, 11, 11.5 ms, bins of 1 ms: two spikes per ms in each bin.
        var model = Plots.SpikeRaster([(10, 0), (10.5, 0), (11, 0), (11.5, 0)], "t", time: RasterTime.Milliseconds(1), populationSize: 1);
        AssertPoints([(10, 2), (11, 2), (12, 2)], RateLine(model).Points);
    }

    [Fact]
    public void Without_a_population_size_there_is_no_rate_panel()
    {
        var model = Plots.SpikeRaster(FourSpikes, "t", time: RasterTime.Steps);
        Assert.DoesNotContain(model.Axes, a => a.Key == "rate");
        Assert.Empty(model.Series.OfType<StairStepSeries>());
        Assert.Equal(2, model.Axes.Count);
    }

    [Fact]
    public void An_empty_raster_with_a_population_size_has_a_rate_axis_and_no_line()
    {
        var model = Plots.SpikeRaster([], "t", time: RasterTime.Steps, populationSize: 10);
        Assert.Single(model.Axes, a => a.Key == "rate");
        Assert.Empty(model.Series.OfType<StairStepSeries>());
    }

    [Fact]
    public void Time_axis_title_names_steps_or_the_unit()
    {
        static string Bottom(PlotModel m) => Assert.Single(m.Axes, a => a.Position == AxisPosition.Bottom).Title;
        Assert.Equal("Time step", Bottom(Plots.SpikeRaster(FourSpikes, "t", time: RasterTime.Steps)));
        Assert.Equal("Time (ms)", Bottom(Plots.SpikeRaster(FourSpikes, "t", time: RasterTime.Milliseconds(5))));
        Assert.Equal("Time (ms)", Bottom(Plots.SpikeRaster(FourSpikes, "t")));
        var withRate = Plots.SpikeRaster(FourSpikes, "t", time: RasterTime.Steps, populationSize: 10);
        Assert.Equal("Time step", Bottom(withRate));
        Assert.Equal("Neuron", Assert.Single(withRate.Axes, a => a.Key == "rows").Title);
        Assert.Contains("step", Assert.Single(withRate.Axes, a => a.Key == "rate").Title);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_population_of_fewer_than_one_neuron_is_rejected(int size) =>
        Assert.Throws<ArgumentException>("populationSize", () => Plots.SpikeRaster(FourSpikes, "t", populationSize: size));

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_rate_bin_that_is_not_a_positive_number_is_rejected(double bin)
    {
        Assert.Throws<ArgumentException>("time", () => Plots.SpikeRaster(FourSpikes, "t", time: new RasterTime("ms", bin), populationSize: 10));
        Assert.Throws<ArgumentException>("time", () => Plots.SpikeRaster(FourSpikes, "t", time: RasterTime.Milliseconds(bin)));
    }

    [Fact]
    public void A_blank_time_unit_is_rejected() =>
        Assert.Throws<ArgumentException>("time", () => Plots.SpikeRaster(FourSpikes, "t", time: new RasterTime(" ", 1), populationSize: 10));
}

public sealed class SpikeRasterRateBinningBugTests
{
    [Fact]
    public void Rate_bins_of_a_tenth_of_a_millisecond_hold_the_spikes_that_fall_in_them()
    {
        // One neuron, spikes at 0.3, 0.3 and 0.5 ms, bins of 0.1 ms: [0.3, 0.4) holds 2 spikes (20 /ms), [0.4, 0.5)
        // none, [0.5, 0.6) one (10 /ms). Binning by floor(t / 0.1) in floating point puts 0.3 (0.3 / 0.1 =
        // 2.9999999999999996) into the bin that starts at 0.2, which does not contain it.
        var model = Plots.SpikeRaster([(0.3, 0), (0.3, 0), (0.5, 0)], "t", time: RasterTime.Milliseconds(0.1), populationSize: 1);
        var line = Assert.Single(model.Series.OfType<OxyPlot.Series.StairStepSeries>());
        (double X, double Y)[] expected = [(0.3, 20), (0.4, 0), (0.5, 10), (0.6, 10)];
        string actual = string.Join(", ", line.Points.Select(p => $"({p.X:R}, {p.Y:R})"));
        Assert.True(line.Points.Count == expected.Length, $"points {actual}");
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(line.Points[i].X - expected[i].X) < 1e-9 && Math.Abs(line.Points[i].Y - expected[i].Y) < 1e-6,
                $"point {i}: expected ({expected[i].X}, {expected[i].Y}); points {actual}");
    }
}
