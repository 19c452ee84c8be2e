namespace Neuromorphic.Datasets;

/// <summary>
/// A fixed, indexable collection of equally sized 8-bit images, optionally labelled.
/// Training code only ever asks for batches by index, which lets the same interface front
/// an in-memory set (MNIST, CIFAR) and a file-streamed one (STL-10 unlabeled, 2.7 GB).
/// Implementations must allow concurrent calls from several threads.
/// </summary>
public interface IImageSource
{
    /// <summary>Short human-readable name, e.g. "CIFAR-10 train (cifar10)".</summary>
    string Name { get; }

    /// <summary>Number of images.</summary>
    int Count { get; }

    ImageShape Shape { get; }

    /// <summary>Number of classes; 0 when the source has no labels.</summary>
    int ClassCount { get; }

    /// <summary>Class names in label order; empty when the source has no labels.</summary>
    IReadOnlyList<string> ClassNames { get; }

    /// <summary>Label of image <paramref name="index"/> in 0..ClassCount-1, or -1 when unlabeled.</summary>
    int GetLabel(int index);

    /// <summary>
    /// Writes the images at <paramref name="indices"/> one after another in NCHW order into
    /// <paramref name="destination"/>, each pixel as value/255f (so in [0, 1]).
    /// <paramref name="destination"/> must hold at least indices.Length * Shape.PixelsPerImage floats.
    /// </summary>
    void CopyBatch(ReadOnlySpan<int> indices, Span<float> destination);

    /// <summary>Same as <see cref="CopyBatch"/> but keeps the raw bytes (0..255).</summary>
    void CopyBatchBytes(ReadOnlySpan<int> indices, Span<byte> destination);
}
