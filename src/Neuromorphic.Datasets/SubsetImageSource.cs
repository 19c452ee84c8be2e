using System.Buffers;

namespace Neuromorphic.Datasets;

/// <summary>
/// Chosen images of another source, renumbered 0..Count-1: e.g. the random 10 % of ImageNet's training set
/// that the reference's Hebbian phase sees. Reads go straight to the underlying source.
/// </summary>
public sealed class SubsetImageSource : IImageSource
{
    private readonly IImageSource _source;
    private readonly int[] _indices;

    /// <param name="indices">Indices into <paramref name="source"/>, each in range; kept in the order given.</param>
    public SubsetImageSource(IImageSource source, IReadOnlyList<int> indices, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(indices);
        foreach (int i in indices)
        {
            source.CheckIndex(i);
        }

        _source = source;
        _indices = indices.ToArray();
        Name = name ?? $"{source.Name}, {_indices.Length:N0} of {source.Count:N0} images";
    }

    public string Name { get; }
    public int Count => _indices.Length;
    public ImageShape Shape => _source.Shape;
    public int ClassCount => _source.ClassCount;
    public IReadOnlyList<string> ClassNames => _source.ClassNames;

    public int GetLabel(int index) => _source.GetLabel(Map(index));

    public void CopyBatch(ReadOnlySpan<int> indices, Span<float> destination) =>
        WithMapped(indices, destination, static (source, mapped, d) => source.CopyBatch(mapped, d));

    public void CopyBatchBytes(ReadOnlySpan<int> indices, Span<byte> destination) =>
        WithMapped(indices, destination, static (source, mapped, d) => source.CopyBatchBytes(mapped, d));

    private delegate void BatchCopy<T>(IImageSource source, ReadOnlySpan<int> mapped, Span<T> destination);

    private void WithMapped<T>(ReadOnlySpan<int> indices, Span<T> destination, BatchCopy<T> copy)
    {
        int[] mapped = ArrayPool<int>.Shared.Rent(indices.Length);
        try
        {
            for (int i = 0; i < indices.Length; i++)
            {
                mapped[i] = Map(indices[i]);
            }

            copy(_source, mapped.AsSpan(0, indices.Length), destination);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(mapped);
        }
    }

    private int Map(int index)
    {
        this.CheckIndex(index);
        return _indices[index];
    }
}
