using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

public enum AugmentationKind
{
    /// <summary>Images pass unchanged (CIFAR, MNIST; spec §4).</summary>
    None,
    /// <summary>RandomCrop(size, padding p, reflect) + horizontal flip (STL-10 "100aug").</summary>
    CropFlip,
    /// <summary>RandomCrop(size, padding p, reflect) alone: small shifts, no mirror image (digits).</summary>
    Crop,
    /// <summary>Independent Gaussian noise of standard deviation <see cref="AugmentationSpec.NoiseStd"/> added to every pixel
    /// (the reference's MNIST "100aug", std 1 on pixels in [0, 1]).</summary>
    Noise,
    /// <summary>RandomResizedCrop(size) + horizontal flip (ImageNet).</summary>
    RandomResizedCropFlip,
}

/// <summary>How a preset augments its images.</summary>
/// <param name="Padding">Reflect padding of <see cref="AugmentationKind.CropFlip"/> and <see cref="AugmentationKind.Crop"/>.</param>
/// <param name="ScaleMin">Smallest crop area fraction of the random resized crop (torchvision default 0.08).</param>
/// <param name="ScaleMax">Largest crop area fraction (default 1).</param>
/// <param name="NoiseStd">Standard deviation of <see cref="AugmentationKind.Noise"/>.</param>
public sealed record AugmentationSpec(AugmentationKind Kind, int Padding = 0, float ScaleMin = 0.08f, float ScaleMax = 1f, float NoiseStd = 0f)
{
    public static AugmentationSpec None { get; } = new(AugmentationKind.None);
}

/// <summary>
/// Data augmentation on NCHW float batches, each image with its own random draw from a seeded
/// <see cref="Random"/> (so a seed gives the same augmented batches on every run). Source and
/// destination are separate tensors; the destination may have a different H x W for the resized crop.
/// </summary>
public static class Augmentation
{
    public static void Apply(AugmentationSpec spec, Tensor source, Tensor destination, Random rng)
    {
        ArgumentNullException.ThrowIfNull(spec);
        switch (spec.Kind)
        {
            case AugmentationKind.None:
                if (!source.Shape.AsSpan().SequenceEqual(destination.Shape))
                    throw new ArgumentException($"Without augmentation the destination must have the source's shape {source}, but it is {destination}.", nameof(destination));
                source.Span.CopyTo(destination.Span);
                break;
            case AugmentationKind.CropFlip:
                RandomCrop(source, destination, spec.Padding, flip: true, rng);
                break;
            case AugmentationKind.Crop:
                RandomCrop(source, destination, spec.Padding, flip: false, rng);
                break;
            case AugmentationKind.RandomResizedCropFlip:
                RandomResizedCropFlip(source, destination, rng, spec.ScaleMin, spec.ScaleMax);
                break;
            case AugmentationKind.Noise:
                AddGaussianNoise(source, destination, spec.NoiseStd, rng);
                break;
            default:
                throw new ArgumentException($"Unknown augmentation {spec.Kind}.", nameof(spec));
        }
    }

    /// <summary>
    /// Reflect-pad by <paramref name="padding"/> and take a random H x W window of the padded image
    /// (offsets uniform in 0..2p); with <paramref name="flip"/>, then mirror it left-right with probability 1/2.
    /// </summary>
    public static void RandomCrop(Tensor source, Tensor destination, int padding, bool flip, Random rng)
    {
        var (n, c, h, w) = source.Nchw;
        Check(destination, n, c, h, w);
        ArgumentNullException.ThrowIfNull(rng);
        Padding.Validate(h, w, padding, PaddingMode.Reflect);
        for (int i = 0; i < n; i++)
        {
            int top = rng.Next(2 * padding + 1) - padding, left = rng.Next(2 * padding + 1) - padding;
            bool mirror = flip && rng.NextDouble() < 0.5;
            for (int ch = 0; ch < c; ch++)
            {
                var src = source.Data.AsSpan(((i * c) + ch) * h * w, h * w);
                var dst = destination.Data.AsSpan(((i * c) + ch) * h * w, h * w);
                for (int r = 0; r < h; r++)
                {
                    int sr = Padding.SourceIndex(r + top, h, PaddingMode.Reflect);
                    for (int col = 0; col < w; col++)
                    {
                        int sc = Padding.SourceIndex(col + left, w, PaddingMode.Reflect);
                        dst[r * w + (mirror ? w - 1 - col : col)] = src[sr * w + sc];
                    }
                }
            }
        }
    }

    /// <summary>destination = source + N(0, std²) drawn independently for every value (Box–Muller on <paramref name="rng"/>).</summary>
    public static void AddGaussianNoise(Tensor source, Tensor destination, float std, Random rng)
    {
        var (n, c, h, w) = source.Nchw;
        Check(destination, n, c, h, w);
        ArgumentNullException.ThrowIfNull(rng);
        if (!(std >= 0 && float.IsFinite(std))) throw new ArgumentException($"The noise std must be finite and >= 0, but it is {std}.", nameof(std));
        var src = source.Span;
        var dst = destination.Span;
        for (int i = 0; i < src.Length; i += 2)
        {
            // Two independent normals per pair of uniforms; 1 - U keeps the logarithm's argument in (0, 1].
            double radius = std * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())), angle = 2 * Math.PI * rng.NextDouble();
            dst[i] = src[i] + (float)(radius * Math.Cos(angle));
            if (i + 1 < src.Length) dst[i + 1] = src[i + 1] + (float)(radius * Math.Sin(angle));
        }
    }

    /// <summary>
    /// torchvision's RandomResizedCrop: up to 10 tries of an area fraction in [scaleMin, scaleMax] and a
    /// log-uniform aspect ratio in [3/4, 4/3] that fits, else a centre crop; the crop is resized to the
    /// destination's H x W bilinearly (half-pixel centres), then flipped with probability 1/2.
    /// </summary>
    public static void RandomResizedCropFlip(Tensor source, Tensor destination, Random rng, float scaleMin = 0.08f, float scaleMax = 1f)
    {
        var (n, c, h, w) = source.Nchw;
        var (dn, dc, oh, ow) = destination.Nchw;
        if (dn != n || dc != c) throw new ArgumentException($"The destination {destination} must have the source's batch and channels {source}.", nameof(destination));
        ArgumentNullException.ThrowIfNull(rng);
        if (!(scaleMin > 0 && scaleMin <= scaleMax && scaleMax <= 1))
            throw new ArgumentException($"Crop scales must satisfy 0 < min <= max <= 1, but they are {scaleMin}, {scaleMax}.");
        double logLow = Math.Log(3.0 / 4), logHigh = Math.Log(4.0 / 3);
        for (int i = 0; i < n; i++)
        {
            var (top, left, ch_, cw) = CropBox(h, w, rng, scaleMin, scaleMax, logLow, logHigh);
            bool flip = rng.NextDouble() < 0.5;
            for (int ch = 0; ch < c; ch++)
            {
                var src = source.Data.AsSpan(((i * c) + ch) * h * w, h * w);
                var dst = destination.Data.AsSpan(((i * dc) + ch) * oh * ow, oh * ow);
                for (int r = 0; r < oh; r++)
                {
                    double sy = top + Math.Clamp((r + 0.5) * ch_ / oh - 0.5, 0, ch_ - 1);
                    int y0 = (int)sy, y1 = Math.Min(y0 + 1, top + ch_ - 1);
                    float fy = (float)(sy - y0);
                    for (int col = 0; col < ow; col++)
                    {
                        double sx = left + Math.Clamp((col + 0.5) * cw / ow - 0.5, 0, cw - 1);
                        int x0 = (int)sx, x1 = Math.Min(x0 + 1, left + cw - 1);
                        float fx = (float)(sx - x0);
                        float v = (1 - fy) * ((1 - fx) * src[y0 * w + x0] + fx * src[y0 * w + x1])
                                + fy * ((1 - fx) * src[y1 * w + x0] + fx * src[y1 * w + x1]);
                        dst[r * ow + (flip ? ow - 1 - col : col)] = v;
                    }
                }
            }
        }
    }

    static (int Top, int Left, int Height, int Width) CropBox(int h, int w, Random rng, double scaleMin, double scaleMax, double logLow, double logHigh)
    {
        double area = (double)h * w;
        for (int attempt = 0; attempt < 10; attempt++)
        {
            double target = area * (scaleMin + (scaleMax - scaleMin) * rng.NextDouble());
            double ratio = Math.Exp(logLow + (logHigh - logLow) * rng.NextDouble());
            int cw = (int)Math.Round(Math.Sqrt(target * ratio));
            int ch = (int)Math.Round(Math.Sqrt(target / ratio));
            if (cw > 0 && ch > 0 && cw <= w && ch <= h)
                return (rng.Next(h - ch + 1), rng.Next(w - cw + 1), ch, cw);
        }
        // Fallback: the largest centre crop whose aspect ratio lies in [3/4, 4/3].
        double inRatio = (double)w / h;
        int fw = w, fh = h;
        if (inRatio < 3.0 / 4) fh = (int)Math.Round(w / (3.0 / 4));
        else if (inRatio > 4.0 / 3) fw = (int)Math.Round(h * (4.0 / 3));
        return ((h - fh) / 2, (w - fw) / 2, fh, fw);
    }

    static void Check(Tensor destination, int n, int c, int h, int w)
    {
        if (!destination.Shape.AsSpan().SequenceEqual(new[] { n, c, h, w }))
            throw new ArgumentException($"The destination must have shape [{n}, {c}, {h}, {w}], but it is {destination}.", nameof(destination));
    }
}
