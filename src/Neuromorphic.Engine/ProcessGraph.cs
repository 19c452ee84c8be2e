namespace Neuromorphic.Engine;

/// <summary>One node of a network described apart from how it runs, as Lava separates a Process from its
/// ProcessModels: a name and typed ports, no state. A run picks a model for each process (a float block, a spiking
/// layer, a chip's neurons) and <see cref="ProcessGraph.Build"/> turns the description into actors.</summary>
public abstract class ProcessNode
{
    protected ProcessNode(string name, IReadOnlyList<PortSpec> inputs, IReadOnlyList<PortSpec> outputs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Inputs = inputs ?? throw new ArgumentNullException(nameof(inputs));
        Outputs = outputs ?? throw new ArgumentNullException(nameof(outputs));
    }

    /// <summary>The process's one name: its actor's, whichever model runs it.</summary>
    public string Name { get; }
    public IReadOnlyList<PortSpec> Inputs { get; }
    public IReadOnlyList<PortSpec> Outputs { get; }

    public override string ToString() => $"{GetType().Name} '{Name}'";
}

/// <summary>Where a stream enters the network (images, a stimulus, a clock): one output port.</summary>
public sealed class InputProcess(string name, int[]? sampleShape = null) : ProcessNode(name, [], [new PortSpec("out", sampleShape)]);

/// <summary>Where a stream leaves the network (predictions, features): one input port.</summary>
public sealed class OutputProcess(string name, int[]? sampleShape = null) : ProcessNode(name, [new PortSpec("in", sampleShape)], []);

/// <summary>A network as a graph of processes joined from output ports to input ports, built once and run by any
/// model of its processes. <see cref="Build"/> is the one place an engine graph is assembled: every run, float
/// blocks or a chip's cores, describes its network here and hands the description to it.</summary>
public sealed class ProcessGraph
{
    // An edge; Initial is set on a recurrent edge (what step 0 sees), null on a forward one.
    private sealed record Edge(ProcessNode From, int OutputPort, ProcessNode To, int InputPort, DataPayload? Initial);

    private readonly List<ProcessNode> processes = [];
    private readonly HashSet<ProcessNode> added = []; // the same processes, for membership checks per edge
    private readonly List<Edge> edges = [];
    private readonly List<(ProcessNode, int)> outputs = [];

    /// <summary>The processes in the order added; the descriptions here add them upstream first.</summary>
    public IReadOnlyList<ProcessNode> Processes => processes;

    public T Add<T>(T process) where T : ProcessNode
    {
        ArgumentNullException.ThrowIfNull(process);
        if (!added.Add(process)) throw new ArgumentException($"{process} was already added.", nameof(process));
        processes.Add(process);
        return process;
    }

    /// <summary>A forward edge (see <see cref="Network.Connect"/>).</summary>
    public void Connect(ProcessNode from, int outputPort, ProcessNode to, int inputPort) => AddEdge(from, outputPort, to, inputPort, null);

    /// <summary>A recurrent edge with a delay of one step (see <see cref="Network.ConnectRecurrent"/>).</summary>
    public void ConnectRecurrent(ProcessNode from, int outputPort, ProcessNode to, int inputPort, DataPayload initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        AddEdge(from, outputPort, to, inputPort, initial);
    }

    /// <summary>An output port that intentionally has no consumer (see <see cref="Network.MarkOutput"/>).</summary>
    public void MarkOutput(ProcessNode process, int outputPort)
    {
        CheckPort(process, outputPort, process.Outputs.Count, "output");
        outputs.Add((process, outputPort));
    }

    private void AddEdge(ProcessNode from, int outputPort, ProcessNode to, int inputPort, DataPayload? initial)
    {
        CheckPort(from, outputPort, from.Outputs.Count, "output");
        CheckPort(to, inputPort, to.Inputs.Count, "input");
        edges.Add(new Edge(from, outputPort, to, inputPort, initial));
    }

    private void CheckPort(ProcessNode process, int port, int count, string kind)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (!added.Contains(process)) throw new InvalidOperationException($"{process} is not part of this graph; Add it first.");
        if ((uint)port >= (uint)count)
            throw new ArgumentOutOfRangeException(nameof(port), $"{process} has {count} {kind} ports; {kind} port {port} does not exist.");
    }

    /// <summary>The engine graph of this description: each process run by the actor <paramref name="model"/> gives it,
    /// which must keep its name and its ports (their number, and their shapes where both declare one); the network
    /// validates itself when it runs. A model may return null for a process that the actor of the process feeding it
    /// runs as well (a float block pools inside its layer): the process has one input, fed by a forward edge from a
    /// process with one output port that feeds nothing else, and that actor takes the process's outputs as its own
    /// (its name and inputs stay the first process's). Processes must then be added upstream first.</summary>
    public Network Build(Func<ProcessNode, Actor?> model, ICostModel? costModel = null, TraceRecorder? trace = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var network = new Network(costModel, trace);
        var actors = new Dictionary<ProcessNode, Actor>(processes.Count);
        var runs = new Dictionary<Actor, (ProcessNode First, ProcessNode Last)>(processes.Count); // the processes an actor runs
        foreach (var process in processes)
        {
            if (model(process) is { } actor)
            {
                actors[process] = network.Add(actor);
                runs[actor] = (process, process);
                continue;
            }
            var feeder = Feeder(process);
            if (!actors.TryGetValue(feeder, out var upstream))
                throw new InvalidOperationException($"No model was given for {process}, and {feeder}, which would run it, is added after it.");
            actors[process] = upstream;
            runs[upstream] = (runs[upstream].First, process);
        }
        foreach (var (actor, (first, last)) in runs) CheckModel(first, last, actor);
        foreach (var e in edges)
        {
            if (actors[e.From] == actors[e.To] && e.Initial is null) continue; // inside one actor
            if (e.Initial is null) network.Connect(actors[e.From], e.OutputPort, actors[e.To], e.InputPort);
            else network.ConnectRecurrent(actors[e.From], e.OutputPort, actors[e.To], e.InputPort, e.Initial);
        }
        foreach (var (process, port) in outputs) network.MarkOutput(actors[process], port);
        return network;
    }

    // The process whose actor runs `process` too, where its model gave none: its one feeder, which feeds nothing else.
    private ProcessNode Feeder(ProcessNode process)
    {
        string Fail(string why) => $"No model was given for {process}, and no other actor can run it: {why}.";
        var into = edges.Where(e => e.To == process).ToList();
        if (process.Inputs.Count != 1 || into.Count != 1 || into[0].Initial is not null)
            throw new InvalidOperationException(Fail("only a process with one input, fed by one forward edge, runs in its feeder's actor"));
        var feeder = into[0].From;
        if (feeder.Outputs.Count != 1 || edges.Count(e => e.From == feeder) != 1 || outputs.Any(o => o.Item1 == feeder))
            throw new InvalidOperationException(Fail($"{feeder} has other consumers, which its actor could no longer feed"));
        return feeder;
    }

    // An actor against what it runs: the name and inputs of its first process, the outputs of its last.
    private static void CheckModel(ProcessNode first, ProcessNode last, Actor actor)
    {
        string Fail(string what) => $"The model of {first}{(last == first ? "" : $" (and {last})")} ({actor}) {what}.";
        if (actor.Name != first.Name) throw new InvalidOperationException(Fail($"is named '{actor.Name}'"));
        CheckPorts(first.Inputs, actor.Inputs, "input");
        CheckPorts(last.Outputs, actor.Outputs, "output");

        void CheckPorts(IReadOnlyList<PortSpec> described, IReadOnlyList<PortSpec> modelled, string kind)
        {
            if (described.Count != modelled.Count)
                throw new InvalidOperationException(Fail($"has {modelled.Count} {kind} ports, not {described.Count}"));
            for (int p = 0; p < described.Count; p++)
                if (described[p].SampleShape is { } want && modelled[p].SampleShape is { } has && !want.AsSpan().SequenceEqual(has))
                    throw new InvalidOperationException(Fail($"takes {PortSpec.ShapeText(has)} on {kind} port {described[p].Describe(p)}, not {PortSpec.ShapeText(want)}"));
        }
    }
}
