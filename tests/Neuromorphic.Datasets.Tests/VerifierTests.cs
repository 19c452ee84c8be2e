namespace Neuromorphic.Datasets.Tests;

/// <summary><see cref="DatasetVerifier"/> reads every record, so it finds what the header-only description misses.</summary>
public sealed class VerifierTests
{
    private static SplitVerification Split(IReadOnlyList<SplitVerification> results, DatasetSplit split) =>
        Assert.Single(results, r => r.Split == split);

    [Fact]
    public void A_sound_folder_is_verified_per_split()
    {
        using var temp = new TempDirectory();
        FileBuilders.WriteIdxDataset(temp.Path, count: 6, testCount: 4, gzip: true);
        var results = DatasetVerifier.Verify(temp.Path);
        Assert.Equal(2, results.Count);
        Assert.Equal("verified 6 images", Split(results, DatasetSplit.Train).ToString());
        Assert.Equal("verified 4 images", Split(results, DatasetSplit.Test).ToString());
        Assert.Contains("  test: verified 4 images", DatasetVerifier.Format(results));
    }

    [Fact]
    public void Problems_the_headers_do_not_show_are_reported_per_split()
    {
        using var temp = new TempDirectory();
        FileBuilders.WriteIdxDataset(temp.Path, count: 6, testCount: 4, gzip: false);
        // Train: a label out of range; test: fewer labels than images. Both headers look fine.
        byte[] labels = FileBuilders.IdxLabels(FileBuilders.Labels(6, 10));
        labels[8 + 3] = 10;
        File.WriteAllBytes(temp.File("train-labels-idx1-ubyte"), labels);
        File.WriteAllBytes(temp.File("t10k-labels-idx1-ubyte"), FileBuilders.IdxLabels(FileBuilders.Labels(3, 10)));
        Assert.Contains("train: 6 images", DatasetDirectory.Describe(temp.Path));

        var results = DatasetVerifier.Verify(temp.Path);
        var train = Split(results, DatasetSplit.Train);
        Assert.False(train.Ok);
        Assert.Contains("label out of range", train.Problem);
        Assert.Contains("found 10 for record 3", train.Problem);
        var test = Split(results, DatasetSplit.Test);
        Assert.Contains("count mismatch", test.Problem);
        Assert.StartsWith("not usable: ", test.ToString());
    }

    [Fact]
    public void A_truncated_gzip_file_is_reported()
    {
        using var temp = new TempDirectory();
        FileBuilders.WriteIdxDataset(temp.Path, count: 6, testCount: 4, gzip: true);
        byte[] images = FileBuilders.IdxImages(6, 4, 5, missingBytes: 7);
        File.WriteAllBytes(temp.File("train-images-idx3-ubyte.gz"), FileBuilders.Gzip(images));
        var train = Split(DatasetVerifier.Verify(temp.Path), DatasetSplit.Train);
        Assert.Contains("truncated", train.Problem);
        Assert.Contains("train-images-idx3-ubyte.gz", train.Problem);
    }

    [Fact]
    public void An_unreadable_image_in_an_image_folder_is_named()
    {
        using var temp = new TempDirectory();
        foreach (string cls in new[] { "cat", "dog" })
        {
            string dir = temp.Sub(Path.Combine("train", cls));
            ImageFolderTests.WriteImage(Path.Combine(dir, "a.png"), 5, 3, (x, y) => new SkiaSharp.SKColor(10, 20, 30));
        }

        File.WriteAllBytes(Path.Combine(temp.Path, "train", "dog", "b.png"), [0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
        var train = Split(DatasetVerifier.Verify(temp.Path), DatasetSplit.Train);
        Assert.False(train.Ok);
        Assert.Contains(Path.Combine("dog", "b.png"), train.Problem);
    }

    [Fact]
    public void The_full_mnist_verifies()
    {
        string mnist = Path.Combine(TestPaths.SharedDatasets, "mnist");
        var results = DatasetVerifier.Verify(mnist);
        Assert.Equal("verified 60,000 images", Split(results, DatasetSplit.Train).ToString());
        Assert.Equal("verified 10,000 images", Split(results, DatasetSplit.Test).ToString());
    }
}
