using Tensor = Neuromorphic.Tensors.Tensor;

namespace Neuromorphic.Learning.Tests;

public class FeatureCacheAndAugmentationTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rows_come_back_as_their_half_precision_values(bool mapped)
    {
        var rng = new Random(30);
        var values = new float[10 * 7];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 20 - 10);
        string? file;
        using (var cache = new FeatureCache(10, 7, memoryLimitBytes: mapped ? 0 : FeatureCache.DefaultMemoryLimitBytes))
        {
            Assert.Equal(mapped, cache.IsMemoryMapped);
            file = cache.FilePath;
            if (mapped) Assert.True(File.Exists(file));
            cache.SetRows(0, values.AsSpan(0, 35));
            cache.SetRows(5, values.AsSpan(35));
            var batch = new float[3 * 7];
            cache.CopyRows([9, 0, 4], batch);
            int[] rows = [9, 0, 4];
            for (int r = 0; r < 3; r++)
                for (int j = 0; j < 7; j++)
                    Assert.Equal((float)(Half)values[rows[r] * 7 + j], batch[r * 7 + j]);
            Assert.Throws<ArgumentOutOfRangeException>(() => cache.CopyRows([10], batch));
        }
        if (mapped) Assert.False(File.Exists(file));
    }

    [Fact]
    public void Crop_flip_without_padding_is_identity_or_mirror()
    {
        var x = TestUtil.Random(new Random(31), 6, 2, 5, 4);
        var y = new Tensor(6, 2, 5, 4);
        Augmentation.RandomCrop(x, y, 0, flip: true, new Random(32));
        int flipped = 0;
        for (int n = 0; n < 6; n++)
        {
            bool same = true, mirror = true;
            for (int c = 0; c < 2; c++) for (int h = 0; h < 5; h++) for (int w = 0; w < 4; w++)
            {
                same &= y[n, c, h, w] == x[n, c, h, w];
                mirror &= y[n, c, h, w] == x[n, c, h, 3 - w];
            }
            Assert.True(same || mirror);
            if (mirror) flipped++;
        }
        Assert.InRange(flipped, 1, 5);
    }

    [Fact]
    public void Crop_shifts_each_image_by_at_most_the_padding_and_never_mirrors_it()
    {
        const int n = 40, p = 2, h = 7, w = 6;
        var x = TestUtil.Random(new Random(36), n, 1, h, w);
        var y = new Tensor(n, 1, h, w);
        Augmentation.Apply(new AugmentationSpec(AugmentationKind.Crop, Padding: p), x, y, new Random(37));
        static int Reflect(int i, int size) => i < 0 ? -i : i >= size ? 2 * (size - 1) - i : i;
        var shifts = new HashSet<(int, int)>();
        for (int i = 0; i < n; i++)
        {
            // Random values are distinct, so exactly one shift reproduces the image.
            var found = new List<(int, int)>();
            for (int dy = -p; dy <= p; dy++)
                for (int dx = -p; dx <= p; dx++)
                {
                    bool match = true;
                    for (int r = 0; r < h; r++) for (int c = 0; c < w; c++)
                        match &= y[i, 0, r, c] == x[i, 0, Reflect(r + dy, h), Reflect(c + dx, w)];
                    if (match) found.Add((dy, dx));
                }
            Assert.Single(found);
            shifts.Add(found[0]);
        }
        Assert.True(shifts.Count >= 10, $"only {shifts.Count} of the 25 shifts occurred in {n} images");
    }

    [Fact]
    public void Noise_adds_independent_zero_mean_gaussians_of_the_given_std()
    {
        var x = TestUtil.Random(new Random(38), 8, 1, 25, 25); // an odd count of values: the last pair is half used
        var y = new Tensor(8, 1, 25, 25);
        var spec = new AugmentationSpec(AugmentationKind.Noise, NoiseStd: 0.5f);
        Augmentation.Apply(spec, x, y, new Random(39));
        var d = x.Data.Zip(y.Data, (a, b) => (double)b - a).ToArray();
        double mean = d.Average(), std = Math.Sqrt(d.Sum(v => (v - mean) * (v - mean)) / (d.Length - 1));
        // 5000 draws: the mean's standard error is 0.007 and the std's 0.005.
        Assert.InRange(mean, -0.03, 0.03);
        Assert.InRange(std, 0.48, 0.52);
        Assert.InRange(d.Count(v => Math.Abs(v) > 1.0) / (double)d.Length, 0.03, 0.06); // P(|z| > 2) = 4.6 %
        double lag1 = Enumerable.Range(0, d.Length - 1).Sum(i => d[i] * d[i + 1]) / (d.Length - 1) / (std * std);
        Assert.InRange(lag1, -0.05, 0.05); // neighbours (Box–Muller pairs) are uncorrelated
        Assert.NotEqual(0.0, d[^1]);

        var again = new Tensor(8, 1, 25, 25);
        Augmentation.Apply(spec, x, again, new Random(39));
        Assert.Equal(y.Data, again.Data);
        Augmentation.Apply(spec with { NoiseStd = 0 }, x, again, new Random(39));
        Assert.Equal(x.Data, again.Data);
    }

    [Fact]
    public void Crop_flip_with_padding_and_resized_crop_are_seeded_and_stay_in_range()
    {
        var x = TestUtil.Random(new Random(33), 4, 3, 12, 12);
        var a = new Tensor(4, 3, 12, 12);
        var b = new Tensor(4, 3, 12, 12);
        Augmentation.Apply(new AugmentationSpec(AugmentationKind.CropFlip, Padding: 4), x, a, new Random(34));
        Augmentation.Apply(new AugmentationSpec(AugmentationKind.CropFlip, Padding: 4), x, b, new Random(34));
        Assert.Equal(a.Data, b.Data);
        var r = new Tensor(4, 3, 8, 8);
        Augmentation.Apply(new AugmentationSpec(AugmentationKind.RandomResizedCropFlip), x, r, new Random(35));
        float min = x.Data.Min(), max = x.Data.Max();
        Assert.All(r.Data, v => Assert.InRange(v, min - 1e-6f, max + 1e-6f));
    }
}
