using System.Runtime.CompilerServices;

namespace Neuromorphic.Engine;

/// <summary>Handed to an actor's handlers: report work with <see cref="Count"/>, send results with
/// <see cref="Emit"/>. Emitted payloads leave when the handler returns, all stamped with the block's end time
/// (start + modeled latency of the counted work), so the order of calls inside a handler does not matter.
/// Payloads emitted from <c>OnBlock</c> are stamped with the step's sequence number, so joins downstream line up
/// without each actor having to copy it.</summary>
public sealed class ActorContext
{
    private readonly Actor actor;
    private readonly List<(int Port, Payload Payload)> outbox = [];
    private WorkCounts work;
    private long? stepSequence;

    internal ActorContext(Actor actor, ActorTrace? trace, CancellationToken cancellationToken)
    {
        this.actor = actor;
        Trace = trace;
        CancellationToken = cancellationToken;
    }

    /// <summary>Modeled time (ns) the current block starts: max(arrival of the joined inputs, actor's FreeAt).</summary>
    public double StartNs { get; private set; }

    /// <summary>The sequence number of the step being processed; null inside a control hook.</summary>
    public long? StepSequence => stepSequence;

    /// <summary>This actor's trace buffers, or null when the run's recorder does not watch it.</summary>
    public ActorTrace? Trace { get; }

    /// <summary>Cancelled when the run stops; long handlers should observe it.</summary>
    public CancellationToken CancellationToken { get; }

    public void Count(in WorkCounts counts) => work += counts;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Emit(int outputPort, DataPayload payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var outputs = actor.Outputs;
        if ((uint)outputPort >= (uint)outputs.Count)
            throw new ArgumentOutOfRangeException(nameof(outputPort),
                $"Actor '{actor.Name}' has {outputs.Count} output ports; port {outputPort} does not exist.");
        if (payload is DenseBlock block && outputs[outputPort].SampleShape is { } declared
            && !block.SampleShape.SequenceEqual(declared))
            throw new ArgumentException(
                $"Actor '{actor.Name}' output port {outputs[outputPort].Describe(outputPort)} declares sample shape " +
                $"{PortSpec.ShapeText(declared)} but was given {PortSpec.ShapeText(block.SampleShape)}.", nameof(payload));
        if (stepSequence is { } sequence && payload.Sequence != sequence) payload = payload with { Sequence = sequence };
        outbox.Add((outputPort, payload));
    }

    internal WorkCounts Work => work;
    internal List<(int Port, Payload Payload)> Outbox => outbox;

    internal void Begin(double startNs, long? sequence = null)
    {
        StartNs = startNs;
        stepSequence = sequence;
        work = default;
        outbox.Clear();
    }

    internal void ForwardControl(ControlKind kind)
    {
        var control = new Control(kind);
        for (int p = 0; p < actor.Outputs.Count; p++) outbox.Add((p, control));
    }
}
