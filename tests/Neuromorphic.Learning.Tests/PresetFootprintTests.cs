namespace Neuromorphic.Learning.Tests;

public class PresetFootprintTests
{
    const long GiB = 1L << 30, MiB = 1L << 20;

    /// <summary>Measured peaks (PeakWorkingSet64, printed by `train`), see src/Neuromorphic.Learning/README.md.</summary>
    [Theory]
    // ./neuromorphic train --preset mnist-small --limit-train 2000 --limit-test 500: max RSS 195 MiB
    [InlineData("mnist-small", 2000, 500, 195 * MiB)]
    // ./neuromorphic train --preset cifar10 --data ../shared/datasets/cifar10 --limit-train 4000 --limit-test 1000
    //   --classifier-epochs 5: max RSS 1168 MiB
    [InlineData("cifar10", 4000, 1000, 1168 * MiB)]
    // docs/results.md: cifar10 on 50,000 + 10,000 images, peak RSS 3.9 GiB; mnist on 60,000 + 10,000, 2.7 GiB
    [InlineData("cifar10", 50000, 10000, (long)(3.9 * GiB))]
    [InlineData("mnist", 60000, 10000, (long)(2.7 * GiB))]
    public void The_estimate_lies_above_measured_peaks_within_a_factor_of_1_5(string preset, int train, int test, long peak)
    {
        var estimate = PresetFootprint.Estimate(PresetLibrary.Load(preset), train, test);
        double ratio = estimate.TotalBytes / (double)peak;
        Assert.True(ratio is >= 1 and <= 1.5, $"{preset}: estimate / peak = {ratio:F2}\n{estimate}");
    }

    [Fact]
    public void Every_built_in_preset_has_a_positive_estimate_whose_parts_add_up()
    {
        foreach (string name in PresetLibrary.Names)
        {
            var estimate = PresetFootprint.Estimate(PresetLibrary.Load(name), 1000, 100);
            Assert.All(estimate.Parts, p => Assert.True(p.Bytes >= 0, $"{name}: {p.What}"));
            Assert.Equal(estimate.Parts.Sum(p => p.Bytes), estimate.TotalBytes);
        }
    }

    [Fact]
    public void The_feature_cache_grows_with_the_training_images()
    {
        var preset = PresetLibrary.Load("cifar10");
        long small = PresetFootprint.Estimate(preset, 1000, 0).TotalBytes, large = PresetFootprint.Estimate(preset, 2000, 0).TotalBytes;
        // 1,000 more images: their 24,576 half-precision features and 3,072 pixel bytes (the garbage share counts pixels too).
        Assert.InRange(large - small, 1000L * (24576 * 2 + 3072), 1000L * (24576 * 2 + 2 * 3072));
    }

    [Fact]
    public void A_layer_of_20000_channels_is_refused_on_a_24_GB_machine_with_a_breakdown()
    {
        string json = PresetLibrary.BuiltInJson("cifar10").Replace("\"outChannels\": 1536", "\"outChannels\": 20000");
        var preset = PresetLibrary.Parse(json, "wide.json");
        var estimate = PresetFootprint.Estimate(preset, 50000, 10000);
        var e = Assert.Throws<MemoryBudgetException>(() => PresetFootprint.Check(estimate, 24L * 1000 * 1000 * 1000));
        Assert.Equal(24_000_000_000, e.LimitBytes);
        Assert.Contains("22.35 GiB", e.Message); // the limit, in the unit of the estimate
        Assert.Contains("feature cache", e.Message);
        Assert.Contains("layer 3", e.Message);
        Assert.Contains("--limit-train", e.Message);
        // The shipped preset fits the same machine.
        PresetFootprint.Check(PresetFootprint.Estimate(PresetLibrary.Load("cifar10"), 50000, 10000), 24_000_000_000);
    }
}
