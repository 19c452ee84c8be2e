namespace Neuromorphic.Datasets.Download;

/// <summary>
/// The datasets `datasets download` knows: official URLs and MD5 sums. The archive MD5s are the ones the dataset
/// authors publish (and torchvision lists); the MNIST content MD5s are those of the original uncompressed files.
/// </summary>
public static class DatasetCatalog
{
    // MNIST's origin, yann.lecun.com, often refuses downloads; torchvision's mirror serves the same .gz files.
    // The content is checked, not the .gz: re-gzipped copies of the same data are accepted.
    public static DownloadEntry Mnist { get; } = new(
        "mnist", "MNIST", "https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/",
        [
            Idx("train-images-idx3-ubyte.gz", "6bbc9ace898e44ae57da46a324031adb", 47_040_016),
            Idx("train-labels-idx1-ubyte.gz", "a25bea736e30d166cdddb491f175f624", 60_008),
            Idx("t10k-images-idx3-ubyte.gz", "2646ac647ad5339dbf082846283269ea", 7_840_016),
            Idx("t10k-labels-idx1-ubyte.gz", "27ae3e4e09519cfbb04c329615203637", 10_008),
        ]);

    // Only the .gz MD5s are published for Fashion-MNIST, so the .gz files themselves are checked (exact sizes).
    public static DownloadEntry FashionMnist { get; } = new(
        "fashion-mnist", "Fashion-MNIST", "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://github.com/zalandoresearch/fashion-mnist",
        [
            new("train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", 26_421_880),
            new("train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", 29_515),
            new("t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", 4_422_102),
            new("t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", 5_148),
        ]);

    public static DownloadEntry Cifar10 { get; } = new(
        "cifar10", "CIFAR-10 (binary version)", "https://www.cs.toronto.edu/~kriz/", "https://www.cs.toronto.edu/~kriz/cifar.html",
        [new("cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530", 170_052_171)],
        UnpacksTo: "cifar-10-batches-bin");

    public static DownloadEntry Cifar100 { get; } = new(
        "cifar100", "CIFAR-100 (binary version)", "https://www.cs.toronto.edu/~kriz/", "https://www.cs.toronto.edu/~kriz/cifar.html",
        [new("cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8", 168_513_733)],
        UnpacksTo: "cifar-100-binary");

    public static DownloadEntry Stl10 { get; } = new(
        "stl10", "STL-10 (binary)", "http://ai.stanford.edu/~acoates/stl10/", "https://cs.stanford.edu/~acoates/stl10/",
        [new("stl10_binary.tar.gz", "91f7769df0f17e558f3565bffb0c7dfb", 2_640_397_119)],
        UnpacksTo: "stl10_binary");

    public static IReadOnlyList<DownloadEntry> All { get; } = [Mnist, FashionMnist, Cifar10, Cifar100, Stl10];

    public static IEnumerable<string> Names => All.Select(e => e.Name);

    /// <summary>The entry called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static DownloadEntry? Find(string name) =>
        All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    private static DownloadFile Idx(string name, string contentMd5, long contentBytes) =>
        new(name, contentMd5, DownloadFile.GzipBound(contentBytes), contentBytes);
}
