namespace Neuromorphic.Engine;

public readonly record struct SpikeRecord(long Sequence, double TimeNs, int Neuron);

public readonly record struct ActivationRecord(long Sequence, long SampleId, int Neuron, float Value);

/// <summary>What to record for one actor: which neurons (null = all), which sequences and which modeled-time
/// window (spikes only; activations have no time of their own), and how many records to keep per kind.</summary>
public sealed record TraceSelection(
    string ActorName,
    int[]? Neurons = null,
    long FromSequence = long.MinValue,
    long ToSequence = long.MaxValue,
    double FromTimeNs = double.NegativeInfinity,
    double ToTimeNs = double.PositiveInfinity,
    int Capacity = 4096);

/// <summary>Collects traces for the actors it watches. Call <see cref="Watch"/> before the run, pass the recorder
/// to the <see cref="Network"/>, and read the buffers after the run.</summary>
public sealed class TraceRecorder
{
    private readonly Dictionary<string, ActorTrace> traces = [];

    public ActorTrace Watch(TraceSelection selection)
    {
        ArgumentNullException.ThrowIfNull(selection);
        var trace = new ActorTrace(selection);
        traces.Add(selection.ActorName, trace);
        return trace;
    }

    /// <summary>The trace of an actor, or null when it is not watched.</summary>
    public ActorTrace? For(string actorName) => traces.GetValueOrDefault(actorName);

    public IReadOnlyCollection<ActorTrace> All => traces.Values;
}

/// <summary>One actor's trace: two bounded ring buffers (the oldest records are dropped and counted).
/// Only the owning actor writes, from its own task; read after the run.</summary>
public sealed class ActorTrace
{
    private readonly HashSet<int>? neurons;
    private readonly RingBuffer<SpikeRecord> spikes;
    private readonly RingBuffer<ActivationRecord> activations;

    internal ActorTrace(TraceSelection selection)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(selection.Capacity, 1);
        Selection = selection;
        neurons = selection.Neurons is null ? null : [.. selection.Neurons];
        spikes = new RingBuffer<SpikeRecord>(selection.Capacity);
        activations = new RingBuffer<ActivationRecord>(selection.Capacity);
    }

    public TraceSelection Selection { get; }
    public IReadOnlyList<SpikeRecord> Spikes => spikes.ToArray();
    public IReadOnlyList<ActivationRecord> Activations => activations.ToArray();
    public long DroppedSpikes => spikes.Dropped;
    public long DroppedActivations => activations.Dropped;

    /// <summary>Whether records for this neuron in this sequence would be kept; lets an actor skip work.</summary>
    public bool Watches(long sequence, int neuron) =>
        sequence >= Selection.FromSequence && sequence <= Selection.ToSequence && (neurons is null || neurons.Contains(neuron));

    public void RecordSpike(long sequence, double timeNs, int neuron)
    {
        if (Watches(sequence, neuron) && timeNs >= Selection.FromTimeNs && timeNs <= Selection.ToTimeNs)
            spikes.Add(new SpikeRecord(sequence, timeNs, neuron));
    }

    public void RecordActivation(long sequence, long sampleId, int neuron, float value)
    {
        if (Watches(sequence, neuron)) activations.Add(new ActivationRecord(sequence, sampleId, neuron, value));
    }
}

/// <summary>Fixed-capacity buffer that overwrites its oldest entry when full.</summary>
internal sealed class RingBuffer<T>(int capacity)
{
    private readonly T[] items = new T[capacity];
    private int next;
    private int count;

    public long Dropped { get; private set; }

    public void Add(T item)
    {
        items[next] = item;
        next = (next + 1) % items.Length;
        if (count < items.Length) count++;
        else Dropped++;
    }

    /// <summary>Oldest first.</summary>
    public T[] ToArray()
    {
        var result = new T[count];
        int start = (next - count + items.Length) % items.Length;
        for (int i = 0; i < count; i++) result[i] = items[(start + i) % items.Length];
        return result;
    }
}
