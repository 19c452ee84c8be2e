using System.Threading.Channels;

namespace Neuromorphic.Learning;

/// <summary>
/// Stores rows into a <see cref="FeatureCache"/> on a task of its own: the network's last layer hands its output
/// over and goes on with the next batch, instead of converting to half precision (and, for a memory-mapped cache,
/// taking the page faults) on the pipeline's critical path. The rows handed over must not change afterwards.
/// </summary>
public sealed class FeatureCacheWriter
{
    readonly FeatureCache _cache;
    readonly Channel<(int FirstRow, float[] Rows)> _queue = Channel.CreateUnbounded<(int, float[])>(new UnboundedChannelOptions { SingleReader = true });
    readonly Task _writing;

    public FeatureCacheWriter(FeatureCache cache)
    {
        _cache = cache ?? throw new ArgumentNullException(nameof(cache));
        _writing = Task.Run(WriteAllAsync);
    }

    /// <summary>Queues rows [firstRow, firstRow + rows.Length / FeatureLength) for storing.</summary>
    public void Post(int firstRow, float[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (!_queue.Writer.TryWrite((firstRow, rows)))
            throw new InvalidOperationException("The feature cache writer was already completed or has failed.", _writing.Exception?.InnerException);
    }

    /// <summary>Waits until every queued row is stored; rethrows the first error of a store.</summary>
    public Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        return _writing;
    }

    async Task WriteAllAsync()
    {
        try
        {
            await foreach (var (firstRow, rows) in _queue.Reader.ReadAllAsync().ConfigureAwait(false))
                _cache.SetRows(firstRow, rows);
        }
        catch (Exception e)
        {
            _queue.Writer.TryComplete(e);
            throw;
        }
    }
}
