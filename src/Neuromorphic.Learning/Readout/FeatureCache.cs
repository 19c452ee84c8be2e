using System.IO.MemoryMappedFiles;
using System.Numerics.Tensors;
using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// The frozen network's features for a whole split, computed ONCE and stored as half precision
/// (System.Half, 2 bytes per value), instead of recomputing the conv stack every classifier epoch as the
/// official code does (spec §7). Up to <see cref="DefaultMemoryLimitBytes"/> (or the given limit) the
/// values live in a managed array; above it they go to a memory-mapped temporary file that is deleted
/// on <see cref="Dispose"/>. Rows come back as float. Writes and reads must not overlap in time.
/// </summary>
public sealed unsafe class FeatureCache : IFeatureSource, IDisposable
{
    /// <summary>Default threshold for the in-memory array: 1 GiB of halves.</summary>
    public const long DefaultMemoryLimitBytes = 1L << 30;

    readonly Half[]? _memory;
    readonly FileStream? _file;
    readonly MemoryMappedFile? _map;
    readonly MemoryMappedViewAccessor? _view;
    readonly Half* _mapped;
    bool _disposed;

    /// <param name="tempDirectory">Folder for the spill file (default: the system temp folder).</param>
    public FeatureCache(int count, int featureLength, long memoryLimitBytes = DefaultMemoryLimitBytes, string? tempDirectory = null)
    {
        if (count < 0) throw new ArgumentException($"'{nameof(count)}' must be >= 0, but it is {count}.", nameof(count));
        if (featureLength < 1) throw new ArgumentException($"'{nameof(featureLength)}' must be >= 1, but it is {featureLength}.", nameof(featureLength));
        (Count, FeatureLength) = (count, featureLength);
        long values = (long)count * featureLength;
        SizeBytes = values * sizeof(ushort);
        if (SizeBytes <= memoryLimitBytes && values <= Array.MaxLength)
        {
            _memory = new Half[values];
            return;
        }
        FilePath = Path.Combine(tempDirectory ?? Path.GetTempPath(), $"neuromorphic-features-{Guid.NewGuid():N}.f16");
        try
        {
            _file = new FileStream(FilePath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose);
            _file.SetLength(Math.Max(1, SizeBytes));
            _map = MemoryMappedFile.CreateFromFile(_file, null, Math.Max(1, SizeBytes), MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: true);
            _view = _map.CreateViewAccessor(0, Math.Max(1, SizeBytes), MemoryMappedFileAccess.ReadWrite);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            _mapped = (Half*)(pointer + _view.PointerOffset);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public int Count { get; }
    public int FeatureLength { get; }
    public long SizeBytes { get; }
    /// <summary>True when the values live in the memory-mapped file.</summary>
    public bool IsMemoryMapped => _memory is null;
    /// <summary>The spill file, or null when in memory.</summary>
    public string? FilePath { get; }

    /// <summary>Stores rows [firstRow, firstRow + rows.Length/FeatureLength) from floats (rounded to half).</summary>
    public void SetRows(int firstRow, ReadOnlySpan<float> rows)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (rows.Length % FeatureLength != 0)
            throw new ArgumentException($"{rows.Length} values are not a whole number of rows of {FeatureLength}.", nameof(rows));
        int n = rows.Length / FeatureLength;
        if (firstRow < 0 || firstRow + n > Count)
            throw new ArgumentOutOfRangeException(nameof(firstRow), $"Rows {firstRow}..{firstRow + n - 1} lie outside the cache's 0..{Count - 1}.");
        TensorPrimitives.ConvertToHalf(rows, Slot((long)firstRow * FeatureLength, rows.Length));
    }

    public void ReadRow(int row, int offset, Span<float> destination)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        FeatureRows.Check(row, offset, destination.Length, Count, FeatureLength);
        HalfConversion.ToSingle(Slot((long)row * FeatureLength + offset, destination.Length), destination);
    }

    Span<Half> Slot(long offset, int length)
        => _memory is not null ? _memory.AsSpan((int)offset, length) : new Span<Half>(_mapped + offset, length);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (_view is not null)
        {
            if (_mapped != null) _view.SafeMemoryMappedViewHandle.ReleasePointer();
            _view.Dispose();
        }
        _map?.Dispose();
        _file?.Dispose(); // DeleteOnClose removes the file; the explicit delete covers file systems that ignore it
        if (FilePath is not null && File.Exists(FilePath)) File.Delete(FilePath);
    }
}
