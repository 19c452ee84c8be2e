namespace Neuromorphic.Datasets.Tests;

public sealed class CifarTests
{
    private static void WriteCifar10(string dir, int perBatch = 3, int test = 2)
    {
        for (int b = 1; b <= 5; b++)
        {
            File.WriteAllBytes(Path.Combine(dir, $"data_batch_{b}.bin"),
                FileBuilders.CifarRecords([FileBuilders.Labels(perBatch, 10)], firstImage: (b - 1) * perBatch));
        }

        File.WriteAllBytes(Path.Combine(dir, "test_batch.bin"), FileBuilders.CifarRecords([FileBuilders.Labels(test, 10)]));
    }

    [Fact]
    public void Cifar10_Generated_ConcatenatesBatchesInOrder()
    {
        using var temp = new TempDirectory();
        string dir = temp.Sub("cifar-10-batches-bin");
        WriteCifar10(dir);
        var train = (InMemoryImageSource)DatasetDirectory.Open(temp.Path, DatasetSplit.Train);
        Assert.Equal(15, train.Count);
        Assert.Equal(Cifar10Reader.StandardClassNames, train.ClassNames);
        var image = new float[3072];
        train.CopyBatch([7], image); // batch 3, record 1
        Assert.Equal(FileBuilders.Pixel(7, 2, 31, 5) / 255f, image[2048 + 31 * 32 + 5]);
        Assert.Equal(FileBuilders.Labels(3, 10)[1], train.GetLabel(7));

        var limited = DatasetDirectory.Open(dir, DatasetSplit.Train, limit: 4);
        Assert.Equal(4, limited.Count);
        Assert.Equal(FileBuilders.Labels(3, 10)[0], limited.GetLabel(3)); // first record of batch 2
    }

    [Fact]
    public void Cifar10_ClassNamesFromMetaFile()
    {
        using var temp = new TempDirectory();
        WriteCifar10(temp.Path);
        File.WriteAllText(temp.File("batches.meta.txt"), "c0 c1 c2\r\nc3\tc4 c5 c6 c7 c8 c9\n\n");
        IImageSource test = DatasetDirectory.Open(temp.Path, DatasetSplit.Test);
        Assert.Equal(2, test.Count);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"c{i}"), test.ClassNames);
    }

    [Fact]
    public void Cifar100_FineAndCoarseLabelsAndDefaultNames()
    {
        using var temp = new TempDirectory();
        string dir = temp.Sub("cifar-100-binary");
        byte[] coarse = [19, 0, 7, 3];
        byte[] fine = [99, 0, 42, 17];
        File.WriteAllBytes(Path.Combine(dir, "train.bin"), FileBuilders.CifarRecords([coarse, fine]));
        File.WriteAllBytes(Path.Combine(dir, "test.bin"), FileBuilders.CifarRecords([coarse[..2], fine[..2]]));

        var train = Assert.IsType<InMemoryImageSource>(DatasetDirectory.Open(temp.Path, DatasetSplit.Train));
        Assert.Equal(4, train.Count);
        Assert.Equal(100, train.ClassCount);
        Assert.Equal("class42", train.ClassNames[42]);
        Assert.Equal(fine.Select(l => (int)l), Enumerable.Range(0, 4).Select(train.GetLabel));
        Assert.True(train.HasCoarseLabels);
        Assert.Equal(coarse.Select(l => (int)l), Enumerable.Range(0, 4).Select(train.GetCoarseLabel));
        Assert.Equal(20, train.CoarseClassNames.Count);

        var bytes = new byte[3072];
        train.CopyBatchBytes([3], bytes);
        Assert.Equal(FileBuilders.Pixel(3, 0, 0, 0), bytes[0]);
        Assert.Equal(FileBuilders.Pixel(3, 1, 4, 9), bytes[1024 + 4 * 32 + 9]);

        Assert.Equal(2, DatasetDirectory.Open(temp.Path, DatasetSplit.Test).Count);
    }

    [Fact]
    public void Cifar100_NamesFromFiles()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.File("test.bin"), FileBuilders.CifarRecords([[1], [2]]));
        File.WriteAllText(temp.File("fine_label_names.txt"), string.Join("\n", Enumerable.Range(0, 100).Select(i => $"fine_{i}")) + "\n");
        File.WriteAllText(temp.File("coarse_label_names.txt"), string.Join("\n", Enumerable.Range(0, 20).Select(i => $"coarse_{i}")) + "\n\n");
        var test = (InMemoryImageSource)DatasetDirectory.Open(temp.Path, DatasetSplit.Test);
        Assert.Equal("fine_2", test.ClassNames[test.GetLabel(0)]);
        Assert.Equal("coarse_1", test.CoarseClassNames[test.GetCoarseLabel(0)]);
    }
}
