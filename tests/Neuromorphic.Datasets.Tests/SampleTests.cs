namespace Neuromorphic.Datasets.Tests;

/// <summary>The MNIST sample shipped in datasets/mnist-sample.</summary>
[Collection(SharedDatasetsCollection.Name)]
public sealed class SampleTests(SharedDatasetsFixture data)
{
    [Fact]
    public void Sample_IsRecognisedWithExpectedCountsAndFirstLabels()
    {
        var train = (InMemoryImageSource)DatasetDirectory.Open(TestPaths.SampleDirectory, DatasetSplit.Train);
        var test = (InMemoryImageSource)DatasetDirectory.Open(TestPaths.SampleDirectory, DatasetSplit.Test);
        Assert.Equal(6000, train.Count);
        Assert.Equal(1000, test.Count);
        Assert.Equal([5, 0, 4, 1, 9, 2, 1, 3, 1, 4], Enumerable.Range(0, 10).Select(train.GetLabel));
        Assert.Equal([7, 2, 1, 0, 4, 1, 4, 9, 5, 9], Enumerable.Range(0, 10).Select(test.GetLabel));
        // Measured when the sample was cut (also listed in its README).
        Assert.Equal([592, 671, 581, 608, 623, 514, 608, 651, 551, 601], train.ClassCounts());
        Assert.Equal([85, 126, 116, 107, 110, 87, 87, 99, 89, 94], test.ClassCounts());
    }

    [Fact]
    public void Sample_ImagesAndLabelsEqualTheStartOfTheFullSet()
    {
        var train = (InMemoryImageSource)DatasetDirectory.Open(TestPaths.SampleDirectory, DatasetSplit.Train);
        var test = (InMemoryImageSource)DatasetDirectory.Open(TestPaths.SampleDirectory, DatasetSplit.Test);
        Assert.True(train.Pixels.SequenceEqual(data.MnistTrain.Pixels[..(6000 * 784)]));
        Assert.True(train.Labels.SequenceEqual(data.MnistTrain.Labels[..6000]));
        Assert.True(test.Pixels.SequenceEqual(data.MnistTest.Pixels[..(1000 * 784)]));
        Assert.True(test.Labels.SequenceEqual(data.MnistTest.Labels[..1000]));
    }

    [Fact]
    public void Sample_Describe()
    {
        string text = DatasetDirectory.Describe(TestPaths.SampleDirectory);
        Assert.Contains("MNIST (IDX)", text);
        Assert.Contains("train: 6,000 images", text);
        Assert.Contains("test: 1,000 images", text);
        Assert.Contains("1x28x28", text);
    }
}
