using System.Diagnostics;

namespace Neuromorphic.Engine;

/// <summary>A graph of actors joined by edges from output ports to input ports, and the runner that starts
/// every actor as its own task. Build it (Add, Connect, ConnectRecurrent, MarkOutput), then RunAsync.</summary>
public sealed class Network
{
    internal sealed record Edge(Actor From, int OutputPort, Actor To, int InputPort, DataPayload? Initial)
    {
        public bool IsRecurrent => Initial is not null;
        public override string ToString() =>
            $"'{From.Name}' port {From.Outputs[OutputPort].Describe(OutputPort)} -> '{To.Name}' port {To.Inputs[InputPort].Describe(InputPort)}";
    }

    private readonly List<Actor> actors = [];
    private readonly HashSet<Actor> added = []; // the same actors, for membership checks that stay O(1) on a chip's thousands of cores
    private readonly List<Edge> edges = [];
    private readonly HashSet<(Actor, int)> networkOutputs = [];
    private readonly ICostModel costModel;
    private readonly TraceRecorder? trace;
    private int running;

    public Network(ICostModel? costModel = null, TraceRecorder? trace = null)
    {
        this.costModel = costModel ?? new DefaultCostModel();
        this.trace = trace;
    }

    public IReadOnlyList<Actor> Actors => actors;

    public T Add<T>(T actor) where T : Actor
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!added.Add(actor)) throw new ArgumentException($"{actor} was already added.", nameof(actor));
        actors.Add(actor);
        return actor;
    }

    /// <summary>A forward edge: events go from <paramref name="from"/>'s output port to <paramref name="to"/>'s
    /// input port in order, with back-pressure. Forward edges must not form a cycle.</summary>
    public void Connect(Actor from, int outputPort, Actor to, int inputPort) =>
        AddEdge(from, outputPort, to, inputPort, initial: null);

    /// <summary>A recurrent (lateral or feedback) edge with a delay of one step: the output of step t arrives as
    /// the input of step t+1, and <paramref name="initial"/> is what step 0 sees. Because of the delay, the join for
    /// step t never waits on the actor's own output of step t, so cycles through recurrent edges cannot deadlock.
    /// The edge may go back to an earlier actor or to <paramref name="from"/> itself.</summary>
    public void ConnectRecurrent(Actor from, int outputPort, Actor to, int inputPort, DataPayload initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        AddEdge(from, outputPort, to, inputPort, initial);
    }

    /// <summary>Declares an output port that intentionally has no consumer; what it emits is dropped.</summary>
    public void MarkOutput(Actor actor, int outputPort)
    {
        RequireAdded(actor);
        CheckPort(actor, outputPort, actor.Outputs.Count, "output");
        networkOutputs.Add((actor, outputPort));
    }

    private void AddEdge(Actor from, int outputPort, Actor to, int inputPort, DataPayload? initial)
    {
        RequireAdded(from);
        RequireAdded(to);
        CheckPort(from, outputPort, from.Outputs.Count, "output");
        CheckPort(to, inputPort, to.Inputs.Count, "input");
        edges.Add(new Edge(from, outputPort, to, inputPort, initial));
    }

    private void RequireAdded(Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!added.Contains(actor)) throw new InvalidOperationException($"{actor} is not part of this network; Add it first.");
    }

    private static void CheckPort(Actor actor, int port, int count, string kind)
    {
        if ((uint)port >= (uint)count)
            throw new ArgumentOutOfRangeException(nameof(port), $"Actor '{actor.Name}' has {count} {kind} ports; {kind} port {port} does not exist.");
    }

    /// <summary>Throws <see cref="GraphValidationException"/> listing every structural error, each naming
    /// the actor and port concerned.</summary>
    public void Validate() => Validate(EdgesByPort());

    private void Validate((Edge[][][] Into, Edge[][][] OutOf) ports)
    {
        var errors = new List<string>();
        var (into, outOf) = ports;
        foreach (var group in actors.GroupBy(a => a.Name).Where(g => g.Count() > 1))
            errors.Add($"Duplicate actor name '{group.Key}' ({group.Count()} actors).");

        for (int a = 0; a < actors.Count; a++)
        {
            var actor = actors[a];
            bool hasForwardInput = false;
            for (int p = 0; p < actor.Inputs.Count; p++)
            {
                var incoming = into[a][p];
                if (incoming.Length == 0)
                    errors.Add($"Actor '{actor.Name}' input port {actor.Inputs[p].Describe(p)} is not connected.");
                else if (incoming.Length > 1)
                    errors.Add($"Actor '{actor.Name}' input port {actor.Inputs[p].Describe(p)} has {incoming.Length} incoming edges; an input port takes exactly one.");
                hasForwardInput |= incoming.Any(e => !e.IsRecurrent);
            }
            if (actor is not SourceActor && !hasForwardInput)
                errors.Add($"Actor '{actor.Name}' has no forward input, so it would never receive EndOfStream; only a SourceActor may start a stream.");
            for (int p = 0; p < actor.Outputs.Count; p++)
                if (outOf[a][p].Length == 0 && !networkOutputs.Contains((actor, p)))
                    errors.Add($"Actor '{actor.Name}' output port {actor.Outputs[p].Describe(p)} is not connected and not marked as a network output.");
        }

        foreach (var edge in edges)
        {
            var produced = edge.From.Outputs[edge.OutputPort].SampleShape;
            var expected = edge.To.Inputs[edge.InputPort].SampleShape;
            if (produced is not null && expected is not null && !produced.AsSpan().SequenceEqual(expected))
                errors.Add($"Shape mismatch on edge {edge}: output sample shape {PortSpec.ShapeText(produced)}, input expects {PortSpec.ShapeText(expected)}.");
        }

        var cycle = FindForwardCycle();
        if (cycle.Count > 0)
            errors.Add($"Forward edges form a cycle through {string.Join(" -> ", cycle.Select(a => $"'{a.Name}'"))}; " +
                "make one of its edges recurrent (ConnectRecurrent) so it carries the previous step.");

        if (errors.Count > 0) throw new GraphValidationException(errors);
    }

    // Edges by the port they enter and the port they leave, each port's in the order they were added: one pass, where a
    // search per port would cost edges × ports (seconds on a chip of a thousand cores).
    // Indexed [actor in Actors' order][port].
    private (Edge[][][] Into, Edge[][][] OutOf) EdgesByPort()
    {
        var index = new Dictionary<Actor, int>(actors.Count, ReferenceEqualityComparer.Instance);
        for (int a = 0; a < actors.Count; a++) index[actors[a]] = a;
        var into = actors.Select(a => new List<Edge>?[a.Inputs.Count]).ToArray();
        var outOf = actors.Select(a => new List<Edge>?[a.Outputs.Count]).ToArray();
        foreach (var e in edges)
        {
            (into[index[e.To]][e.InputPort] ??= []).Add(e);
            (outOf[index[e.From]][e.OutputPort] ??= []).Add(e);
        }
        static Edge[][][] Arrays(List<Edge>?[][] byPort) => byPort.Select(ports => ports.Select(l => l is null ? [] : l.ToArray()).ToArray()).ToArray();
        return (Arrays(into), Arrays(outOf));
    }

    // Kahn's algorithm over forward edges; whatever is never freed lies on or behind a cycle.
    private List<Actor> FindForwardCycle()
    {
        var indegree = actors.ToDictionary(a => a, _ => 0);
        var forwardFrom = edges.Where(e => !e.IsRecurrent).ToLookup(e => e.From);
        foreach (var e in edges.Where(e => !e.IsRecurrent)) indegree[e.To]++;
        var ready = new Queue<Actor>(actors.Where(a => indegree[a] == 0));
        while (ready.Count > 0)
        {
            var a = ready.Dequeue();
            foreach (var e in forwardFrom[a])
                if (--indegree[e.To] == 0) ready.Enqueue(e.To);
        }
        return actors.Where(a => indegree[a] > 0).ToList();
    }

    /// <summary>Validates the graph, runs every actor as its own task until all streams have ended, and reports.
    /// Throws <see cref="ActorFailedException"/> if an actor fails (all others are stopped), or
    /// <see cref="OperationCanceledException"/> if <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task<RunReport> RunAsync(long seed, CancellationToken cancellationToken = default)
    {
        var ports = EdgesByPort();
        Validate(ports);
        if (Interlocked.Exchange(ref running, 1) == 1) throw new InvalidOperationException("This network is already running.");
        try
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var run = new RunState(stop, costModel, trace);
            for (int a = 0; a < actors.Count; a++)
                actors[a].Prepare(run, seed, ports.OutOf[a], ports.Into[a].Select(e => e.FirstOrDefault()).ToArray());

            long started = Stopwatch.GetTimestamp();
            var tasks = actors.Select(a => Task.Run(a.RunGuardedAsync, CancellationToken.None)).ToArray();
            await Task.WhenAll(tasks).ConfigureAwait(false); // RunGuardedAsync never throws; failures land in run
            var wall = Stopwatch.GetElapsedTime(started);

            if (run.Failure is { } failure) throw failure;
            cancellationToken.ThrowIfCancellationRequested();
            return new RunReport(seed, actors.ToDictionary(a => a.Name, a => a.Counters), wall);
        }
        finally
        {
            Volatile.Write(ref running, 0);
        }
    }
}

/// <summary>What every actor of one run shares: the stop signal, the first failure, the cost model and the traces.</summary>
internal sealed class RunState
{
    private readonly CancellationTokenSource stop;
    private ActorFailedException? failure;

    public RunState(CancellationTokenSource stop, ICostModel costModel, TraceRecorder? trace)
    {
        this.stop = stop;
        Token = stop.Token;
        CostModel = costModel;
        Trace = trace;
    }

    public CancellationToken Token { get; }
    public ICostModel CostModel { get; }
    public TraceRecorder? Trace { get; }
    public ActorFailedException? Failure => Volatile.Read(ref failure);

    /// <summary>Keeps the first failure and stops every actor: their channel waits are all cancellable.</summary>
    public void Fail(ActorFailedException error)
    {
        if (Interlocked.CompareExchange(ref failure, error, null) is null) stop.Cancel();
    }
}
