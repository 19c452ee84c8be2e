using System.Runtime.CompilerServices;

namespace Neuromorphic.Engine;

/// <summary>A payload with the modeled time (ns) it enters the network, for replaying recorded streams.</summary>
public readonly record struct TimedPayload(Payload Payload, double TimeNs);

/// <summary>Feeds a stream of payloads (dataset → encoder side) into the graph through its single output port
/// "out". It stamps data payloads with sequence numbers 0, 1, 2, …, forwards control payloads in place,
/// stops at an EndOfStream control or at the end of the stream, and then sends EndOfStream. It reads its
/// stream lazily, one item at a time, and waits while its consumers are full, so a dataset of any size is
/// streamed in bounded memory. Without explicit times, each item's time comes from the cost model
/// (no work, the payload's bytes) like any other actor's output. A synchronous stream is read directly (no
/// asynchronous iterator per item); the source only awaits when a consumer's lane is full.</summary>
public sealed class SourceActor : Actor
{
    private readonly IEnumerable<TimedPayload>? items;
    private readonly IAsyncEnumerable<TimedPayload>? asyncItems;
    private readonly bool timed; // the items carry their own (finite) times; otherwise their times are NaN
    private long sequence;
    private bool ended;

    public SourceActor(string name, IEnumerable<Payload> items, int[]? sampleShape = null)
        : this(name, Untimed(items ?? throw new ArgumentNullException(nameof(items))), null, false, sampleShape) { }

    public SourceActor(string name, IAsyncEnumerable<Payload> items, int[]? sampleShape = null)
        : this(name, null, Untimed(items ?? throw new ArgumentNullException(nameof(items))), false, sampleShape) { }

    /// <summary>A source whose items enter at the given modeled times (which must not decrease; the receiving
    /// ports check it).</summary>
    public SourceActor(string name, IEnumerable<TimedPayload> items, int[]? sampleShape = null)
        : this(name, items ?? throw new ArgumentNullException(nameof(items)), null, true, sampleShape) { }

    private SourceActor(string name, IEnumerable<TimedPayload>? items, IAsyncEnumerable<TimedPayload>? asyncItems, bool timed,
        int[]? sampleShape)
        : base(name, [], [new PortSpec("out", sampleShape)])
    {
        this.items = items;
        this.asyncItems = asyncItems;
        this.timed = timed;
    }

    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx) =>
        throw new InvalidOperationException("A source has no inputs.");

    private protected override async Task ExecuteAsync(CancellationToken ct)
    {
        sequence = 0;
        ended = false;
        if (items is not null)
        {
            using var e = items.GetEnumerator();
            // Until the stream has ended: a pending post that completes before it is looked at is not the end.
            while (!ended) await Pump(e, ct).ConfigureAwait(false);
        }
        else
        {
            await foreach (var item in asyncItems!.WithCancellation(ct).ConfigureAwait(false))
            {
                ct.ThrowIfCancellationRequested();
                if (!Send(item)) break;
                await FlushAsync(ct).ConfigureAwait(false);
            }
        }
        Context.Begin(FreeAtNs);
        Context.ForwardControl(ControlKind.EndOfStream);
        CloseBlock(FreeAtNs);
        await FlushAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Sends items of a synchronous stream until the stream ends (a completed task) or a consumer's lane is
    /// full (the pending post: await it, then pump again).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ValueTask Pump(IEnumerator<TimedPayload> e, CancellationToken ct)
    {
        while (!ended)
        {
            ct.ThrowIfCancellationRequested();
            if (!e.MoveNext() || !Send(e.Current))
            {
                ended = true;
                break;
            }
            var flush = FlushAsync(ct);
            if (!flush.IsCompletedSuccessfully) return flush;
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>Emits one item as a block of its own; false when the item is EndOfStream (nothing is emitted).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool Send(TimedPayload item)
    {
        var (payload, timeNs) = item;
        if (payload is null) throw new InvalidOperationException("A source stream yielded null.");
        if (timed && !double.IsFinite(timeNs)) throw new InvalidOperationException($"Source item time {timeNs} is not finite.");
        if (payload is Control { Kind: ControlKind.EndOfStream }) return false;
        Context.Begin(FreeAtNs);
        if (payload is DataPayload data)
        {
            // Payloads are immutable, so one that already carries its sequence number goes out as it is.
            Context.Emit(0, data.Sequence == sequence ? data : data with { Sequence = sequence });
            sequence++;
        }
        else if (payload is Control control) Context.ForwardControl(control.Kind);
        else throw new InvalidOperationException($"Source '{Name}' cannot send a {payload.GetType().Name}.");
        CloseBlock(FreeAtNs, timed ? timeNs : null);
        return true;
    }

    // NaN marks "no explicit time": the cost model decides.
    private static IEnumerable<TimedPayload> Untimed(IEnumerable<Payload> items)
    {
        foreach (var p in items) yield return new TimedPayload(p, double.NaN);
    }

    private static async IAsyncEnumerable<TimedPayload> Untimed(IAsyncEnumerable<Payload> items,
        [EnumeratorCancellation] CancellationToken ct = default)
    {
        await foreach (var p in items.WithCancellation(ct).ConfigureAwait(false)) yield return new TimedPayload(p, double.NaN);
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
