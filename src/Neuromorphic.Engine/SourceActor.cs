using System.Runtime.CompilerServices;

namespace Neuromorphic.Engine;

/// <summary>A payload with the modeled time (ns) it enters the network, for replaying recorded streams.</summary>
public readonly record struct TimedPayload(Payload Payload, double TimeNs);

/// <summary>Feeds a stream of payloads (dataset → encoder side) into the graph through its single output port
/// "out". It stamps data payloads with sequence numbers 0, 1, 2, …, forwards control payloads in place,
/// stops at an EndOfStream control or at the end of the stream, and then sends EndOfStream. It reads its
/// stream lazily, one item at a time, and waits while its consumers are full, so a dataset of any size is
/// streamed in bounded memory. Without explicit times, each item's time comes from the cost model
/// (no work, the payload's bytes) like any other actor's output.</summary>
public sealed class SourceActor : Actor
{
    private readonly IAsyncEnumerable<TimedPayload> items;

    public SourceActor(string name, IEnumerable<Payload> items, int[]? sampleShape = null)
        : this(name, Untimed(ToAsync(items)), sampleShape) { }

    public SourceActor(string name, IAsyncEnumerable<Payload> items, int[]? sampleShape = null)
        : this(name, Untimed(items), sampleShape) { }

    /// <summary>A source whose items enter at the given modeled times (which must not decrease; the receiving
    /// ports check it).</summary>
    public SourceActor(string name, IEnumerable<TimedPayload> items, int[]? sampleShape = null)
        : this(name, Timed(ToAsync(items)), sampleShape) { }

    private SourceActor(string name, IAsyncEnumerable<TimedPayload> items, int[]? sampleShape)
        : base(name, [], [new PortSpec("out", sampleShape)])
    {
        this.items = items;
    }

    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx) =>
        throw new InvalidOperationException("A source has no inputs.");

    private protected override async Task ExecuteAsync(CancellationToken ct)
    {
        long sequence = 0;
        await foreach (var item in items.WithCancellation(ct).ConfigureAwait(false))
        {
            ct.ThrowIfCancellationRequested();
            var (payload, timeNs) = item;
            if (payload is Control { Kind: ControlKind.EndOfStream }) break;
            Context.Begin(FreeAtNs);
            if (payload is DataPayload data) Context.Emit(0, data with { Sequence = sequence++ });
            else if (payload is Control control) Context.ForwardControl(control.Kind);
            else throw new InvalidOperationException($"Source '{Name}' cannot send a {payload.GetType().Name}.");
            CloseBlock(FreeAtNs, double.IsNaN(timeNs) ? null : timeNs);
            await FlushAsync(ct).ConfigureAwait(false);
        }
        Context.Begin(FreeAtNs);
        Context.ForwardControl(ControlKind.EndOfStream);
        CloseBlock(FreeAtNs);
        await FlushAsync(ct).ConfigureAwait(false);
    }

    // NaN marks "no explicit time": the cost model decides.
    private static async IAsyncEnumerable<TimedPayload> Untimed(IAsyncEnumerable<Payload> items,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var p in items.WithCancellation(ct).ConfigureAwait(false))
            yield return new TimedPayload(p ?? throw new InvalidOperationException("A source stream yielded null."), double.NaN);
    }

    private static async IAsyncEnumerable<TimedPayload> Timed(IAsyncEnumerable<TimedPayload> items,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var p in items.WithCancellation(ct).ConfigureAwait(false))
        {
            if (!double.IsFinite(p.TimeNs)) throw new InvalidOperationException($"Source item time {p.TimeNs} is not finite.");
            yield return p;
        }
    }

    private static async IAsyncEnumerable<T> ToAsync<T>(IEnumerable<T> items, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(items);
        foreach (var item in items)
        {
            ct.ThrowIfCancellationRequested();
            yield return item;
        }
        await Task.CompletedTask.ConfigureAwait(false);
    }
}

/// <summary>The end of a branch: hands every data event, in order, to a callback (read-out, metrics), and
/// every control to an optional second callback. Callbacks run on the sink's task.</summary>
public sealed class SinkActor : Actor
{
    private readonly Action<Event> onData;
    private readonly Action<ControlKind>? onControl;

    public SinkActor(string name, Action<Event> onData, Action<ControlKind>? onControl = null,
        int[]? sampleShape = null, int mailboxCapacity = DefaultMailboxCapacity)
        : base(name, [new PortSpec("in", sampleShape)], [], mailboxCapacity)
    {
        this.onData = onData ?? throw new ArgumentNullException(nameof(onData));
        this.onControl = onControl;
    }

    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx) => onData(joined[0]);

    protected override void OnControl(ControlKind kind, ActorContext ctx) => onControl?.Invoke(kind);
}
