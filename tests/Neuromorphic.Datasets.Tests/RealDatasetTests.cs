namespace Neuromorphic.Datasets.Tests;

/// <summary>Checks against the full MNIST and CIFAR-10 copies; expected numbers come from ../shared/datasets/README.md.</summary>
[Collection(SharedDatasetsCollection.Name)]
public sealed class RealDatasetTests(SharedDatasetsFixture data)
{
    [Fact]
    public void MnistTrain_CountsFirstLabelsAndStatistics()
    {
        InMemoryImageSource train = data.MnistTrain;
        Assert.Equal(60000, train.Count);
        Assert.Equal(new ImageShape(1, 28, 28), train.Shape);
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], train.ClassCounts());
        Assert.Equal([5, 0, 4, 1, 9, 2, 1, 3, 1, 4], Enumerable.Range(0, 10).Select(train.GetLabel));
        Assert.Equal(0.1307, train.ChannelMeans()[0], 1e-4);
        Assert.Equal(0.3081, train.ChannelStd()[0], 1e-4);
    }

    [Fact]
    public void MnistTest_CountsFirstLabelsAndStatistics()
    {
        InMemoryImageSource test = data.MnistTest;
        Assert.Equal(10000, test.Count);
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], test.ClassCounts());
        Assert.Equal([7, 2, 1, 0, 4, 1, 4, 9, 5, 9], Enumerable.Range(0, 10).Select(test.GetLabel));
        Assert.Equal(0.1325, test.ChannelMeans()[0], 1e-4);
        Assert.Equal(0.3105, test.ChannelStd()[0], 1e-4);
    }

    [Fact]
    public void MnistTrain_KnownPixels()
    {
        // Values read with a few lines of Python (gzip + slicing) from train-images-idx3-ubyte.gz.
        var image = new float[784];
        data.MnistTrain.CopyBatch([0], image);
        Assert.Equal(81 / 255f, image[14 * 28 + 13]);
        Assert.Equal(240 / 255f, image[14 * 28 + 14]);
        Assert.Equal(253 / 255f, image[7 * 28 + 12]);
        Assert.Equal(3 / 255f, image[5 * 28 + 12]);
        Assert.Equal(0f, image[0]);
    }

    [Fact]
    public void Cifar10Train_CountsPerBatch()
    {
        int[][] expected =
        [
            [1005, 974, 1032, 1016, 999, 937, 1030, 1001, 1025, 981],
            [984, 1007, 1010, 995, 1010, 988, 1008, 1026, 987, 985],
            [994, 1042, 965, 997, 990, 1029, 978, 1015, 961, 1029],
            [1003, 963, 1041, 976, 1004, 1021, 1004, 981, 1024, 983],
            [1014, 1014, 952, 1016, 997, 1025, 980, 977, 1003, 1022],
        ];
        InMemoryImageSource train = data.CifarTrain;
        Assert.Equal(50000, train.Count);
        for (int batch = 0; batch < 5; batch++)
        {
            var counts = new int[10];
            foreach (byte label in train.Labels.Slice(batch * 10000, 10000))
            {
                counts[label]++;
            }

            Assert.Equal(expected[batch], counts);
        }

        Assert.All(train.ClassCounts(), c => Assert.Equal(5000, c));
    }

    [Fact]
    public void Cifar10Train_FirstLabelsNamesAndChannelStatistics()
    {
        InMemoryImageSource train = data.CifarTrain;
        Assert.Equal(new ImageShape(3, 32, 32), train.Shape);
        Assert.Equal(Cifar10Reader.StandardClassNames, train.ClassNames);
        Assert.Equal([6, 9, 9, 4, 1, 1, 2, 7, 8, 3], Enumerable.Range(0, 10).Select(train.GetLabel));
        double[] means = train.ChannelMeans();
        Assert.Equal(0.4914, means[0], 1e-4);
        Assert.Equal(0.4822, means[1], 1e-4);
        Assert.Equal(0.4465, means[2], 1e-4);
        double[] std = train.ChannelStd();
        Assert.Equal(0.2470, std[0], 1e-4);
        Assert.Equal(0.2435, std[1], 1e-4);
        Assert.Equal(0.2616, std[2], 1e-4);
    }

    [Fact]
    public void Cifar10Test_CountsFirstLabelsAndMeans()
    {
        InMemoryImageSource test = data.CifarTest;
        Assert.Equal(10000, test.Count);
        Assert.All(test.ClassCounts(), c => Assert.Equal(1000, c));
        Assert.Equal([3, 8, 8, 0, 6, 6, 1, 6, 3, 1], Enumerable.Range(0, 10).Select(test.GetLabel));
        double[] means = test.ChannelMeans();
        Assert.Equal(0.4942, means[0], 1e-4);
        Assert.Equal(0.4851, means[1], 1e-4);
        Assert.Equal(0.4504, means[2], 1e-4);
    }

    [Fact]
    public void Cifar10_KnownPixels()
    {
        // Values read with Python straight from data_batch_1.bin / test_batch.bin.
        var two = new float[2 * 3072];
        data.CifarTrain.CopyBatch([0, 1], two);
        Assert.Equal(59 / 255f, two[0]);                       // R (0,0)
        Assert.Equal(62 / 255f, two[1024]);                    // G (0,0)
        Assert.Equal(63 / 255f, two[2048]);                    // B (0,0)
        Assert.Equal(123 / 255f, two[1023]);                   // R (31,31)
        Assert.Equal(92 / 255f, two[1024 + 10 * 32 + 20]);     // G (10,20)
        Assert.Equal(139 / 255f, two[3072 + 2048 + 5 * 32 + 7]); // image 1, B (5,7)

        var test = new float[3072];
        data.CifarTest.CopyBatch([0], test);
        Assert.Equal(158 / 255f, test[0]);
        Assert.Equal(101 / 255f, test[1024 + 16 * 32 + 16]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(12345)]
    [InlineData(49999)]
    public void Cifar10Train_ImageMatchesRawFileBytes(int index)
    {
        // Independent derivation: seek to the record in the right batch file and compare bytes.
        string path = Path.Combine(TestPaths.SharedDatasets, "cifar10", $"data_batch_{index / 10000 + 1}.bin");
        var record = new byte[3073];
        using (var file = File.OpenRead(path))
        {
            file.Position = (long)(index % 10000) * 3073;
            file.ReadExactly(record);
        }

        var bytes = new byte[3072];
        data.CifarTrain.CopyBatchBytes([index], bytes);
        Assert.Equal(record[0], data.CifarTrain.GetLabel(index));
        Assert.Equal(record.AsSpan(1).ToArray(), bytes);
    }

    [Fact]
    public void Describe_RealCifar10()
    {
        string text = DatasetDirectory.Describe(Path.Combine(TestPaths.SharedDatasets, "cifar10"));
        Assert.Contains("CIFAR-10", text);
        Assert.Contains("train: 50,000 images", text);
        Assert.Contains("test: 10,000 images", text);
        Assert.Contains("3x32x32", text);
        Assert.Contains("airplane", text);
    }

    [Fact]
    public void Limit_ReadsOnlyTheFirstRecords()
    {
        var few = (InMemoryImageSource)DatasetDirectory.Open(Path.Combine(TestPaths.SharedDatasets, "cifar10"), DatasetSplit.Train, limit: 25);
        Assert.Equal(25, few.Count);
        Assert.Equal(data.CifarTrain.Pixels[..(25 * 3072)].ToArray(), few.Pixels.ToArray());

        var mnist = (InMemoryImageSource)DatasetDirectory.Open(Path.Combine(TestPaths.SharedDatasets, "mnist"), DatasetSplit.Test, limit: 7);
        Assert.Equal(7, mnist.Count);
        Assert.Equal([7, 2, 1, 0, 4, 1, 4], Enumerable.Range(0, 7).Select(mnist.GetLabel));
    }
}
