namespace Neuromorphic.Datasets;

/// <summary>The argument checks every <see cref="IImageSource"/> makes, with the same messages.</summary>
internal static class ImageSourceChecks
{
    public static void CheckIndex(this IImageSource source, int index)
    {
        if ((uint)index >= (uint)source.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{source.Name} has {source.Count} images.");
        }
    }

    public static void CheckDestination(this IImageSource source, int images, int length)
    {
        long needed = (long)images * source.Shape.PixelsPerImage;
        if (length < needed)
        {
            throw new ArgumentException(
                $"Destination holds {length} values but {images} images of {source.Shape} need {needed}.", "destination");
        }
    }
}
