namespace Neuromorphic.Datasets.Tests;

/// <summary>Every malformed input must give a DatasetFormatException naming the file and the problem.</summary>
public sealed class FailureTests
{
    private static DatasetFormatException AssertFails(Func<object> open, string path, params string[] fragments)
    {
        var error = Assert.Throws<DatasetFormatException>(() => { using var _ = open() as IDisposable; });
        Assert.Equal(Path.GetFullPath(path), Path.GetFullPath(error.FilePath));
        Assert.Contains(error.FilePath, error.Message);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, error.Message, StringComparison.OrdinalIgnoreCase);
        }

        return error;
    }

    // ---------- IDX ----------

    private static (string Images, string Labels) WriteIdx(TempDirectory temp, byte[] images, byte[] labels, bool gzip = false)
    {
        string suffix = gzip ? ".gz" : "";
        string imagesPath = temp.File("train-images-idx3-ubyte" + suffix);
        string labelsPath = temp.File("train-labels-idx1-ubyte" + suffix);
        File.WriteAllBytes(imagesPath, gzip ? FileBuilders.Gzip(images) : images);
        File.WriteAllBytes(labelsPath, gzip ? FileBuilders.Gzip(labels) : labels);
        return (imagesPath, labelsPath);
    }

    private static readonly byte[] FiveLabels = [0, 1, 2, 3, 9];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Idx_WrongImageMagic(bool gzip)
    {
        using var temp = new TempDirectory();
        var (images, _) = WriteIdx(temp, FileBuilders.IdxImages(5, 3, 3, magic: 2049), FileBuilders.IdxLabels(FiveLabels), gzip);
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), images, "wrong magic number", "expected 2051", "found 2049");
    }

    [Fact]
    public void Idx_WrongLabelMagic()
    {
        using var temp = new TempDirectory();
        var (_, labels) = WriteIdx(temp, FileBuilders.IdxImages(5, 3, 3), FileBuilders.IdxLabels(FiveLabels, magic: 1234));
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), labels, "wrong magic number", "expected 2049", "found 1234");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Idx_TruncatedImages(bool gzip)
    {
        using var temp = new TempDirectory();
        var (images, _) = WriteIdx(temp, FileBuilders.IdxImages(5, 3, 3, missingBytes: 4), FileBuilders.IdxLabels(FiveLabels), gzip);
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), images, "truncated", "5 images of 3x3");
    }

    [Fact]
    public void Idx_TruncatedHeader()
    {
        using var temp = new TempDirectory();
        var (images, _) = WriteIdx(temp, FileBuilders.IdxImages(5, 3, 3)[..10], FileBuilders.IdxLabels(FiveLabels));
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), images, "truncated", "header");
    }

    [Fact]
    public void Idx_TruncatedGzipWithLimit_StillChecked()
    {
        using var temp = new TempDirectory();
        var (images, _) = WriteIdx(temp, FileBuilders.IdxImages(5, 3, 3, missingBytes: 9), FileBuilders.IdxLabels(FiveLabels), gzip: true);
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train, limit: 2), images, "truncated", "expected 61", "found 52");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Idx_ExtraBytes(bool gzip)
    {
        using var temp = new TempDirectory();
        var (images, _) = WriteIdx(temp, FileBuilders.IdxImages(5, 3, 3, extraBytes: 3), FileBuilders.IdxLabels(FiveLabels), gzip);
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), images, "longer than its header", "expected 61", "found 64");
    }

    [Fact]
    public void Idx_LabelOutOfRange()
    {
        using var temp = new TempDirectory();
        var (_, labels) = WriteIdx(temp, FileBuilders.IdxImages(5, 3, 3), FileBuilders.IdxLabels([0, 1, 10, 3, 4]), gzip: true);
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), labels, "label out of range", "0..9", "found 10", "record 2");
    }

    [Fact]
    public void Idx_CountMismatch()
    {
        using var temp = new TempDirectory();
        var (images, labels) = WriteIdx(temp, FileBuilders.IdxImages(5, 3, 3), FileBuilders.IdxLabels([0, 1, 2, 3]));
        var error = AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), labels, "count mismatch", "expected 5", "found 4");
        Assert.Contains(images, error.Message);
    }

    [Fact]
    public void Idx_BadDimensions()
    {
        using var temp = new TempDirectory();
        var (images, _) = WriteIdx(temp, FileBuilders.IdxImages(0, 0, 3, headerCount: 5), FileBuilders.IdxLabels(FiveLabels));
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), images, "dimensions", "found 0x3");
    }

    [Fact]
    public void Idx_CorruptGzip()
    {
        using var temp = new TempDirectory();
        var (images, _) = WriteIdx(temp, FileBuilders.IdxImages(5, 3, 3), FileBuilders.IdxLabels(FiveLabels));
        byte[] corrupt = FileBuilders.Gzip(FileBuilders.IdxImages(5, 3, 3));
        for (int i = 10; i < corrupt.Length - 8; i++)
        {
            corrupt[i] = 0xFF;
        }

        File.WriteAllBytes(images, corrupt);
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), images, "gzip");
    }

    [Fact]
    public void Idx_MissingLabelsFile()
    {
        using var temp = new TempDirectory();
        var (_, labels) = WriteIdx(temp, FileBuilders.IdxImages(5, 3, 3), FileBuilders.IdxLabels(FiveLabels));
        File.Delete(labels);
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), labels, "missing file", "train-labels.idx1-ubyte.gz");
    }

    [Fact]
    public void Idx_MissingTestSplit()
    {
        using var temp = new TempDirectory();
        WriteIdx(temp, FileBuilders.IdxImages(5, 3, 3), FileBuilders.IdxLabels(FiveLabels));
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Test), temp.File("t10k-images-idx3-ubyte"), "missing file");
    }

    [Fact]
    public void Idx_HasNoUnlabeledSplit()
    {
        using var temp = new TempDirectory();
        WriteIdx(temp, FileBuilders.IdxImages(5, 3, 3), FileBuilders.IdxLabels(FiveLabels));
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Unlabeled), temp.Path, "no unlabeled split");
    }

    // ---------- CIFAR ----------

    private static void WriteCifar10(TempDirectory temp)
    {
        for (int b = 1; b <= 5; b++)
        {
            File.WriteAllBytes(temp.File($"data_batch_{b}.bin"), FileBuilders.CifarRecords([[1, 2]]));
        }

        File.WriteAllBytes(temp.File("test_batch.bin"), FileBuilders.CifarRecords([[3]]));
    }

    [Fact]
    public void Cifar10_SizeNotAMultipleOfTheRecord()
    {
        using var temp = new TempDirectory();
        WriteCifar10(temp);
        string bad = temp.File("data_batch_4.bin");
        File.WriteAllBytes(bad, FileBuilders.CifarRecords([[1, 2]])[..5000]);
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), bad, "not a multiple of the record size", "3073", "found 5000");
    }

    [Fact]
    public void Cifar10_EmptyFile()
    {
        using var temp = new TempDirectory();
        WriteCifar10(temp);
        File.WriteAllBytes(temp.File("test_batch.bin"), []);
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Test), temp.File("test_batch.bin"), "empty file");
    }

    [Fact]
    public void Cifar10_LabelOutOfRange()
    {
        using var temp = new TempDirectory();
        WriteCifar10(temp);
        File.WriteAllBytes(temp.File("data_batch_2.bin"), FileBuilders.CifarRecords([[1, 10]]));
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), temp.File("data_batch_2.bin"),
            "label out of range", "0..9", "found 10", "record 1");
    }

    [Fact]
    public void Cifar10_MissingBatch()
    {
        using var temp = new TempDirectory();
        WriteCifar10(temp);
        File.Delete(temp.File("data_batch_3.bin"));
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), temp.File("data_batch_3.bin"), "missing file");
    }

    [Fact]
    public void Cifar10_WrongNumberOfClassNames()
    {
        using var temp = new TempDirectory();
        WriteCifar10(temp);
        File.WriteAllText(temp.File("batches.meta.txt"), "a b c\n");
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Test), temp.File("batches.meta.txt"), "expected 10 class names", "found 3");
    }

    [Theory]
    [InlineData(20, 5, "coarse label out of range", "0..19", "found 20")]
    [InlineData(5, 100, "fine label out of range", "0..99", "found 100")]
    public void Cifar100_LabelOutOfRange(int coarse, int fine, string problem, string range, string found)
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.File("train.bin"), FileBuilders.CifarRecords([[0, (byte)coarse], [0, (byte)fine]]));
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), temp.File("train.bin"), problem, range, found, "record 1");
    }

    [Fact]
    public void Cifar100_SizeNotAMultipleOfTheRecord()
    {
        using var temp = new TempDirectory();
        // Two CIFAR-10 records (2 x 3073) are not a whole number of 3074-byte records.
        File.WriteAllBytes(temp.File("test.bin"), FileBuilders.CifarRecords([[1, 2]]));
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Test), temp.File("test.bin"), "not a multiple", "3074", "found 6146");
    }

    [Fact]
    public void Cifar100_MissingSplit()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.File("train.bin"), FileBuilders.CifarRecords([[0], [0]]));
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Test), temp.File("test.bin"), "missing file");
    }

    // ---------- STL-10 ----------

    private static void WriteStl(TempDirectory temp, int count = 2)
    {
        File.WriteAllBytes(temp.File("train_X.bin"), FileBuilders.StlImages(count));
        File.WriteAllBytes(temp.File("train_y.bin"), FileBuilders.Labels(count, 10, offset: 1));
    }

    [Fact]
    public void Stl10_SizeNotAMultipleOfTheRecord()
    {
        using var temp = new TempDirectory();
        WriteStl(temp);
        File.WriteAllBytes(temp.File("train_X.bin"), FileBuilders.StlImages(2)[..30000]);
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), temp.File("train_X.bin"), "not a multiple", "27648", "found 30000");
    }

    [Fact]
    public void Stl10_CountMismatch()
    {
        using var temp = new TempDirectory();
        WriteStl(temp);
        File.WriteAllBytes(temp.File("train_y.bin"), [1, 2, 3]);
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), temp.File("train_y.bin"), "count mismatch", "expected 2", "found 3");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11)]
    public void Stl10_LabelOutOfRange(byte label)
    {
        using var temp = new TempDirectory();
        WriteStl(temp);
        File.WriteAllBytes(temp.File("train_y.bin"), [1, label]);
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), temp.File("train_y.bin"),
            "label out of range", "1..10", $"found {label}", "image 1");
    }

    [Fact]
    public void Stl10_MissingLabelsAndUnlabeledFiles()
    {
        using var temp = new TempDirectory();
        WriteStl(temp);
        File.Delete(temp.File("train_y.bin"));
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), temp.File("train_y.bin"), "missing file");
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Unlabeled), temp.File("unlabeled_X.bin"), "missing file");
    }

    [Fact]
    public void Stl10_UnlabeledNotAMultiple()
    {
        using var temp = new TempDirectory();
        WriteStl(temp);
        File.WriteAllBytes(temp.File("unlabeled_X.bin"), new byte[27648 + 1]);
        AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Unlabeled), temp.File("unlabeled_X.bin"), "not a multiple", "found 27649");
    }

    // ---------- Directory ----------

    [Fact]
    public void UnrecognisedDirectory_ListsTheFileSetsLookedFor()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("notes.txt"), "nothing here");
        temp.Sub("cifar-10-batches-bin"); // exists but empty: must be listed as searched
        var error = AssertFails(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Train), temp.Path,
            "no known dataset format", "train-images-idx3-ubyte", "data_batch_1.bin", "test_batch.bin", "train.bin", "train_X.bin", "unlabeled_X.bin");
        Assert.Contains(Path.Combine(temp.Path, "cifar-10-batches-bin"), error.Message);
        Assert.Throws<DatasetFormatException>(() => DatasetDirectory.Describe(temp.Path));
    }

    [Fact]
    public void MissingDirectory()
    {
        using var temp = new TempDirectory();
        string missing = temp.File("no-such-folder");
        AssertFails(() => DatasetDirectory.Open(missing, DatasetSplit.Train), missing, "not found");
    }

    [Fact]
    public void Describe_ReportsBrokenSplitInsteadOfThrowing()
    {
        using var temp = new TempDirectory();
        WriteCifar10(temp);
        File.WriteAllBytes(temp.File("test_batch.bin"), new byte[10]);
        string text = DatasetDirectory.Describe(temp.Path);
        Assert.Contains("train: 10 images", text);
        Assert.Contains("test: not usable", text);
        Assert.Contains("not a multiple", text);
    }
}
