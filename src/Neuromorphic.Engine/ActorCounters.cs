using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace Neuromorphic.Engine;

/// <summary>What one actor did during one run. Written only by the actor's own task, without locks;
/// read it after <see cref="Network.RunAsync"/> has returned (each run gets a fresh instance).
/// Event and byte counts cover data events only: control markers are engine bookkeeping, not traffic.
/// Outputs are counted once per emitted payload, however many edges fan it out.</summary>
public sealed class ActorCounters
{
    public long Blocks { get; internal set; }
    public long EventsIn { get; internal set; }
    public long BytesIn { get; internal set; }
    public long EventsOut { get; internal set; }
    public long BytesOut { get; internal set; }
    /// <summary>The work the actor counted, summed over its blocks. Kept as one <see cref="WorkCounts"/> so a new kind
    /// of count is added there alone and reaches every consumer (cost models, energy reports).</summary>
    public WorkCounts Work { get; private set; }
    /// <summary>Sum of modeled latencies (ns): how long the modeled hardware was busy.</summary>
    public double BusyNs { get; internal set; }
    /// <summary>The actor's modeled clock at the end of the run: when its last block finished.</summary>
    public double FreeAtNs { get; internal set; }
    /// <summary>Wall-clock <see cref="Stopwatch"/> ticks spent inside the actor's handlers.</summary>
    public long HandlerTicks { get; internal set; }
    public TimeSpan HandlerTime => Stopwatch.GetElapsedTime(0, HandlerTicks);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void Add(in WorkCounts w) => Work += w;
}
