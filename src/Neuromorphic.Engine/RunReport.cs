namespace Neuromorphic.Engine;

/// <summary>The outcome of one run: per-actor counters, the modeled makespan, and wall-clock figures.</summary>
public sealed class RunReport
{
    internal RunReport(long seed, IReadOnlyDictionary<string, ActorCounters> actors, TimeSpan wallTime)
    {
        Seed = seed;
        Actors = actors;
        WallTime = wallTime;
        MakespanNs = actors.Values.Select(c => c.FreeAtNs).DefaultIfEmpty(0).Max();
        HandlerTime = TimeSpan.FromTicks(actors.Values.Sum(c => c.HandlerTime.Ticks));
        BusiestHandlerTime = actors.Values.Select(c => c.HandlerTime).DefaultIfEmpty(TimeSpan.Zero).Max();
        EngineOverheadFraction = wallTime <= TimeSpan.Zero
            ? 0
            : Math.Clamp((wallTime - BusiestHandlerTime) / wallTime, 0, 1);
    }

    public long Seed { get; }
    public IReadOnlyDictionary<string, ActorCounters> Actors { get; }
    /// <summary>Modeled time (ns) at which the last actor finished its last block.</summary>
    public double MakespanNs { get; }
    public TimeSpan WallTime { get; }
    /// <summary>Wall time spent inside handlers, summed over actors (may exceed WallTime: actors run in parallel).</summary>
    public TimeSpan HandlerTime { get; }
    /// <summary>Handler time of the actor that spent the most time in handlers.</summary>
    public TimeSpan BusiestHandlerTime { get; }
    /// <summary>(WallTime − BusiestHandlerTime) / WallTime. A perfectly pipelined run takes as long as its busiest
    /// actor's handlers, so what is left is engine cost: channel hops, joins, task wake-ups, pipeline fill and
    /// drain. Idle time of the other actors is not counted, since they run in parallel with the busiest one.</summary>
    public double EngineOverheadFraction { get; }

    public ActorCounters this[string actorName] => Actors[actorName];
}
