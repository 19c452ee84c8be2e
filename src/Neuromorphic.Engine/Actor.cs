using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Neuromorphic.Engine;

/// <summary>A neuron group with its synapses, or any other stage of the network, running as its own task.
/// It reads events from its mailbox, joins its input ports by sequence number, runs <see cref="OnBlock"/> for
/// each complete step, advances its own modeled clock and sends the results downstream. There is no global
/// clock and no barrier: an actor waits only for its own inputs and for room in its consumers' mailboxes.
/// <para>The per-event path (read, join, fire, close, post) runs synchronously as long as nothing has to wait, and its
/// methods are compiled fully optimised on first use (<see cref="MethodImplOptions.AggressiveOptimization"/>) rather
/// than left to tiered compilation: on a single-processor machine the runtime delays tier-up tenfold (1 s quiet
/// windows), which left the engine's per-step work unoptimised for the first seconds of a run.</para></summary>
public abstract class Actor
{
    public const int DefaultMailboxCapacity = 4;

    // Per-run state, set by Prepare before the actor's task starts and touched only by that task afterwards.
    private RunState? run;
    private Mailbox? mailbox;
    private ActorContext? context;
    private Network.Edge[][] outgoing = [];
    private bool[] recurrent = [];
    private EventQueue[] pending = [];
    // Forward ports with nothing pending, and the first forward port: an actor with thousands of inputs (a chip's mesh)
    // would otherwise scan its ports after every arrival to learn that one is still waiting.
    private int emptyForward, firstForward;
    private double[] lastArrivalNs = [];
    private Event[] joined = [];
    private Event? current;
    private bool finished;
    private bool drained; // Pump stopped because the mailbox was empty, not for a pending post
    private int flushItem, flushEdge; // where a flush that had to wait for a consumer's lane resumes

    protected Actor(string name, IReadOnlyList<PortSpec> inputs, IReadOnlyList<PortSpec> outputs,
        int mailboxCapacity = DefaultMailboxCapacity)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(mailboxCapacity, 1);
        Name = name;
        Inputs = inputs.ToArray();
        Outputs = outputs.ToArray();
        MailboxCapacity = mailboxCapacity;
    }

    /// <summary>An actor with numbered ports ("in0", "in1", …; "out" when there is only one) and no declared shapes.</summary>
    protected Actor(string name, int inputPorts, int outputPorts, int mailboxCapacity = DefaultMailboxCapacity)
        : this(name, PortSpec.Numbered("in", inputPorts), PortSpec.Numbered("out", outputPorts), mailboxCapacity)
    {
    }

    public string Name { get; }
    public IReadOnlyList<PortSpec> Inputs { get; }
    public IReadOnlyList<PortSpec> Outputs { get; }
    /// <summary>How many events each forward input port may hold before its writers wait.</summary>
    public int MailboxCapacity { get; }

    /// <summary>The actor's modeled clock: the time (ns) its hardware finishes the last block it started.</summary>
    public double FreeAtNs { get; private set; }

    /// <summary>Counters of the current (or last) run.</summary>
    public ActorCounters Counters { get; private set; } = new();

    /// <summary>This actor's own random stream, seeded from (run seed, actor name) by <see cref="DeriveSeed"/>.</summary>
    protected Random Random { get; private set; } = new(0);

    /// <summary>Whether learning is on; switched by PlasticityOn/PlasticityOff control events. On at the start of a run.</summary>
    protected bool PlasticityEnabled { get; private set; } = true;

    /// <summary>Processes one step: <paramref name="joined"/>[p] is the event of input port p, all with the same
    /// join key. For a recurrent port that is the port's previous-step event (see <see cref="Network.ConnectRecurrent"/>).</summary>
    protected abstract void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx);

    /// <summary>Called when a control event has arrived on every forward input port, before it is forwarded
    /// to every output port. Outputs emitted here (a flush of internal state, say) go out ahead of the control.</summary>
    protected virtual void OnControl(ControlKind kind, ActorContext ctx)
    {
    }

    /// <summary>A 32-bit seed that depends only on the run seed and the actor's name. It uses FNV-1a over the
    /// name's UTF-16 code units and a SplitMix64 finaliser, never <c>string.GetHashCode</c>, which .NET
    /// randomises per process.</summary>
    public static int DeriveSeed(long runSeed, string actorName)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in actorName)
        {
            h ^= c;
            h *= 1099511628211UL;
        }
        ulong z = h ^ (ulong)runSeed;
        z += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z ^ (z >> 32));
    }

    internal void Prepare(RunState run, long seed, Network.Edge[][] outgoingByPort, Network.Edge?[] incomingByPort)
    {
        this.run = run;
        outgoing = outgoingByPort;
        recurrent = incomingByPort.Select(e => e is { IsRecurrent: true }).ToArray();
        pending = Inputs.Select(_ => new EventQueue()).ToArray();
        emptyForward = recurrent.Count(r => !r);
        firstForward = Array.IndexOf(recurrent, false);
        lastArrivalNs = new double[Inputs.Count];
        joined = new Event[Inputs.Count];
        mailbox = new Mailbox(MailboxCapacity, recurrent);
        context = new ActorContext(this, run.Trace?.For(Name), run.Token);
        Counters = new ActorCounters();
        Random = new Random(DeriveSeed(seed, Name));
        PlasticityEnabled = true;
        FreeAtNs = 0;
        current = null;
        finished = false;
        flushItem = flushEdge = 0;

        // A recurrent port starts with the edge's initial payload, standing in for step -1's output.
        for (int p = 0; p < Inputs.Count; p++)
            if (incomingByPort[p] is { Initial: { } initial } edge)
                pending[p].Enqueue(new Event(edge.From.Name, p, 0, initial with { Sequence = -1 }));
    }

    internal ValueTask PostAsync(Event ev, CancellationToken ct) => mailbox!.PostAsync(ev, ct);

    /// <summary>Runs the actor until its inputs end, recording any failure on the run (which stops the others).</summary>
    internal async Task RunGuardedAsync()
    {
        var state = run!;
        try
        {
            await ExecuteAsync(state.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (state.Token.IsCancellationRequested)
        {
            // Stopped because the run was cancelled or another actor failed.
        }
        catch (Exception ex)
        {
            state.Fail(new ActorFailedException(Name, current, ex));
        }
        Counters.FreeAtNs = FreeAtNs;
    }

    private protected virtual async Task ExecuteAsync(CancellationToken ct)
    {
        var reader = mailbox!.Reader;
        while (true)
        {
            // Why Pump stopped is its `drained` flag, not whether the task it returned has completed by now: a pending
            // post can complete in between, and reading that as "the mailbox is empty" left steps unfired.
            await Pump(reader, ct).ConfigureAwait(false);
            if (finished) return;
            if (drained && !await reader.WaitToReadAsync(ct).ConfigureAwait(false)) return;
        }
    }

    /// <summary>Fires every step the mailbox already allows and posts its results, without waiting. Returns a completed
    /// task when the mailbox is empty (<see cref="drained"/>) or the actor has finished, or the pending post when a
    /// consumer's lane is full: await it, then pump again.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private ValueTask Pump(ChannelReader<Event> reader, CancellationToken ct)
    {
        drained = false;
        while (true)
        {
            while (TryFire())
            {
                var flush = FlushAsync(ct);
                if (!flush.IsCompletedSuccessfully || finished) return flush;
            }
            if (!reader.TryRead(out var ev))
            {
                drained = true;
                return ValueTask.CompletedTask;
            }
            current = ev;
            Accept(ev);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Accept(Event ev)
    {
        int p = ev.TargetPort;
        if (!(ev.TimeNs >= lastArrivalNs[p])) // also rejects NaN
            throw new InvalidOperationException(
                $"Actor '{Name}' input port {Inputs[p].Describe(p)}: {ev} is earlier than the previous event on " +
                $"that port (t={lastArrivalNs[p]:R} ns); events on one port must arrive in time order.");
        lastArrivalNs[p] = ev.TimeNs;
        if (ev.Payload is DataPayload data)
        {
            Counters.EventsIn++;
            Counters.BytesIn += data.SizeInBytes();
        }
        else if (recurrent[p])
        {
            return; // controls travel on forward edges; the copy coming round a cycle is dropped
        }
        if (!recurrent[p] && pending[p].Count == 0) emptyForward--;
        pending[p].Enqueue(ev);
    }

    /// <summary>Fires one step if every port has its next event: a control present on all forward ports, or data
    /// with one join key on every port. Returns false when some port is still waiting.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool TryFire()
    {
        if (emptyForward > 0 || firstForward < 0) return false;
        int lead = firstForward;

        if (pending[lead].Peek().Payload is Control control)
        {
            double arrival = 0;
            for (int p = 0; p < pending.Length; p++)
            {
                if (recurrent[p]) continue;
                var head = pending[p].Peek();
                if (head.Payload is not Control { } c || c.Kind != control.Kind) throw Misaligned(lead, p);
                arrival = Math.Max(arrival, head.TimeNs);
            }
            for (int p = 0; p < pending.Length; p++)
                if (!recurrent[p]) Consume(p);
            HandleControl(control.Kind, arrival);
            return true;
        }

        long key = JoinKey(lead, pending[lead].Peek());
        for (int p = 0; p < pending.Length; p++)
        {
            if (pending[p].Count == 0) return false; // a recurrent port still waiting for its feedback
            var head = pending[p].Peek();
            if (head.Payload is not DataPayload || JoinKey(p, head) != key) throw Misaligned(lead, p);
        }
        double joinedArrival = 0;
        for (int p = 0; p < pending.Length; p++)
        {
            joined[p] = Consume(p);
            joinedArrival = Math.Max(joinedArrival, joined[p].TimeNs);
        }
        RunBlock(joinedArrival, key);
        return true;
    }

    // The event for step k on a recurrent port is the upstream's output of step k - 1.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long JoinKey(int port, in Event ev) => ((DataPayload)ev.Payload).Sequence + (recurrent[port] ? 1 : 0);

    private Event Consume(int port)
    {
        var ev = pending[port].Dequeue();
        if (!recurrent[port] && pending[port].Count == 0) emptyForward++;
        mailbox!.ReturnCredit(port);
        return ev;
    }

    private InvalidOperationException Misaligned(int a, int b) => new(
        $"Actor '{Name}': input streams are misaligned: port {Inputs[a].Describe(a)} has {pending[a].Peek()} but port " +
        $"{Inputs[b].Describe(b)} has {pending[b].Peek()}. Every input must carry the same sequence numbers and controls in the same order.");

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RunBlock(double arrivalNs, long sequence)
    {
        double start = Math.Max(arrivalNs, FreeAtNs);
        var ctx = context!;
        ctx.Begin(start, sequence);
        long t0 = Stopwatch.GetTimestamp();
        OnBlock(joined, ctx);
        Counters.HandlerTicks += Stopwatch.GetTimestamp() - t0;
        Counters.Blocks++;
        CloseBlock(start);
    }

    private void HandleControl(ControlKind kind, double arrivalNs)
    {
        if (kind == ControlKind.PlasticityOn) PlasticityEnabled = true;
        if (kind == ControlKind.PlasticityOff) PlasticityEnabled = false;
        double start = Math.Max(arrivalNs, FreeAtNs);
        var ctx = context!;
        ctx.Begin(start);
        long t0 = Stopwatch.GetTimestamp();
        OnControl(kind, ctx);
        Counters.HandlerTicks += Stopwatch.GetTimestamp() - t0;
        ctx.ForwardControl(kind);
        CloseBlock(start);
        if (kind == ControlKind.EndOfStream) finished = true;
    }

    /// <summary>Ends a block that started at <paramref name="startNs"/>: its latency comes from the cost model
    /// (zero when it did no work and sent no data), and the actor's clock moves to the end of the block.
    /// <paramref name="fixedTimeNs"/> replaces the computed end time (sources replaying recorded timestamps).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected void CloseBlock(double startNs, double? fixedTimeNs = null)
    {
        var ctx = context!;
        long bytesOut = 0;
        foreach (var (_, payload) in ctx.Outbox)
        {
            if (payload is not DataPayload data) continue;
            bytesOut += data.SizeInBytes();
            Counters.EventsOut++;
        }
        var work = ctx.Work;
        double latency = work.IsNone && bytesOut == 0 ? 0 : run!.CostModel.LatencyNs(Name, work, bytesOut);
        if (!(latency >= 0) || double.IsInfinity(latency))
            throw new InvalidOperationException($"Cost model returned latency {latency} ns for actor '{Name}'; it must be finite and not negative.");
        Counters.Add(work);
        Counters.BytesOut += bytesOut;
        Counters.BusyNs += latency;
        FreeAtNs = fixedTimeNs ?? startNs + latency;
    }

    /// <summary>Sends everything the last block emitted, stamped with the actor's clock, to every edge of its port, in
    /// order. Waits (cancellably) while a consumer's lane is full: that is the back-pressure. Completes synchronously
    /// when every lane has room; otherwise the rest is sent once the full lane has taken its event.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private protected ValueTask FlushAsync(CancellationToken ct)
    {
        var outbox = context!.Outbox;
        for (; flushItem < outbox.Count; flushItem++, flushEdge = 0)
        {
            var (port, payload) = outbox[flushItem];
            var edges = outgoing[port];
            while (flushEdge < edges.Length)
            {
                var edge = edges[flushEdge++];
                var post = edge.To.PostAsync(new Event(Name, edge.InputPort, FreeAtNs, payload), ct);
                if (!post.IsCompletedSuccessfully) return ResumeFlushAsync(post, ct);
            }
        }
        outbox.Clear();
        flushItem = 0;
        return ValueTask.CompletedTask;
    }

    private async ValueTask ResumeFlushAsync(ValueTask post, CancellationToken ct)
    {
        await post.ConfigureAwait(false);
        await FlushAsync(ct).ConfigureAwait(false);
    }

    private protected ActorContext Context => context!;

    public override string ToString() => $"{GetType().Name} '{Name}'";
}
