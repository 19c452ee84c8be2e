namespace Neuromorphic.Datasets.Tests;

public sealed class Stl10Tests
{
    private const int Plane = 96 * 96;

    private static void AssertImage(int imageIndex, ReadOnlySpan<byte> chw)
    {
        for (int ch = 0; ch < 3; ch++)
        {
            for (int r = 0; r < 96; r++)
            {
                for (int c = 0; c < 96; c++)
                {
                    byte actual = chw[ch * Plane + r * 96 + c];
                    if (actual != FileBuilders.StlPixel(imageIndex, ch, r, c))
                    {
                        Assert.Fail($"image {imageIndex} ch {ch} ({r},{c}): expected {FileBuilders.StlPixel(imageIndex, ch, r, c)}, found {actual}");
                    }
                }
            }
        }
    }

    private static string WriteStl(TempDirectory temp, int train = 4, int test = 3, int unlabeled = 0)
    {
        string dir = temp.Sub("stl10_binary");
        File.WriteAllBytes(Path.Combine(dir, "train_X.bin"), FileBuilders.StlImages(train));
        File.WriteAllBytes(Path.Combine(dir, "train_y.bin"), FileBuilders.Labels(train, 10, offset: 1));
        File.WriteAllBytes(Path.Combine(dir, "test_X.bin"), FileBuilders.StlImages(test));
        File.WriteAllBytes(Path.Combine(dir, "test_y.bin"), FileBuilders.Labels(test, 10, offset: 1));
        if (unlabeled > 0)
        {
            File.WriteAllBytes(Path.Combine(dir, "unlabeled_X.bin"), FileBuilders.StlImages(unlabeled));
        }

        return dir;
    }

    [Fact]
    public void Train_IsTransposedToRowMajorAndLabelsAreZeroBased()
    {
        using var temp = new TempDirectory();
        WriteStl(temp);
        // Open the parent: the stl10_binary subfolder must be found.
        var train = (InMemoryImageSource)DatasetDirectory.Open(temp.Path, DatasetSplit.Train);
        Assert.Equal(4, train.Count);
        Assert.Equal(new ImageShape(3, 96, 96), train.Shape);
        Assert.Equal(FileBuilders.Labels(4, 10).Select(l => (int)l), Enumerable.Range(0, 4).Select(train.GetLabel));
        Assert.Equal(Stl10Reader.StandardClassNames, train.ClassNames);

        var bytes = new byte[2 * 3 * Plane];
        train.CopyBatchBytes([3, 1], bytes);
        AssertImage(3, bytes.AsSpan(0, 3 * Plane));
        AssertImage(1, bytes.AsSpan(3 * Plane));

        // Row r, column c of channel 0 holds r, channel 1 holds c: spot-check the float path.
        var floats = new float[3 * Plane];
        train.CopyBatch([2], floats);
        Assert.Equal(10 / 255f, floats[10 * 96 + 70]);
        Assert.Equal(70 / 255f, floats[Plane + 10 * 96 + 70]);
    }

    [Fact]
    public void Test_UsesClassNamesFile()
    {
        using var temp = new TempDirectory();
        string dir = WriteStl(temp);
        File.WriteAllText(Path.Combine(dir, "class_names.txt"), "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n");
        IImageSource test = DatasetDirectory.Open(dir, DatasetSplit.Test);
        Assert.Equal(3, test.Count);
        Assert.Equal(["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"], test.ClassNames);
    }

    [Fact]
    public void Unlabeled_IsStreamedAndMatchesTheInMemoryConversion()
    {
        using var temp = new TempDirectory();
        WriteStl(temp, unlabeled: 6);
        using var source = Assert.IsType<StreamingStl10Source>(DatasetDirectory.Open(temp.Path, DatasetSplit.Unlabeled));
        Assert.Equal(6, source.Count);
        Assert.Equal(0, source.ClassCount);
        Assert.Empty(source.ClassNames);
        Assert.Equal(-1, source.GetLabel(5));

        var bytes = new byte[3 * 3 * Plane];
        source.CopyBatchBytes([5, 0, 5], bytes);
        AssertImage(5, bytes.AsSpan(0, 3 * Plane));
        AssertImage(0, bytes.AsSpan(3 * Plane, 3 * Plane));
        AssertImage(5, bytes.AsSpan(6 * Plane));

        var floats = new float[bytes.Length];
        source.CopyBatch([5, 0, 5], floats);
        Assert.Equal(bytes.Select(b => b / 255f), floats);
    }

    [Fact]
    public void Unlabeled_Limit()
    {
        using var temp = new TempDirectory();
        WriteStl(temp, unlabeled: 6);
        using var source = (StreamingStl10Source)DatasetDirectory.Open(temp.Path, DatasetSplit.Unlabeled, limit: 2);
        Assert.Equal(2, source.Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => source.CopyBatchBytes([2], new byte[3 * Plane]));
    }

    [Fact]
    public void Streaming_WithLabels()
    {
        using var temp = new TempDirectory();
        string dir = WriteStl(temp, train: 5);
        using var source = new StreamingStl10Source(Path.Combine(dir, "train_X.bin"), Path.Combine(dir, "train_y.bin"));
        Assert.Equal(10, source.ClassCount);
        Assert.Equal(FileBuilders.Labels(5, 10).Select(l => (int)l), Enumerable.Range(0, 5).Select(source.GetLabel));
    }

    [Fact]
    public void Streaming_ConcurrentReadersGetIdenticalResults()
    {
        using var temp = new TempDirectory();
        WriteStl(temp, unlabeled: 12);
        using var source = (StreamingStl10Source)DatasetDirectory.Open(temp.Path, DatasetSplit.Unlabeled);
        int[] indices = [11, 3, 3, 0, 7, 9, 1, 10];
        var expected = new float[indices.Length * 3 * Plane];
        source.CopyBatch(indices, expected);

        float[][] results = new float[6][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 6 }, t =>
        {
            var mine = new float[expected.Length];
            for (int repeat = 0; repeat < 5; repeat++)
            {
                source.CopyBatch(indices, mine);
            }

            results[t] = mine;
        });

        Assert.All(results, r => Assert.True(r.AsSpan().SequenceEqual(expected)));
    }

    [Fact]
    public void Streaming_FileShrunkAfterOpening_NamesFileAndImage()
    {
        using var temp = new TempDirectory();
        string dir = WriteStl(temp, unlabeled: 3);
        string path = Path.Combine(dir, "unlabeled_X.bin");
        using var source = (StreamingStl10Source)DatasetDirectory.Open(dir, DatasetSplit.Unlabeled);
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            file.SetLength(2 * Stl10Reader.RecordSize + 100);
        }

        var error = Assert.Throws<DatasetFormatException>(() => source.CopyBatch([2], new float[3 * Plane]));
        Assert.Equal(path, error.FilePath);
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("image 2", error.Message);
    }

    [Fact]
    public void Describe_ListsAllThreeSplits()
    {
        using var temp = new TempDirectory();
        WriteStl(temp, unlabeled: 2);
        string text = DatasetDirectory.Describe(temp.Path);
        Assert.Contains("STL-10", text);
        Assert.Contains("train: 4 images", text);
        Assert.Contains("test: 3 images", text);
        Assert.Contains("unlabeled: 2 images", text);
        Assert.Contains("3x96x96", text);
    }
}
