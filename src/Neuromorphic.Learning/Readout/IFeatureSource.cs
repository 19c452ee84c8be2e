namespace Neuromorphic.Learning;

/// <summary>Rows of fixed-length feature vectors fetched by index (the frozen network's outputs).</summary>
public interface IFeatureSource
{
    int Count { get; }
    int FeatureLength { get; }

    /// <summary>Writes features [offset, offset + destination.Length) of row <paramref name="row"/> into <paramref name="destination"/>
    /// (the read-out reads rows a cache-sized chunk at a time).</summary>
    void ReadRow(int row, int offset, Span<float> destination);
}

/// <summary>Features held as a plain float array, Count x FeatureLength row-major.</summary>
public sealed class ArrayFeatureSource : IFeatureSource
{
    readonly float[] _values;

    public ArrayFeatureSource(float[] values, int featureLength)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (featureLength < 1 || values.Length % featureLength != 0)
            throw new ArgumentException($"{values.Length} values are not a whole number of rows of {featureLength}.", nameof(values));
        (_values, FeatureLength, Count) = (values, featureLength, values.Length / featureLength);
    }

    public int Count { get; }
    public int FeatureLength { get; }

    public void ReadRow(int row, int offset, Span<float> destination)
    {
        FeatureRows.Check(row, offset, destination.Length, Count, FeatureLength);
        _values.AsSpan(row * FeatureLength + offset, destination.Length).CopyTo(destination);
    }
}

/// <summary>Rows [first, first + count) of another source, seen as rows 0..count-1 (one cached augmented copy of a set).</summary>
public sealed class FeatureRowRange : IFeatureSource
{
    readonly IFeatureSource _source;
    readonly int _first;

    public FeatureRowRange(IFeatureSource source, int first, int count)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (first < 0 || count < 0 || (long)first + count > source.Count)
            throw new ArgumentOutOfRangeException(nameof(first), $"Rows {first}..{(long)first + count - 1} lie outside the source's 0..{source.Count - 1}.");
        (_source, _first, Count) = (source, first, count);
    }

    public int Count { get; }
    public int FeatureLength => _source.FeatureLength;

    public void ReadRow(int row, int offset, Span<float> destination)
    {
        FeatureRows.Check(row, offset, destination.Length, Count, FeatureLength);
        _source.ReadRow(_first + row, offset, destination);
    }
}

public static class FeatureRows
{
    /// <summary>Writes the rows at <paramref name="indices"/> one after another into <paramref name="destination"/>.</summary>
    public static void CopyRows(this IFeatureSource source, ReadOnlySpan<int> indices, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        int length = source.FeatureLength;
        if (destination.Length < (long)indices.Length * length)
            throw new ArgumentException($"'{nameof(destination)}' must hold {indices.Length}x{length} values, but it holds {destination.Length}.", nameof(destination));
        for (int i = 0; i < indices.Length; i++) source.ReadRow(indices[i], 0, destination.Slice(i * length, length));
    }

    /// <summary>Throws unless [offset, offset + length) of row <paramref name="row"/> lies inside the source.</summary>
    internal static void Check(int row, int offset, int length, int count, int featureLength)
    {
        if ((uint)row >= (uint)count)
            throw new ArgumentOutOfRangeException(nameof(row), $"Row {row} lies outside the source's 0..{count - 1}.");
        if (offset < 0 || length < 0 || offset + length > featureLength)
            throw new ArgumentOutOfRangeException(nameof(offset), $"Features {offset}..{offset + length - 1} lie outside a row's 0..{featureLength - 1}.");
    }
}
