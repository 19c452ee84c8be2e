namespace Neuromorphic.Engine;

/// <summary>A message between actors, stamped with the modeled hardware time (ns) at which it leaves its source.</summary>
/// <param name="Source">Name of the emitting actor.</param>
/// <param name="TargetPort">Input port of the receiving actor.</param>
/// <param name="TimeNs">Modeled time in nanoseconds (not wall-clock time).</param>
public readonly record struct Event(string Source, int TargetPort, double TimeNs, Payload Payload)
{
    /// <summary>The data sequence number, or null for a control event.</summary>
    public long? Sequence => (Payload as DataPayload)?.Sequence;

    public override string ToString()
    {
        string what = Payload switch
        {
            DataPayload d => $"{d.GetType().Name} sequence {d.Sequence}",
            Control c => $"control {c.Kind}",
            _ => Payload.GetType().Name,
        };
        return $"{what} from '{Source}' on port {TargetPort} at t={TimeNs:R} ns";
    }
}
