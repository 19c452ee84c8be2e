using Neuromorphic.Engine;

namespace Neuromorphic.Interop.Nir;

/// <summary>How a NIR graph is run: the time step (NIR neurons are continuous-time; the step is chosen when a graph
/// runs), the number of steps, the integration, and how much of sample 0 to record.</summary>
public sealed record NirRunOptions(double Dt, int Steps)
{
    public NirIntegration Integration { get; init; } = NirIntegration.Exact;
    /// <summary>Nodes whose membranes (sample 0, every step) are kept; null: every node that has one.</summary>
    public IReadOnlySet<string>? RecordMembranes { get; init; }
    /// <summary>The most values membranes and outputs may keep in all; a bigger request is refused before the run.</summary>
    public long MaxRecordedValues { get; init; } = 64L << 20;
    public long Seed { get; init; }
}

/// <summary>What a run produced, per node (by name): spikes per step (all samples), the spike raster of sample 0
/// (step, neuron), the membranes of sample 0 where recorded, and every step's output of the Output nodes.</summary>
public sealed record NirRunResult(
    NirPlan Plan,
    NirRunOptions Options,
    int Batch,
    IReadOnlyDictionary<string, long[]> SpikesPerStep,
    IReadOnlyDictionary<string, IReadOnlyList<(int Step, int Neuron)>> Raster,
    IReadOnlyDictionary<string, float[][]> Membranes,
    IReadOnlyDictionary<string, float[][]> Outputs,
    long SynapticEvents,
    RunReport Engine)
{
    public long TotalSpikes => SpikesPerStep.Values.Sum(s => s.Sum());
}

/// <summary>
/// Runs a <see cref="NirPlan"/> on the engine: one actor per node, exchanging a block per time step (a batch of
/// samples' values), forward edges within the step and recurrent edges carrying the previous step. Linear nodes apply
/// their map event by event (only non-zero inputs touch their fan-out); neuron nodes step their state
/// (<see cref="NirDynamics"/>). The same seed and input give the same result at any thread count: every actor's
/// work depends only on its inputs.
/// </summary>
public static class NirRunner
{
    /// <param name="stimulus">The Input node's values: one array per step, batch × input length, samples one after another.</param>
    public static async Task<NirRunResult> RunAsync(NirPlan plan, NirRunOptions options, int batch, IReadOnlyList<float[]> stimulus,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Dt > 0) || double.IsInfinity(options.Dt)) throw new ArgumentException($"dt must be a positive number of seconds, not {options.Dt}.", nameof(options));
        if (options.Steps < 1) throw new ArgumentException($"steps must be at least 1, not {options.Steps}.", nameof(options));
        if (batch < 1) throw new ArgumentException("batch must be at least 1.", nameof(batch));
        var inputs = plan.Inputs.ToList();
        if (inputs.Count != 1)
            throw new NirFormatException($"{plan.Source}: expected one Input node to drive, found {inputs.Count} ({string.Join(", ", inputs.Select(i => i.Name))}).");
        int inputLength = inputs[0].OutputLength;
        if (stimulus.Count < options.Steps)
            throw new ArgumentException($"the input has {stimulus.Count} steps; the run asks for {options.Steps}.", nameof(stimulus));
        for (int t = 0; t < options.Steps; t++)
            if (stimulus[t].Length != batch * inputLength)
                throw new ArgumentException($"input step {t} has {stimulus[t].Length} values; the Input node '{inputs[0].Name}' takes {inputLength} per sample ({batch} samples).", nameof(stimulus));

        long recorded = plan.Nodes.Where(n => Records(options, n) || n.Node is NirOutput)
            .Sum(n => (long)n.OutputLength * options.Steps * (n.Node is NirOutput ? batch : 1));
        if (recorded > options.MaxRecordedValues)
            throw new ArgumentException($"recording membranes and outputs would keep {recorded:N0} values, more than the cap of {options.MaxRecordedValues:N0}; record fewer nodes or run fewer steps.", nameof(options));

        var ids = Enumerable.Range(0, batch).Select(s => (long)s).ToArray();
        var network = Describe(plan, batch, ids).Build(process => process switch
        {
            InputProcess p => new SourceActor(p.Name,
                stimulus.Take(options.Steps).Select(x => (Payload)new DenseBlock(x, [batch, .. inputs[0].OutputShape], ids))),
            NirNodeProcess p => new NodeActor(p, options, batch, Records(options, p.Node)),
            _ => throw new NotSupportedException($"{process} is not part of a NIR graph."),
        });
        var actors = network.Actors.OfType<NodeActor>().ToArray();
        var report = await network.RunAsync(options.Seed, cancellationToken).ConfigureAwait(false);
        return new NirRunResult(plan, options, batch,
            actors.ToDictionary(a => a.Node.Name, a => a.SpikesPerStep),
            actors.Where(a => a.Dynamics?.Spiking == true).ToDictionary(a => a.Node.Name, a => (IReadOnlyList<(int, int)>)a.Raster),
            actors.Where(a => a.MembraneTrace is not null).ToDictionary(a => a.Node.Name, a => a.MembraneTrace!),
            actors.Where(a => a.Node.Node is NirOutput).ToDictionary(a => a.Node.Name, a => a.OutputTrace!),
            actors.Sum(a => a.SynapticEvents), report);
    }

    /// <summary>The plan as a process graph: the stimulus drives the Input node, each node takes its forward inputs then
    /// its recurrent ones (zeros at step 0), and an output no node consumes is the graph's.</summary>
    static ProcessGraph Describe(NirPlan plan, int batch, long[] ids)
    {
        var graph = new ProcessGraph();
        var stimulus = graph.Add(new InputProcess("stimulus"));
        var nodes = plan.Nodes.Select(n => graph.Add(new NirNodeProcess(n))).ToArray();
        graph.Connect(stimulus, 0, nodes[plan.IndexOf(plan.Inputs.Single().Name)], 0);
        var consumed = new bool[plan.Nodes.Count];
        for (int i = 0; i < plan.Nodes.Count; i++)
        {
            var node = plan.Nodes[i];
            int port = node.Node is NirInput ? 1 : 0;
            foreach (int from in node.Forward) { graph.Connect(nodes[from], 0, nodes[i], port++); consumed[from] = true; }
            foreach (int from in node.Recurrent)
            {
                var zeros = new DenseBlock(new float[batch * plan.Nodes[from].OutputLength], [batch, .. plan.Nodes[from].OutputShape], ids);
                graph.ConnectRecurrent(nodes[from], 0, nodes[i], port++, zeros);
                consumed[from] = true;
            }
        }
        for (int i = 0; i < plan.Nodes.Count; i++)
            if (!consumed[i]) graph.MarkOutput(nodes[i], 0);
        return graph;
    }

    /// <summary>A node of the plan: one input port per incoming edge (the Input node's first is the stimulus), one output.</summary>
    sealed class NirNodeProcess(NirPlanNode node) : ProcessNode(node.Name,
        PortSpec.Numbered("in", Math.Max(1, node.Forward.Length + node.Recurrent.Length)), PortSpec.Numbered("out", 1))
    {
        public NirPlanNode Node => node;
    }

    static bool Records(NirRunOptions options, NirPlanNode node) =>
        node.Node is NirLIF or NirLI or NirIF or NirIntegrator or NirCubaLIF or NirCubaLI
        && (options.RecordMembranes?.Contains(node.Name) ?? true);

    /// <summary>One NIR node as an engine actor: sums its input ports, applies its map or steps its state, emits.</summary>
    sealed class NodeActor : Actor
    {
        private readonly NirLinearMap? map;
        private readonly int batch;
        private readonly float[] summed;
        private readonly List<(int, int)> raster = [];
        private int step;

        public NodeActor(NirNodeProcess process, NirRunOptions options, int batch, bool recordMembrane)
            : base(process.Name, process.Inputs, process.Outputs)
        {
            var node = process.Node;
            Node = node;
            this.batch = batch;
            map = node.IsLinear ? NirLinearMap.For(node.Node, node.InputShape, node.OutputShape) : null;
            try
            {
                Dynamics = map is null ? NirDynamics.For(node.Node, node.OutputLength, batch, options.Dt, options.Integration) : null;
            }
            catch (ArgumentException e)
            {
                throw new NirFormatException($"node '{node.Name}' ({node.Node.Type}): {e.Message}", e);
            }
            if (map is null && Dynamics is null) throw new NirFormatException($"node '{node.Name}': {node.Node.Type} nodes are not run.");
            summed = new float[batch * node.InputLength];
            SpikesPerStep = new long[options.Steps];
            if (recordMembrane) MembraneTrace = new float[options.Steps][];
            if (node.Node is NirOutput) OutputTrace = new float[options.Steps][];
        }

        public NirPlanNode Node { get; }
        public NirDynamics? Dynamics { get; }
        public long[] SpikesPerStep { get; }
        public List<(int, int)> Raster => raster;
        public float[][]? MembraneTrace { get; }
        public float[][]? OutputTrace { get; }
        public long SynapticEvents { get; private set; }

        protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
        {
            Array.Clear(summed);
            foreach (var ev in joined)
            {
                var data = ((DenseBlock)ev.Payload).Data;
                for (int k = 0; k < summed.Length; k++) summed[k] += data[k];
            }
            var output = new float[batch * Node.OutputLength];
            long events = 0, spikes = 0;
            if (map is not null)
                for (int s = 0; s < batch; s++)
                    events += map.Apply(summed.AsSpan(s * map.InLength, map.InLength), output.AsSpan(s * map.OutLength, map.OutLength));
            else
            {
                spikes = Dynamics!.Step(summed, output, batch);
                if (Dynamics.Spiking)
                    for (int n = 0; n < Node.OutputLength; n++)
                        if (output[n] != 0) raster.Add((step, n));
                if (MembraneTrace is not null)
                {
                    var membrane = Dynamics.Membrane;
                    var row = MembraneTrace[step] = new float[membrane.Length];
                    for (int n = 0; n < row.Length; n++) row[n] = (float)membrane[n];
                }
            }
            OutputTrace?[step] = output;
            SpikesPerStep[step] = spikes;
            SynapticEvents += events;
            ctx.Count(new WorkCounts(SynapticAccumulates: events, NeuronUpdates: map is null ? batch * Node.OutputLength : 0, Spikes: spikes));
            ctx.Emit(0, new DenseBlock(output, [batch, .. Node.OutputShape], ((DenseBlock)joined[0].Payload).SampleIds));
            step++;
        }
    }
}
