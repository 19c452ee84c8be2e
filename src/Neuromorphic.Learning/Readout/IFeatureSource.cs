namespace Neuromorphic.Learning;

/// <summary>Rows of fixed-length feature vectors fetched by index (the frozen network's outputs).</summary>
public interface IFeatureSource
{
    int Count { get; }
    int FeatureLength { get; }

    /// <summary>Writes the rows at <paramref name="indices"/> one after another into <paramref name="destination"/>.</summary>
    void CopyRows(ReadOnlySpan<int> indices, Span<float> destination);
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

    public void CopyRows(ReadOnlySpan<int> indices, Span<float> destination)
    {
        for (int i = 0; i < indices.Length; i++)
            _values.AsSpan(indices[i] * FeatureLength, FeatureLength).CopyTo(destination.Slice(i * FeatureLength, FeatureLength));
    }
}
