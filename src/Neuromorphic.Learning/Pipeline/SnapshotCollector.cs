using System.Collections.Concurrent;

namespace Neuromorphic.Learning.Pipeline;

/// <summary>
/// Gathers the state copies that layer actors take when a Flush marker passes them (a Chandy–Lamport style
/// snapshot: the marker travels in band, so no actor stops for it). The sink sees the marker last and
/// takes the completed set.
/// <para>Several markers may be in flight at once (they are only a few batches apart, and the layers are
/// pipelined): an early layer can pass marker k+1 before the sink has taken snapshot k. So each actor's
/// copies are queued, not kept in one slot per actor; markers travel in order along every edge, so the
/// i-th copy in each actor's queue belongs to the i-th marker the sink sees.</para>
/// </summary>
public sealed class SnapshotCollector
{
    readonly ConcurrentDictionary<string, ConcurrentQueue<Dictionary<string, float[]>>> _parts = new();

    public void Add(string actor, Dictionary<string, float[]> state) =>
        _parts.GetOrAdd(actor, _ => new ConcurrentQueue<Dictionary<string, float[]>>()).Enqueue(state);

    /// <summary>The oldest part of every expected actor, merged; throws if an expected actor has none.</summary>
    public Dictionary<string, float[]> Take(IReadOnlyCollection<string> expectedActors)
    {
        var merged = new Dictionary<string, float[]>();
        foreach (var actor in expectedActors)
        {
            if (!_parts.TryGetValue(actor, out var queue) || !queue.TryDequeue(out var part))
                throw new InvalidOperationException($"Snapshot is missing the state of actor '{actor}'.");
            foreach (var (k, v) in part) merged[k] = v;
        }
        return merged;
    }
}
