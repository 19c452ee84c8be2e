namespace Neuromorphic.Plotting.Tests;

public sealed class BadInputTests
{
    private static readonly double[] Three = [1, 2, 3];
    private static readonly double[] Two = [1, 2];

    [Fact]
    public void Receptive_fields_reject_a_weight_count_that_does_not_match_the_shape() =>
        Assert.Throws<ArgumentException>("weights", () => Plots.ReceptiveFields(new float[10], 2, 1, 2, 2, 2, "t"));

    [Fact]
    public void Receptive_fields_reject_zero_neurons() =>
        Assert.Throws<ArgumentException>("neurons", () => Plots.ReceptiveFields([], 0, 1, 2, 2, 2, "t"));

    [Fact]
    public void Receptive_fields_reject_nan_weights() =>
        Assert.Throws<ArgumentException>("weights", () => Plots.ReceptiveFields([0, 1, float.NaN, 2], 1, 1, 2, 2, 1, "t"));

    [Fact]
    public void Receptive_fields_reject_two_channels() =>
        Assert.Throws<ArgumentException>("channels", () => Plots.ReceptiveFields(new float[8], 1, 2, 2, 2, 1, "t"));

    [Fact]
    public void Activity_traces_reject_mismatched_x_and_y() =>
        Assert.Throws<ArgumentException>("series", () => Plots.ActivityTraces([("v", Three, Two)], "t (ms)", "v (mV)", "t"));

    [Fact]
    public void Activity_traces_reject_nan() =>
        Assert.Throws<ArgumentException>("series", () => Plots.ActivityTraces([("v", Three, [1, double.NaN, 3])], "t (ms)", "v (mV)", "t"));

    [Fact]
    public void Activity_traces_reject_no_series() =>
        Assert.Throws<ArgumentException>("series", () => Plots.ActivityTraces([], "t (ms)", "v (mV)", "t"));

    [Fact]
    public void Spike_raster_rejects_nan_time_and_negative_neuron()
    {
        Assert.Throws<ArgumentException>("spikes", () => Plots.SpikeRaster([(1, 0), (double.NaN, 1)], "t"));
        Assert.Throws<ArgumentException>("spikes", () => Plots.SpikeRaster([(1, -1)], "t"));
    }

    [Fact]
    public void Weight_norms_reject_nan_and_non_positive_values_on_a_log_axis()
    {
        Assert.Throws<ArgumentException>("layers", () => Plots.WeightNormConvergence([("conv1", Three, [1, double.NaN, 1])]));
        Assert.Throws<ArgumentException>("layers", () => Plots.WeightNormConvergence([("conv1", Three, [1, 0, 1])], logY: true));
        Assert.Throws<ArgumentException>("layers", () => Plots.WeightNormConvergence([("conv1", Three, Two)]));
    }

    [Fact]
    public void Learning_curves_reject_mismatched_lengths_nan_and_out_of_range_accuracy()
    {
        Assert.Throws<ArgumentException>("testAccuracy", () => Plots.LearningCurves([1, 2, 3], [1, 2, 3], [1, 2], [1, 2, 3]));
        Assert.Throws<ArgumentException>("trainLoss", () => Plots.LearningCurves([1, 2, 3], [1, 2, 3], [1, 2, 3], [1, double.NaN, 3]));
        Assert.Throws<ArgumentException>("trainAccuracy", () => Plots.LearningCurves([1], [140], [1], [1]));
        Assert.Throws<ArgumentException>("epochs", () => Plots.LearningCurves([], [], [], []));
    }

    [Fact]
    public void Accuracy_versus_energy_rejects_nan_and_non_positive_energy()
    {
        Assert.Throws<ArgumentException>("chips", () => Plots.AccuracyVersusEnergy([("Loihi 2", double.NaN, 70)]));
        Assert.Throws<ArgumentException>("chips", () => Plots.AccuracyVersusEnergy([("Loihi 2", 0, 70)]));
        Assert.Throws<ArgumentException>("chips", () => Plots.AccuracyVersusEnergy([("Loihi 2", 1e-6, double.NaN)]));
        Assert.Throws<ArgumentException>("chips", () => Plots.AccuracyVersusEnergy([]));
    }

    [Fact]
    public void Energy_breakdown_rejects_nan_negative_and_empty_chips()
    {
        Assert.Throws<ArgumentException>("chips", () => Plots.EnergyBreakdown(
            [("Loihi 2", new Dictionary<string, double> { ["synaptic"] = double.NaN })]));
        Assert.Throws<ArgumentException>("chips", () => Plots.EnergyBreakdown(
            [("Loihi 2", new Dictionary<string, double> { ["synaptic"] = -1e-6 })]));
        Assert.Throws<ArgumentException>("chips", () => Plots.EnergyBreakdown(
            [("Loihi 2", new Dictionary<string, double>())]));
    }

    [Fact]
    public void Accuracy_versus_time_steps_rejects_mismatch_nan_and_zero_steps()
    {
        Assert.Throws<ArgumentException>("spikingAccuracy", () => Plots.AccuracyVersusTimeSteps([1, 2, 4], [10, 20], 50));
        Assert.Throws<ArgumentException>("rateAccuracy", () => Plots.AccuracyVersusTimeSteps([1, 2], [10, 20], double.NaN));
        Assert.Throws<ArgumentException>("spikingAccuracy", () => Plots.AccuracyVersusTimeSteps([1, 2], [10, double.NaN], 50));
        Assert.Throws<ArgumentException>("timeSteps", () => Plots.AccuracyVersusTimeSteps([0, 2], [10, 20], 50));
    }

    [Fact]
    public void Blank_titles_and_bad_export_arguments_are_rejected()
    {
        Assert.Throws<ArgumentException>("title", () => Plots.SpikeRaster([], " "));
        var model = Plots.SpikeRaster([(1, 1)], "t");
        Assert.Throws<ArgumentException>("formats", () => PlotExport.Save(model, Path.Combine(TestOutput.Folder, "none"), PlotFormats.None));
        Assert.Throws<ArgumentOutOfRangeException>("width", () => PlotExport.ToPng(model, 0, 100));
    }

    [Fact]
    public void Report_rejects_a_row_with_the_wrong_number_of_cells() =>
        Assert.Throws<ArgumentException>("table", () => HtmlReport.Render(new ReportContent("r", [],
            [new ReportTable("t", ["a", "b"], [["1", "2"], ["3"]])], [])));

    [Fact]
    public void Report_figures_reject_bytes_that_are_not_png_and_text_that_is_not_svg()
    {
        Assert.Throws<ArgumentException>("png", () => ReportFigure.FromPng("c", [1, 2, 3, 4, 5, 6, 7, 8, 9]));
        Assert.Throws<ArgumentException>("svg", () => ReportFigure.FromSvg("c", "<html/>"));
    }
}
