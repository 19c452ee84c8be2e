using System.Globalization;
using System.Text;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>One line of a <see cref="MemoryFootprint"/>: what holds the memory, how much, and what lowers it.</summary>
public sealed record FootprintPart(string What, long Bytes, string LowerBy);

/// <summary>A preset's planned peak memory, part by part (see <see cref="PresetFootprint.Estimate"/>).</summary>
public sealed record MemoryFootprint(IReadOnlyList<FootprintPart> Parts)
{
    public long TotalBytes => Parts.Sum(p => p.Bytes);

    /// <summary>One line per part, largest first, then the total.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var p in Parts.OrderByDescending(p => p.Bytes))
            sb.AppendLine(CultureInfo.InvariantCulture, $"  {PresetFootprint.Format(p.Bytes),10}  {p.What} (lower: {p.LowerBy})");
        sb.Append(CultureInfo.InvariantCulture, $"  {PresetFootprint.Format(TotalBytes),10}  total");
        return sb.ToString();
    }
}

/// <summary>A training run would need more memory than the limit it was given; the message breaks the estimate down.</summary>
public sealed class MemoryBudgetException(MemoryFootprint estimate, long limitBytes)
    : Exception($"The run needs about {PresetFootprint.Format(estimate.TotalBytes)} of memory, more than the limit of " +
        $"{PresetFootprint.Format(limitBytes)}. Estimate by part, largest first:{Environment.NewLine}{estimate}{Environment.NewLine}" +
        "Lower the largest parts as listed (fewer channels, a smaller batch, fewer images with --limit-train / --limit-test), or raise the limit (train --max-memory; a memory-mapped feature cache may exceed the RAM).")
{
    public MemoryFootprint Estimate { get; } = estimate;
    public long LimitBytes { get; } = limitBytes;
}

/// <summary>
/// Plans a training run's peak memory from the preset alone, before anything is allocated, so a preset that cannot fit
/// is refused with a breakdown instead of failing (or swapping) an hour into the run.
/// <para>Covered, from what <see cref="SoftHebbTrainer"/> allocates: each layer's weights, ΔW, rates and BatchNorm
/// statistics; each layer's grow-only buffers (BN input, u, activation, pooled output, y, pre-triangle u, im2col
/// columns or Winograd tiles, GEMM scratch, Winograd weights and their copy), each at the larger of its sizes for the
/// Hebbian batch and the extraction batch (<see cref="SoftHebbTrainer.ExtractionBatch"/>), since buffers only grow and
/// outlive the phase that grew them; the blocks in flight between actors (mailbox capacity + 1 per edge); the feature caches
/// (train × cached views + test, as half precision: a memory-mapped cache counts too, its pages are resident while the
/// read-out streams them); the read-out's weights, gradient and Adam moments; the checkpoint's copy of the state; the
/// dataset's pixels as bytes (the binary readers load a split whole); a fixed allowance for the .NET runtime and the
/// GEMM library, and a share for garbage the GC has not collected yet.</para>
/// <para>Not covered: plots, spiking simulation, hardware mapping, image-folder decoding caches, the OS page cache.
/// The fixed allowance and the garbage share are calibrated against four measured peaks (mnist-small, mnist, cifar10
/// small and full: src/Neuromorphic.Learning/README.md, "Memory footprint"), where the estimate is 1.04–1.34 times the
/// peak; presets far from those (stl10, imagenet: wide layers on large images) are not calibrated.</para>
/// </summary>
public static class PresetFootprint
{
    /// <summary>The .NET runtime, JIT'd code, thread stacks and OpenBLAS's buffers with nothing of the run allocated.</summary>
    public const long RuntimeBytes = 100L << 20;

    /// <summary>Garbage, as a share of the managed parts: every layer hands each batch on in a fresh array (large-object
    /// heap, collected only by full collections, whose budget grows with the live heap); calibrated against measured peaks.</summary>
    public const double GarbageFraction = 0.75;

    /// <param name="trainImages">Labelled training images (after --limit-train): the read-out's feature cache holds their features.</param>
    /// <param name="testImages">Test images (after --limit-test): their features are cached too.</param>
    /// <param name="unlabeledImages">Images of a separate Hebbian split (STL-10's unlabeled one); 0 when the Hebbian phase
    /// uses the training set.</param>
    /// <param name="classifierEpochs">The read-out's epochs when overridden (they cap the cached augmented views).</param>
    /// <param name="residentImages">Images whose pixels are held in memory (null: all of them; image folders and the
    /// STL-10 unlabeled split are read batch by batch and hold none).</param>
    public static MemoryFootprint Estimate(NetworkPreset preset, int trainImages, int testImages, int unlabeledImages = 0,
        int? classifierEpochs = null, long? residentImages = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentOutOfRangeException.ThrowIfNegative(trainImages);
        ArgumentOutOfRangeException.ThrowIfNegative(testImages);
        ArgumentOutOfRangeException.ThrowIfNegative(unlabeledImages);
        var parts = new List<FootprintPart>();
        const long F = sizeof(float);
        int hebbBatch = preset.Hebbian.BatchSize;
        long state = 0, inFlight = 0;
        var (c, h, w) = (preset.Channels, preset.Height, preset.Width);
        inFlight += InFlight((long)c * h * w, Math.Max(hebbBatch, SoftHebbTrainer.ExtractionBatch));
        for (int i = 0; i < preset.Layers.Count; i++)
        {
            var spec = preset.Layers[i];
            // A linear layer runs as a 1x1 conv on 1x1 images of its flattened input.
            (var conv, c, h, w) = spec.AsConvolution(c, h, w);
            var (k, oh, ow) = conv.OutputShape(c, h, w);
            long weights = (long)k * conv.FanIn;
            long layerState = F * (2 * weights + 2L * k + 2L * c); // W, ΔW, rates and norms, BN mean and variance
            state += layerState;
            // Each buffer only grows: it ends as the larger of its Hebbian-batch and extraction-batch sizes.
            var learning = LayerBuffers(conv, c, h, w, hebbBatch, learning: true);
            var frozen = LayerBuffers(conv, c, h, w, SoftHebbTrainer.ExtractionBatch, learning: false);
            long buffers = sizeof(float) * learning.Zip(frozen, Math.Max).Sum();
            parts.Add(new($"layer {i + 1} ({spec.Kind} {c}->{k}): weights and state", layerState, $"$.layers[{i}] channels or kernel size"));
            parts.Add(new($"layer {i + 1}: buffers for a Hebbian batch of {hebbBatch} or an extraction batch of {SoftHebbTrainer.ExtractionBatch}",
                buffers, "$.hebbian.batchSize, or this layer's channels or input size"));
            (c, h, w) = (k, oh, ow);
            inFlight += InFlight((long)k * oh * ow, Math.Max(hebbBatch, SoftHebbTrainer.ExtractionBatch));
        }
        long features = (long)c * h * w;
        parts.Add(new("blocks in flight between layers", inFlight, "$.hebbian.batchSize or the layers' channels"));

        var readout = preset.Readout;
        int epochs = classifierEpochs ?? readout.Epochs;
        int views = readout.Augmentation.Kind == AugmentationKind.None ? 1 : Math.Max(1, Math.Min(readout.AugmentedViews ?? 0, epochs));
        long cacheRows = (long)trainImages * views + testImages;
        parts.Add(new($"feature cache: {features} features x ({trainImages} training images{(views > 1 ? $" x {views} views" : "")} + {testImages} test), half precision",
            cacheRows * features * sizeof(ushort), "--limit-train, $.readout.augmentedViews, or the last layer's channels and pooling"));
        long readoutBytes = F * (4 * (preset.Classes * features + preset.Classes) + (long)readout.BatchSize * LinearReadout.Chunk);
        parts.Add(new("read-out: weights, gradient, Adam moments", readoutBytes, "the last layer's channels and pooling"));
        parts.Add(new("checkpoint: a copy of every weight and moment while it is written", state / 2 + readoutBytes, "the layers' channels"));
        long pixels = (long)preset.Channels * preset.Height * preset.Width;
        parts.Add(new("dataset pixels as bytes", pixels * (residentImages ?? (long)trainImages + testImages + unlabeledImages), "--limit-train, --limit-test"));
        long managed = parts.Sum(p => p.Bytes) - cacheRows * features * sizeof(ushort);
        parts.Add(new($"garbage not yet collected ({GarbageFraction:P0} of the parts above, less the feature cache)", (long)(GarbageFraction * managed), "as the parts above"));
        parts.Add(new(".NET runtime, code and GEMM buffers (fixed)", RuntimeBytes, "nothing"));
        return new MemoryFootprint(parts);
    }

    /// <summary>Throws <see cref="MemoryBudgetException"/> when the estimate exceeds <paramref name="limitBytes"/>.</summary>
    public static void Check(MemoryFootprint estimate, long limitBytes)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limitBytes);
        if (estimate.TotalBytes > limitBytes) throw new MemoryBudgetException(estimate, limitBytes);
    }

    /// <summary>Bytes with a binary unit: "3.90 GiB".</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F1} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KiB"),
    };

    /// <summary>A block of <paramref name="batch"/> samples waits in each mailbox slot, plus the one being handled.</summary>
    static long InFlight(long sampleFloats, int batch) => (Engine.Actor.DefaultMailboxCapacity + 1) * sampleFloats * batch * sizeof(float);

    /// <summary>Floats in each grow-only buffer of <see cref="SoftHebbConv2d"/>, its <see cref="HebbianPlasticity"/> and its
    /// <see cref="Conv2dWorkspace"/> for one batch: BN input, u, activation, pooled output, y, triangled u, columns (or
    /// Winograd input tiles), GEMM scratch (or Winograd output tiles), Winograd weights with their copy.</summary>
    static long[] LayerBuffers(SoftHebbConv2dConfig conv, int c, int h, int w, int batch, bool learning)
    {
        var g = new Conv2dGeometry(batch, c, h, w, conv.KernelSize, conv.KernelSize, 1, conv.Padding, conv.PaddingMode);
        var (k, oh, ow) = conv.OutputShape(c, h, w);
        long n = batch, u = n * k * g.OutPixels;
        long pooled = conv.Pool is null ? 0 : n * k * oh * ow;
        long y = learning ? u : 0, triangled = learning && conv.PreTriangle ? u : 0;
        if (!learning && Conv2d.UsesWinograd(g, k))
        {
            long tiles = n * ((g.OutH + 1) / 2) * ((g.OutW + 1) / 2);
            return [n * c * h * w, u, u, pooled, y, triangled, 16 * tiles * c, 16 * tiles * k, 16L * k * c + (long)k * conv.FanIn];
        }
        long images = Math.Min(n, Math.Max(1, Conv2dWorkspace.DefaultMaxColumnFloats / ((long)g.PatchSize * g.OutPixels)));
        return [n * c * h * w, u, u, pooled, y, triangled, images * g.PatchSize * g.OutPixels, (long)k * images * g.OutPixels, 0];
    }
}
