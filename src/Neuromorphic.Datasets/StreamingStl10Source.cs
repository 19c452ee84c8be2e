using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Neuromorphic.Datasets;

/// <summary>
/// STL-10 images read from disk on demand. The unlabeled split is 100,000 images (2.7 GB), too
/// big to hold, so each batch reads just its records with positional reads
/// (<see cref="RandomAccess.Read(SafeFileHandle, Span{byte}, long)"/>), which share no file
/// position and are therefore safe from many threads at once. Labels, when given, are small
/// and kept in memory. Dispose to close the file.
/// </summary>
public sealed class StreamingStl10Source : IImageSource, IDisposable
{
    private readonly SafeFileHandle _handle;
    private readonly string _imagesPath;
    private readonly byte[]? _labels;

    /// <param name="imagesPath">An STL-10 *_X.bin file.</param>
    /// <param name="labelsPath">Its *_y.bin file, or null for unlabeled images.</param>
    /// <param name="limit">When set, exposes only the first <paramref name="limit"/> images.</param>
    public StreamingStl10Source(
        string imagesPath, string? labelsPath = null, IReadOnlyList<string>? classNames = null, int? limit = null, string? name = null)
    {
        long count = RecordFileReader.CountRecords(imagesPath, Stl10Reader.RecordSize);
        int keep = BinaryFiles.ResolveLimit(count, limit);
        if (labelsPath is not null)
        {
            IReadOnlyList<string> names = classNames ?? Stl10Reader.StandardClassNames;
            byte[] all = Stl10Reader.ReadLabels(labelsPath, imagesPath, count, names.Count);
            _labels = keep == all.Length ? all : all.AsSpan(0, keep).ToArray();
            ClassNames = names.ToArray();
        }
        else
        {
            ClassNames = Array.Empty<string>();
        }

        try
        {
            _handle = File.OpenHandle(imagesPath, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetFormatException(imagesPath, $"cannot open the file: {e.Message}", e);
        }

        _imagesPath = imagesPath;
        Count = keep;
        Name = name ?? Path.GetFileName(imagesPath);
    }

    public string Name { get; }
    public int Count { get; }
    public ImageShape Shape => Stl10Reader.Shape;
    public int ClassCount => ClassNames.Count;
    public IReadOnlyList<string> ClassNames { get; }

    public int GetLabel(int index)
    {
        this.CheckIndex(index);
        return _labels is null ? -1 : _labels[index];
    }

    public void CopyBatchBytes(ReadOnlySpan<int> indices, Span<byte> destination)
    {
        const int size = Stl10Reader.RecordSize;
        this.CheckDestination(indices.Length, destination.Length);
        byte[] raw = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            for (int i = 0; i < indices.Length; i++)
            {
                ReadRecord(indices[i], raw.AsSpan(0, size));
                Stl10Reader.ToRowMajor(raw.AsSpan(0, size), destination.Slice(i * size, size));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    public void CopyBatch(ReadOnlySpan<int> indices, Span<float> destination)
    {
        const int size = Stl10Reader.RecordSize;
        this.CheckDestination(indices.Length, destination.Length);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(2 * size);
        try
        {
            Span<byte> raw = buffer.AsSpan(0, size);
            Span<byte> image = buffer.AsSpan(size, size);
            for (int i = 0; i < indices.Length; i++)
            {
                ReadRecord(indices[i], raw);
                Stl10Reader.ToRowMajor(raw, image);
                PixelConversion.ToUnitFloat(image, destination.Slice(i * size, size));
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public void Dispose() => _handle.Dispose();

    private void ReadRecord(int index, Span<byte> buffer)
    {
        this.CheckIndex(index);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        long offset = (long)index * Stl10Reader.RecordSize;
        int done = 0;
        while (done < buffer.Length)
        {
            int got;
            try
            {
                got = RandomAccess.Read(_handle, buffer[done..], offset + done);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw BinaryFiles.ReadFailure(_imagesPath, $"image {index} at byte offset {offset}", e);
            }

            if (got == 0)
            {
                throw new DatasetFormatException(
                    _imagesPath,
                    $"truncated file: expected {buffer.Length} bytes for image {index} at byte offset {offset}, found {done} (did the file shrink after opening?).");
            }

            done += got;
        }
    }
}
