using Neuromorphic.Engine;

[assembly: CollectionBehavior(DisableTestParallelization = true)] // timing assertions need the cores to themselves

namespace Neuromorphic.Engine.Tests;

internal static class Wait
{
    /// <summary>Polls (blocking, so it also works inside a handler) until the condition holds or
    /// <paramref name="max"/> passes. Used instead of fixed sleeps: on a loaded two-core machine a blocked
    /// handler can starve the thread pool for about half a second before it injects another thread.</summary>
    public static bool Until(Func<bool> condition, TimeSpan max)
    {
        var deadline = DateTime.UtcNow + max;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) return false;
            Thread.Sleep(10);
        }
        return true;
    }
}

internal static class Blocks
{
    public static DenseBlock Of(params float[] values) => new(values, [1, values.Length], [0]);

    /// <summary>Block k holds k, k+1, …, k+width-1 (sample id k).</summary>
    public static IEnumerable<Payload> Counting(int count, int width = 4)
    {
        for (int k = 0; k < count; k++)
        {
            var data = new float[width];
            for (int i = 0; i < width; i++) data[i] = k + i;
            yield return new DenseBlock(data, [1, width], [k]);
        }
    }

    public static float[] Values(Event ev) => ((DenseBlock)ev.Payload).Data;
}

/// <summary>Applies f to every value; <c>beforeBlock</c> lets a test sleep, block, count or throw.</summary>
internal sealed class MapActor(
    string name,
    Func<float, float> f,
    Action<long, ActorContext>? beforeBlock = null,
    WorkCounts workPerBlock = default,
    int capacity = Actor.DefaultMailboxCapacity,
    int[]? inputShape = null,
    int[]? outputShape = null)
    : Actor(name, [new PortSpec("in", inputShape)], [new PortSpec("out", outputShape)], capacity)
{
    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        var block = (DenseBlock)joined[0].Payload;
        beforeBlock?.Invoke(block.Sequence, ctx);
        var result = new float[block.Data.Length];
        for (int i = 0; i < result.Length; i++) result[i] = f(block.Data[i]);
        ctx.Count(workPerBlock);
        ctx.Emit(0, new DenseBlock(result, block.Shape, block.SampleIds));
    }
}

/// <summary>Element-wise sum of all its inputs, times a factor.</summary>
internal sealed class SumActor(string name, int inputs, float factor = 1, int outputs = 1)
    : Actor(name, inputs, outputs)
{
    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        var first = (DenseBlock)joined[0].Payload;
        var sum = new float[first.Data.Length];
        foreach (var ev in joined)
        {
            var data = ((DenseBlock)ev.Payload).Data;
            for (int i = 0; i < sum.Length; i++) sum[i] += data[i];
        }
        for (int i = 0; i < sum.Length; i++) sum[i] *= factor;
        for (int p = 0; p < Outputs.Count; p++) ctx.Emit(p, new DenseBlock(sum, first.Shape, first.SampleIds));
    }
}

/// <summary>Stateful and random: acc += x * u with u drawn from the actor's own stream while plasticity is on.
/// Records what it saw of the control protocol.</summary>
internal sealed class NoisyAccumulator(string name) : Actor(name, 1, 1)
{
    private float[]? acc;
    public List<(long Sequence, bool Plastic)> Seen { get; } = [];
    public List<ControlKind> Controls { get; } = [];

    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        var block = (DenseBlock)joined[0].Payload;
        acc ??= new float[block.Data.Length];
        Seen.Add((block.Sequence, PlasticityEnabled));
        if (PlasticityEnabled)
            for (int i = 0; i < acc.Length; i++) acc[i] += block.Data[i] * Random.NextSingle();
        ctx.Count(new WorkCounts(WeightUpdates: PlasticityEnabled ? acc.Length : 0));
        ctx.Emit(0, new DenseBlock((float[])acc.Clone(), block.Shape, block.SampleIds));
    }

    protected override void OnControl(ControlKind kind, ActorContext ctx) => Controls.Add(kind);
}

/// <summary>Forwards spikes one-to-one, counting a synaptic accumulate per spike and tracing them.</summary>
internal sealed class SpikeRelay(string name) : Actor(name, 1, 1)
{
    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        var packet = (SpikePacket)joined[0].Payload;
        foreach (int n in packet.Active) ctx.Trace?.RecordSpike(packet.Sequence, ctx.StartNs, n);
        ctx.Count(new WorkCounts(SynapticAccumulates: packet.Count, Spikes: packet.Count, NeuronUpdates: 8));
        ctx.Emit(0, new SpikePacket(packet.TimeStep, packet.Active.ToArray(), packet.Count));
    }
}

/// <summary>Every block of an actor costs a fixed latency looked up by the actor's name.</summary>
internal sealed class FixedLatencyCostModel(Dictionary<string, double> latencyNs) : ICostModel
{
    public double LatencyNs(string actorName, in WorkCounts work, long bytesOut) => latencyNs.GetValueOrDefault(actorName);
}

internal sealed class Collector
{
    private readonly List<Event> events = [];
    public List<ControlKind> Controls { get; } = [];
    public IReadOnlyList<Event> Events => events;
    public SinkActor Sink(string name = "sink", int capacity = Actor.DefaultMailboxCapacity) =>
        new(name, events.Add, Controls.Add, mailboxCapacity: capacity);
}
