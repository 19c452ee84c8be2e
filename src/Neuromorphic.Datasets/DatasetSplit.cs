namespace Neuromorphic.Datasets;

/// <summary>Which part of a dataset to open.</summary>
public enum DatasetSplit
{
    Train,
    Test,
    /// <summary>Images without labels; only STL-10 ships such a split.</summary>
    Unlabeled,
}

/// <summary>On-disk formats that <see cref="DatasetDirectory"/> recognises.</summary>
public enum DatasetFormat
{
    /// <summary>IDX files as used by MNIST and Fashion-MNIST.</summary>
    Idx,
    /// <summary>CIFAR-10 "binary version" (3073-byte records).</summary>
    Cifar10,
    /// <summary>CIFAR-100 "binary version" (3074-byte records).</summary>
    Cifar100,
    /// <summary>STL-10 binary files (column-major 3x96x96 images).</summary>
    Stl10,
    /// <summary>One folder per split and per class of JPEG/PNG/... files of any size (ImageNet, ImageNette).</summary>
    ImageFolder,
}
