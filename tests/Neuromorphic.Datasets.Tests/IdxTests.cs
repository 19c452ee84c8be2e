namespace Neuromorphic.Datasets.Tests;

public sealed class IdxTests
{
    [Theory]
    [InlineData("-", false)]
    [InlineData("-", true)]
    [InlineData(".", false)]
    [InlineData(".", true)]
    public void BothSpellings_WithAndWithoutGzip_AreRecognised(string spelling, bool gzip)
    {
        using var temp = new TempDirectory();
        FileBuilders.WriteIdxDataset(temp.Path, count: 6, testCount: 4, gzip, spelling);
        var train = (InMemoryImageSource)DatasetDirectory.Open(temp.Path, DatasetSplit.Train);
        var test = DatasetDirectory.Open(temp.Path, DatasetSplit.Test);
        Assert.Equal(6, train.Count);
        Assert.Equal(4, test.Count);
        Assert.Equal(new ImageShape(1, 4, 5), train.Shape);
        Assert.Equal(FileBuilders.Labels(6, 10).Select(l => (int)l), Enumerable.Range(0, 6).Select(train.GetLabel));
        Assert.Equal(FileBuilders.IdxImages(6, 4, 5)[16..], train.Pixels.ToArray());
    }

    [Fact]
    public void Gzip_IsDetectedByMagicNotByName()
    {
        using var temp = new TempDirectory();
        // Gzipped content without .gz, raw content with .gz.
        File.WriteAllBytes(temp.File("images"), FileBuilders.Gzip(FileBuilders.IdxImages(3, 2, 2)));
        File.WriteAllBytes(temp.File("labels.gz"), FileBuilders.IdxLabels([1, 2, 3]));
        InMemoryImageSource source = IdxReader.Read(temp.File("images"), temp.File("labels.gz"));
        Assert.Equal(3, source.Count);
        Assert.Equal(3, source.GetLabel(2));
        Assert.Equal(FileBuilders.IdxImages(3, 2, 2)[16..], source.Pixels.ToArray());
    }

    [Fact]
    public void Limit_KeepsFirstRecords()
    {
        using var temp = new TempDirectory();
        FileBuilders.WriteIdxDataset(temp.Path, count: 10, testCount: 2, gzip: true);
        var train = (InMemoryImageSource)DatasetDirectory.Open(temp.Path, DatasetSplit.Train, limit: 3);
        Assert.Equal(3, train.Count);
        Assert.Equal(FileBuilders.IdxImages(10, 4, 5)[16..(16 + 60)], train.Pixels.ToArray());
        Assert.Equal(2, DatasetDirectory.Open(temp.Path, DatasetSplit.Test, limit: 50).Count);
        Assert.Throws<ArgumentOutOfRangeException>(() => DatasetDirectory.Open(temp.Path, DatasetSplit.Test, limit: 0));
    }

    [Fact]
    public void FashionFolder_GetsFashionNames()
    {
        using var temp = new TempDirectory();
        string dir = temp.Sub("fashion-mnist");
        FileBuilders.WriteIdxDataset(dir, count: 2, testCount: 2, gzip: false);
        Assert.Equal("Ankle boot", DatasetDirectory.Open(dir, DatasetSplit.Train).ClassNames[9]);
        Assert.Contains("Fashion-MNIST", DatasetDirectory.Describe(dir));
    }
}
