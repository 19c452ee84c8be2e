namespace Neuromorphic.Datasets.Tests;

public sealed class InMemoryImageSourceTests
{
    // Two images of 2 channels x 2 rows x 3 columns, written out by hand in CHW order.
    private static readonly byte[] HandMade =
    [
        // image 0: channel 0 rows (0,1,2) (3,4,5); channel 1 rows (10,11,12) (13,14,15)
        0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15,
        // image 1: channel 0 all 255; channel 1 (51 ... 56)
        255, 255, 255, 255, 255, 255, 51, 52, 53, 54, 55, 56,
    ];

    private static InMemoryImageSource Source() =>
        new("hand", new ImageShape(2, 2, 3), HandMade, [1, 0], ["a", "b"]);

    [Fact]
    public void CopyBatch_WritesNchwScaledBy255InIndexOrder()
    {
        var batch = new float[3 * 12];
        Source().CopyBatch([1, 0, 1], batch);
        for (int n = 0; n < 3; n++)
        {
            int image = n == 1 ? 0 : 1;
            for (int ch = 0; ch < 2; ch++)
            {
                for (int r = 0; r < 2; r++)
                {
                    for (int c = 0; c < 3; c++)
                    {
                        int nchw = ((n * 2 + ch) * 2 + r) * 3 + c;
                        Assert.Equal(HandMade[image * 12 + ch * 6 + r * 3 + c] / 255f, batch[nchw]);
                    }
                }
            }
        }

        Assert.Equal(1f, batch[0]);
        Assert.Equal(14 / 255f, batch[12 + 6 + 3 + 1]); // second slot = image 0, ch 1, row 1, col 1
    }

    [Fact]
    public void CopyBatchBytes_CopiesRawBytes()
    {
        var batch = new byte[2 * 12];
        Source().CopyBatchBytes([1, 1], batch);
        Assert.Equal(HandMade[12..].Concat(HandMade[12..]), batch);
    }

    [Fact]
    public void LabelsCountsAndStatistics()
    {
        InMemoryImageSource source = Source();
        Assert.Equal(2, source.Count);
        Assert.Equal(2, source.ClassCount);
        Assert.Equal(1, source.GetLabel(0));
        Assert.Equal([1, 1], source.ClassCounts());
        Assert.Equal(-1, source.GetCoarseLabel(0));

        double[] channel0 = HandMade[..6].Concat(HandMade[12..18]).Select(v => v / 255.0).ToArray();
        double[] channel1 = HandMade[6..12].Concat(HandMade[18..]).Select(v => v / 255.0).ToArray();
        double[] means = source.ChannelMeans();
        double[] std = source.ChannelStd();
        Assert.Equal(channel0.Average(), means[0], 1e-12);
        Assert.Equal(channel1.Average(), means[1], 1e-12);
        Assert.Equal(Math.Sqrt(channel0.Select(v => (v - channel0.Average()) * (v - channel0.Average())).Average()), std[0], 1e-12);
        Assert.Equal(Math.Sqrt(channel1.Select(v => (v - channel1.Average()) * (v - channel1.Average())).Average()), std[1], 1e-12);
    }

    [Fact]
    public void Unlabeled_ReportsMinusOneAndNoClasses()
    {
        var source = new InMemoryImageSource("u", new ImageShape(2, 2, 3), HandMade, null, null);
        Assert.Equal(-1, source.GetLabel(1));
        Assert.Equal(0, source.ClassCount);
        Assert.Empty(source.ClassNames);
        Assert.Empty(source.ClassCounts());
    }

    [Fact]
    public void BadArguments_AreRejected()
    {
        InMemoryImageSource source = Source();
        Assert.Throws<ArgumentOutOfRangeException>(() => source.CopyBatch([2], new float[12]));
        Assert.Throws<ArgumentException>(() => source.CopyBatch([0, 1], new float[20]));
        Assert.Throws<ArgumentException>(() => new InMemoryImageSource("x", new ImageShape(2, 2, 3), new byte[13], null, null));
        Assert.Throws<ArgumentException>(() => new InMemoryImageSource("x", new ImageShape(2, 2, 3), HandMade, [0, 2], ["a", "b"]));
    }

    [Fact]
    public void PixelConversion_MatchesScalarDivisionForEveryValueAndLength()
    {
        byte[] all = Enumerable.Range(0, 256).Select(v => (byte)v).ToArray();
        foreach (int length in new[] { 0, 1, 7, 31, 32, 33, 64, 100, 256 })
        {
            var output = new float[length + 3];
            PixelConversion.ToUnitFloat(all.AsSpan(0, length), output);
            for (int i = 0; i < length; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(all[i] / 255f), BitConverter.SingleToInt32Bits(output[i]));
            }

            Assert.Equal(0f, output[length]); // nothing written past the source length
        }

        var span = new float[256];
        PixelConversion.ToUnitFloat(all, span);
        Assert.Equal(0f, span[0]);
        Assert.Equal(1f, span[255]);
    }

    [Fact]
    public void ConcurrentCopyBatch_GivesIdenticalResults()
    {
        var random = new Random(7);
        byte[] pixels = new byte[500 * 3 * 8 * 8];
        random.NextBytes(pixels);
        var source = new InMemoryImageSource("random", new ImageShape(3, 8, 8), pixels, null, null);
        int[] indices = Enumerable.Range(0, 200).Select(_ => random.Next(500)).ToArray();

        var expected = new float[indices.Length * 192];
        source.CopyBatch(indices, expected);
        float[][] results = new float[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
        {
            var mine = new float[expected.Length];
            for (int repeat = 0; repeat < 20; repeat++)
            {
                source.CopyBatch(indices, mine);
            }

            results[t] = mine;
        });

        Assert.All(results, r => Assert.Equal(expected, r));
        for (int n = 0; n < indices.Length; n++)
        {
            Assert.Equal(pixels[indices[n] * 192 + 100] / 255f, expected[n * 192 + 100]);
        }
    }
}
