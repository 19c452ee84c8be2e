using System.Collections.Concurrent;

namespace Neuromorphic.Learning.Pipeline;

/// <summary>
/// Gathers the state copies that layer actors take when a Flush marker passes them (a Chandy–Lamport style
/// snapshot: the marker travels in band, so no actor stops for it). The sink sees the marker last and
/// takes the completed set.
/// </summary>
public sealed class SnapshotCollector
{
    readonly ConcurrentDictionary<string, Dictionary<string, float[]>> _parts = new();

    public void Add(string actor, Dictionary<string, float[]> state) => _parts[actor] = state;

    /// <summary>All parts added since the last call, merged; throws if an expected actor is missing.</summary>
    public Dictionary<string, float[]> Take(IReadOnlyCollection<string> expectedActors)
    {
        var merged = new Dictionary<string, float[]>();
        foreach (var actor in expectedActors)
        {
            if (!_parts.TryRemove(actor, out var part))
                throw new InvalidOperationException($"Snapshot is missing the state of actor '{actor}'.");
            foreach (var (k, v) in part) merged[k] = v;
        }
        return merged;
    }
}
