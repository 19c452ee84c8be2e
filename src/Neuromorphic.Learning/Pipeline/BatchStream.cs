using Neuromorphic.Datasets;
using Neuromorphic.Engine;
using Neuromorphic.Tensors;

namespace Neuromorphic.Learning.Pipeline;

/// <summary>
/// The dataset → encoder end of the pipeline: a dataset split as a stream of image batches (DenseBlocks whose
/// sample ids are dataset indices), in a given order, converted from bytes to floats one batch at a time,
/// augmented as the preset says, with a Flush marker after every <c>flushEvery</c> batches for checkpoints.
/// Augmentation draws from a generator seeded by (seed, batch index), so a resumed stream is identical.
/// </summary>
public static class BatchStream
{
    public static IEnumerable<Payload> Create(IImageSource source, int[] order, int batchSize, int startBatch = 0,
        AugmentationSpec? augmentation = null, int seed = 0, int flushEvery = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(order);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        int batches = BatchCount(order.Length, batchSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(startBatch, batches);
        return Iterate(source, order, batchSize, startBatch, augmentation, seed, flushEvery, batches);
    }

    public static int BatchCount(int items, int batchSize) => (items + batchSize - 1) / batchSize;

    static IEnumerable<Payload> Iterate(IImageSource source, int[] order, int batchSize, int startBatch,
        AugmentationSpec? augmentation, int seed, int flushEvery, int batches)
    {
        var shape = source.Shape;
        bool augment = augmentation is not null && augmentation.Kind != AugmentationKind.None;
        for (int b = startBatch; b < batches; b++)
        {
            int first = b * batchSize, n = Math.Min(batchSize, order.Length - first);
            var indices = order.AsSpan(first, n);
            var data = new float[n * shape.PixelsPerImage];
            source.CopyBatch(indices, data);
            int[] dims = [n, shape.Channels, shape.Height, shape.Width];
            if (augment)
            {
                var raw = new Tensor(data, dims);
                var augmented = new Tensor(dims);
                Augmentation.Apply(augmentation!, raw, augmented, new Random(Seeds.Derive(seed, "augment", b)));
                data = augmented.Data;
            }
            var ids = new long[n];
            for (int i = 0; i < n; i++) ids[i] = indices[i];
            yield return new DenseBlock(data, dims, ids);
            if (flushEvery > 0 && (b + 1) % flushEvery == 0 && b + 1 < batches)
                yield return new Control(ControlKind.Flush);
        }
    }

    /// <summary>The stream until <paramref name="stop"/> is cancelled, then a Flush (unless one was just sent) and the end:
    /// a stopped pass ends with a consistent snapshot of where it stopped. A stream that ran to its end is left whole.</summary>
    public static IEnumerable<Payload> StopWhen(IEnumerable<Payload> items, CancellationToken stop)
    {
        bool flushed = false;
        foreach (var item in items)
        {
            if (stop.IsCancellationRequested)
            {
                if (!flushed) yield return new Control(ControlKind.Flush);
                yield break;
            }
            yield return item;
            flushed = item is Control { Kind: ControlKind.Flush };
        }
    }

    public static async IAsyncEnumerable<Payload> ToAsync(IEnumerable<Payload> items)
    {
        foreach (var item in items) yield return item;
        await Task.CompletedTask;
    }

    /// <summary>Yields a data payload only after taking <paramref name="gate"/>; whoever consumes the batch releases it.</summary>
    public static async IAsyncEnumerable<Payload> Throttle(IEnumerable<Payload> items, SemaphoreSlim gate,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        foreach (var item in items)
        {
            if (item is DataPayload) await gate.WaitAsync(ct).ConfigureAwait(false);
            yield return item;
        }
    }

    /// <summary>0..count-1 shuffled by a generator seeded from (seed, purpose, epoch); identity when not shuffled.</summary>
    public static int[] Order(int count, bool shuffle, int seed, string purpose, int epoch)
    {
        var order = new int[count];
        for (int i = 0; i < count; i++) order[i] = i;
        if (shuffle) new Random(Seeds.Derive(seed, purpose, epoch)).Shuffle(order);
        return order;
    }
}

/// <summary>Independent, reproducible seeds for each use of randomness in a run.</summary>
public static class Seeds
{
    public static int Derive(int seed, string purpose, long index) => Actor.DeriveSeed(seed * 1_000_003L + index, purpose);
}
