namespace Neuromorphic.Datasets.Tests;

/// <summary>
/// Reads each real dataset at most once for all tests (CIFAR-10 train alone is 150 MB).
/// Lazy, so a missing ../shared/datasets fails exactly the tests that need it, with its message.
/// </summary>
public sealed class SharedDatasetsFixture
{
    private readonly Lazy<InMemoryImageSource> _mnistTrain = new(() => Open("mnist", DatasetSplit.Train));
    private readonly Lazy<InMemoryImageSource> _mnistTest = new(() => Open("mnist", DatasetSplit.Test));
    private readonly Lazy<InMemoryImageSource> _cifarTrain = new(() => Open("cifar10", DatasetSplit.Train));
    private readonly Lazy<InMemoryImageSource> _cifarTest = new(() => Open("cifar10", DatasetSplit.Test));

    public InMemoryImageSource MnistTrain => _mnistTrain.Value;
    public InMemoryImageSource MnistTest => _mnistTest.Value;
    public InMemoryImageSource CifarTrain => _cifarTrain.Value;
    public InMemoryImageSource CifarTest => _cifarTest.Value;

    private static InMemoryImageSource Open(string folder, DatasetSplit split) =>
        Assert.IsType<InMemoryImageSource>(DatasetDirectory.Open(Path.Combine(TestPaths.SharedDatasets, folder), split));
}

[CollectionDefinition(Name)]
public sealed class SharedDatasetsCollection : ICollectionFixture<SharedDatasetsFixture>
{
    public const string Name = "Shared real datasets";
}
