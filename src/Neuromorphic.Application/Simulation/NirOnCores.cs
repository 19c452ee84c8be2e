using Neuromorphic.Hardware.Cores;
using Neuromorphic.Interop.Nir;

namespace Neuromorphic.Application.Simulation;

/// <summary>
/// A NIR graph written as a network of a chip's own neurons, placed on its cores, so the core-by-core simulation runs it
/// as the chip would:
/// <list type="bullet">
/// <item>the Input node: one input neuron per element, replaying the run's spike train; values other than 0 and 1 are
/// sent as graded spikes on a chip whose spikes carry a value (Loihi 2), scaled so the largest is 4096, and refused
/// on a binary one;</item>
/// <item>a non-spiking node (LI, I, CubaLI) that feeds other neurons: on a chip whose spikes carry a value (Loihi 2) its
/// neurons send their potential each step (graded, rounded, never reset); a binary chip refuses it;</item>
/// <item>each neuron node (IF, LIF, LI, I, CubaLIF, CubaLI, Threshold): one LIF compartment per neuron, with the node's
/// per-step decay at the chosen dt (<see cref="NirDynamics.Coefficients"/>) as the leak, the input gain folded into its
/// synapses and v_leak into its bias; current-based nodes use the compartment's input current with the node's synaptic
/// decay, scaled so the steady state equals the graph's; non-spiking nodes never fire and their potentials are
/// recorded;</item>
/// <item>an input's constant part (an Affine's bias): one input neuron that fires every step sends it through synapses
/// like any input's, so it starts at the node's offset and, in a current-based node, builds up in its current as in
/// the graph (a compartment's bias acts on the membrane from the chip's first step);</item>
/// <item>linear nodes between them (Affine, Linear, Scale, Conv, pooling, Flatten, summed fan-in) composed into
/// synapses, one per (pre, post) pair.</item>
/// </list>
/// Potentials are scaled per neuron so its threshold is 4096 (the chip's 1/64 resolution then costs nothing). A chip
/// delivers a spike to the next neurons one step later, so a node k neuron layers from the input runs k steps behind
/// the graph run, current-based layers (CubaLIF, CubaLI) excepted, whose current lags its input a step in the graph run
/// too; <see cref="Population.Depth"/> gives the steps for comparisons. A synapse whose input the graph run holds back
/// more than that rule gives (a Delay node, a recurrent edge, a skip past layers) waits the difference in the chip's
/// synaptic delay, so every node keeps one offset; feedback from a deeper node, which arrives later on the chip than
/// that, is said in <see cref="Notes"/>.
/// </summary>
public sealed class NirOnCores
{
    private const double Unit = 4096;
    private const double Never = 1e30;

    private NirOnCores(SpikingNetworkSpec network, IReadOnlyList<Population> populations, double? weightError, IReadOnlyList<string> notes)
    {
        Network = network;
        Populations = populations;
        WeightError = weightError;
        Notes = notes;
    }

    /// <summary>Edges the chip cannot time as the graph run does: feedback from a node deeper in the chip's pipeline
    /// reaches its target later than the target's offset allows.</summary>
    public IReadOnlyList<string> Notes { get; }

    public SpikingNetworkSpec Network { get; }
    /// <summary>On a chip with typed axons (TrueNorth), the largest relative RMS change that forcing each neuron's weights to
    /// its per-axon-type values made to one node's synapses; null elsewhere.</summary>
    public double? WeightError { get; }
    /// <summary>The neuron nodes, in the network's group order: node, first global neuron, scale of each potential.</summary>
    public IReadOnlyList<Population> Populations { get; }

    /// <param name="Depth">Steps the chip's spikes run behind the graph run's (see <see cref="Lag"/>).</param>
    /// <param name="Input">The graph's Input node: its spikes are the stimulus, the same in both runs.</param>
    public sealed record Population(string Node, int First, int Count, double[] Scale, bool Spiking, int Depth, bool Input = false);

    /// <param name="axonTypes">The chip's typed axons (a chip file's <c>core_limits.axon_types</c>: TrueNorth), or null.</param>
    public static NirOnCores Build(NirPlan plan, ChipArchitecture arch, double dt, NirIntegration integration, IReadOnlyList<float[]> stimulus, int steps,
        Hardware.AxonTypeWeights? axonTypes = null)
    {
        var b = new ChipNetworkBuilder(arch, "the NIR graph", traceSpikes: true);
        var nodes = plan.Nodes;
        var group = new int[nodes.Count];
        Array.Fill(group, -1);
        var populations = new List<Population>();
        var depth = new int[nodes.Count];
        int splitterStep = arch.SplitterStepForAll ? 1 : 0;
        var incoming = new Incoming?[nodes.Count];
        // Non-spiking neuron nodes that feed other neurons: a chip whose spikes carry a value (Loihi 2) sends theirs each
        // step, in units of the sender's potential scale; a binary chip cannot.
        var gradedSenders = new HashSet<int>();
        var inputs = new Incoming?[nodes.Count]; // what flows into each neuron node
        for (int n = 0; n < nodes.Count; n++)
            if (IsNeuron(nodes[n]))
                foreach (int source in (inputs[n] = Gather(plan, n, incoming, dt)).Columns.Keys)
                    if (nodes[source].Node is not NirInput && !Spikes(nodes[source]))
                    {
                        if (arch.GradedPayloadBits == 0)
                            throw new UserErrorException($"node '{nodes[source].Name}' ({nodes[source].Node.Type}) sends graded values to '{nodes[n].Name}'; " +
                                $"{arch.Name}'s neurons send binary spikes, so only spiking nodes may feed others there (a chip with graded spikes, Loihi 2, takes it).");
                        gradedSenders.Add(source);
                    }
        var scales = new double[]?[nodes.Count];
        var synapses = new List<(int Node, Incoming Input, double[] Gain)>();
        for (int n = 0; n < nodes.Count; n++)
        {
            var node = nodes[n];
            depth[n] = node.Forward.Length == 0 ? 0 : node.Forward.Max(f => depth[f]) + Lag(node, splitterStep);
            if (node.Node is NirInput)
            {
                var (trains, valueScale, values) = InputNeurons(node, stimulus, steps, arch);
                if (values) gradedSenders.Add(n);
                group[n] = b.AddGroup(node.Name, node.OutputLength, i => trains[i]);
                populations.Add(new Population(node.Name, b.First(group[n]), node.OutputLength, scales[n] = Enumerable.Repeat(valueScale, node.OutputLength).ToArray(),
                    !values, 0, Input: true));
                continue;
            }
            if (!IsNeuron(node)) continue;
            var input = inputs[n]!;
            bool sendsValues = gradedSenders.Contains(n);
            // An input of values arrives in units of its largest magnitude; a spike, or a value in its sender's potential
            // units, is worth about 1.
            var (attributes, scale, gain) = Neuron(node, input, dt, integration, sendsValues,
                source => nodes[source].Node is NirInput && gradedSenders.Contains(source) ? Unit / scales[source]![0] : 1);
            scales[n] = scale;
            if (sendsValues) // sends its potential, rounded, every step it is not zero; never resets
                foreach (var a in attributes)
                    foreach (var (key, value) in ChipNetworkBuilder.Attributes(("graded", "true"), ("threshold", -Never), ("reset_mode", "none")))
                        a[key] = value;
            group[n] = b.AddGroup(node.Name, node.OutputLength, i => attributes[i], logPotential: !Spikes(node));
            populations.Add(new Population(node.Name, b.First(group[n]), node.OutputLength, scale, Spikes(node), depth[n]));
            synapses.Add((n, input, gain));
        }
        // An input's constant part (an Affine's bias) acts from the graph's step 0, in a current-based node through its
        // current; a compartment's bias acts on the membrane from the chip's first step, before the node's offset. So one
        // input neuron that fires every step sends it, through synapses like any input's, delayed like one.
        int biasGroup = -1;
        if (synapses.Any(x => x.Input.Bias.Count > 0))
        {
            string name = "bias";
            for (int k = 1; nodes.Any(x => x.Name == name); k++) name = $"bias_{k}";
            var always = Enumerable.Repeat(true, steps).ToArray();
            biasGroup = b.AddGroup(name, 1, _ => ChipNetworkBuilder.Attributes(("spikes", always)));
        }
        // Synapses once every group exists: a feedback edge may come from a node built after its target. A delay the chip
        // cannot give is clamped, and the run says by how much that input is late or early against the graph.
        int maxDelay = arch.MaxSynapticDelay - splitterStep; // the splitters' step takes one
        var late = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var early = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int Fit(int delay, string edge)
        {
            if (delay < 0) late[edge] = Math.Max(late.GetValueOrDefault(edge), -delay);
            if (delay > maxDelay) early[edge] = Math.Max(early.GetValueOrDefault(edge), delay - maxDelay);
            return Math.Clamp(delay, 0, maxDelay);
        }
        foreach (var (n, input, gain) in synapses)
            foreach (var (source, columns) in input.Columns)
                for (int i = 0; i < columns.Length; i++)
                    if (columns[i] is { } column)
                        for (int e = 0; e < column.Rows.Length; e++)
                        {
                            int post = column.Rows[e];
                            double w = column.Weights[e] * gain[post] * scales[n]![post];
                            if (gradedSenders.Contains(source)) w /= scales[source]![i]; // a value arrives in its sender's potential units
                            if (w == 0) continue;
                            int delay = SynapticDelay(nodes[n], depth[n], depth[source], column.Lag(e), splitterStep);
                            b.Connections.Add(b.First(group[source]) + i, b.First(group[n]) + post, w, 0,
                                Fit(delay, $"the edge from '{nodes[source].Name}' into '{nodes[n].Name}'"));
                        }
        foreach (var (n, input, gain) in synapses)
            foreach (var (lag, values) in input.Bias)
                for (int i = 0; i < values.Length; i++)
                    if (values[i] != 0) // the bias neuron is an input at offset 0; a bias held back a step starts a step later
                        b.Connections.Add(b.First(biasGroup), b.First(group[n]) + i, values[i] * gain[i] * scales[n]![i], 0,
                            Fit(SynapticDelay(nodes[n], depth[n], 0, lag, splitterStep), $"the bias into '{nodes[n].Name}'"));
        string Steps(int k) => k == 1 ? "1 step" : $"{k} steps";
        var notes = late.Select(x => $"{x.Key} reaches it up to {Steps(x.Value)} later on the chip than in the graph run: the chip's path to " +
                $"it (a step per neuron layer{(splitterStep > 0 ? ", and a splitter's" : "")}) is longer than the graph's, and no synaptic delay shortens it")
            .Concat(early.Select(x => $"{x.Key} arrives up to {Steps(x.Value)} early on the chip: keeping the graph's timing needs a longer synaptic " +
                $"delay than {arch.Name}'s synapses hold ({maxDelay}{(splitterStep > 0 ? " beside the splitters' step" : "")}, core_limits.max_delay)"))
            .ToList();
        double? weightError = axonTypes is null ? null : b.ForceAxonTypeWeights(axonTypes);
        return new NirOnCores(b.Build(Path.GetFileNameWithoutExtension(plan.Source), plan.Source), populations, weightError, notes);
    }

    /// <summary>The chip's synaptic delay for an input that the graph run holds back <paramref name="lag"/> steps (recurrent
    /// edges and Delay nodes on its path) from a source at chip offset <paramref name="sourceDepth"/> into a neuron node at
    /// <paramref name="depth"/>: the chip adds <see cref="Lag"/> to the source's offset, and the delay makes up the rest
    /// (0 for a plain forward edge from the deepest source). Negative for feedback from deeper in the pipeline.</summary>
    static int SynapticDelay(NirPlanNode node, int depth, int sourceDepth, int lag, int splitterStep) =>
        lag + depth - sourceDepth - Lag(node, splitterStep);

    // Steps the chip adds to a node's spikes against the graph run's: a spike reaches the next neurons a step later. A
    // current-based node's current already takes its input a step late in the graph run (stepped by Euler, its membrane
    // moves with the current of the step before), and the chip's compartment takes the delivered spike into its current
    // and membrane in one step: no step is added. (Stepped exactly, the graph's membrane moves within the step and the
    // chip's compartment only approximates it; its spikes then match in count, not step.) An input the graph run holds
    // back further (a recurrent edge, a Delay node, a skip past layers) waits on the chip: SynapticDelay. On a chip whose
    // spikes all pass a splitter's step (ChipArchitecture.SplitterStepForAll: TrueNorth), every neuron layer adds one more.
    static int Lag(NirPlanNode node, int splitterStep) => !IsNeuron(node) ? 0 : (node.Node is NirCubaLIF or NirCubaLI ? 0 : 1) + splitterStep;

    static bool IsNeuron(NirPlanNode node) => node.Node is NirLIF or NirIF or NirLI or NirIntegrator or NirCubaLIF or NirCubaLI or NirThreshold;
    static bool Spikes(NirPlanNode node) => node.Node is NirLIF or NirIF or NirCubaLIF or NirThreshold or NirInput;

    /// <summary>The Input node's neurons: each replays its element's spike train; or, when the stimulus holds other values
    /// than 0 and 1 and the chip's spikes carry a value (Loihi 2), sends each step's value as a graded spike, scaled so the
    /// largest magnitude is 4096 (returned; the receiving synapses divide by it). A binary chip refuses values.</summary>
    static (Dictionary<string, AttributeValue>[] Attributes, double Scale, bool Values) InputNeurons(NirPlanNode input, IReadOnlyList<float[]> stimulus, int steps,
        ChipArchitecture arch)
    {
        int length = input.OutputLength;
        double largest = 0;
        (int Step, int Element, float Value)? graded = null;
        for (int t = 0; t < steps; t++)
            for (int i = 0; i < length; i++)
            {
                float x = stimulus[t][i];
                largest = Math.Max(largest, Math.Abs(x));
                if (graded is null && x is not (0 or 1)) graded = (t, i, x);
            }
        if (graded is { } g && arch.GradedPayloadBits == 0)
            throw new UserErrorException($"input step {g.Step}, element {g.Element} is {g.Value}: {arch.Name}'s input neurons send spikes (0 or 1), " +
                "not values (a chip with graded spikes, Loihi 2, takes them).");
        double scale = graded is null ? 1 : Unit / largest;
        var attributes = new Dictionary<string, AttributeValue>[length];
        for (int i = 0; i < length; i++)
        {
            if (graded is null)
            {
                var train = new bool[steps];
                for (int t = 0; t < steps; t++) train[t] = stimulus[t][i] == 1;
                attributes[i] = ChipNetworkBuilder.Attributes(("spikes", train));
            }
            else
            {
                var values = new double[steps];
                for (int t = 0; t < steps; t++) values[t] = stimulus[t][i] * scale;
                attributes[i] = ChipNetworkBuilder.Attributes(("values", values));
            }
        }
        return (attributes, scale, graded is not null);
    }

    /// <summary>What flows into node <paramref name="n"/> in one step, from each spiking source node through the linear
    /// nodes between: per source element, the targets and weights, and the constant part (biases) by the steps the graph
    /// run holds it back (a recurrent edge carries zeros at step 0, so a bias behind it starts a step late).</summary>
    sealed record Incoming(Dictionary<int, Column?[]> Columns, SortedDictionary<int, double[]> Bias)
    {
        /// <summary>Element <paramref name="i"/>'s bias once every lag has passed.</summary>
        public double TotalBias(int i) => Bias.Values.Sum(b => b[i]);

        public static void AddBias(SortedDictionary<int, double[]> into, int lag, int i, double value, int length)
        {
            if (value == 0) return;
            if (!into.TryGetValue(lag, out var b)) into[lag] = b = new double[length];
            b[i] += value;
        }
    }

    /// <summary>A source element's targets and weights; <see cref="Lags"/> (null: all 0) holds how many steps the graph
    /// run holds each back on the way (recurrent edges, Delay nodes).</summary>
    sealed record Column(int[] Rows, double[] Weights, int[]? Lags = null)
    {
        public int Lag(int e) => Lags is null ? 0 : Lags[e];

        public Column Later(int steps) => steps == 0 ? this : this with { Lags = Rows.Select((_, e) => Lag(e) + steps).ToArray() };
    }

    static Incoming Gather(NirPlan plan, int n, Incoming?[] memo, double dt)
    {
        var node = plan.Nodes[n];
        var columns = new Dictionary<int, Column?[]>();
        var bias = new SortedDictionary<int, double[]>();
        // A recurrent edge carries the step before's output in the graph run.
        foreach (var (from, lag) in node.Forward.Select(f => (f, 0)).Concat(node.Recurrent.Select(r => (r, 1))))
        {
            var source = plan.Nodes[from];
            if (IsNeuron(source) || source.Node is NirInput)
            {
                var identity = columns.TryGetValue(from, out var have) ? have : columns[from] = new Column?[source.OutputLength];
                for (int i = 0; i < source.OutputLength; i++) identity[i] = Add(identity[i], new Column([i], [1.0]).Later(lag));
                continue;
            }
            var through = memo[from] ??= Apply(plan, from, memo, dt);
            foreach (var (held, values) in through.Bias)
                for (int k = 0; k < values.Length; k++) Incoming.AddBias(bias, held + lag, k, values[k], node.InputLength);
            foreach (var (s, cols) in through.Columns)
            {
                var target = columns.TryGetValue(s, out var have) ? have : columns[s] = new Column?[cols.Length];
                for (int i = 0; i < cols.Length; i++)
                    if (cols[i] is { } col) target[i] = Add(target[i], col.Later(lag));
            }
        }
        return new Incoming(columns, bias);
    }

    // A linear node (or a Delay node) applied to what flows into it. A cycle made only of linear nodes has no neuron to break it.
    static Incoming Apply(NirPlan plan, int n, Incoming?[] memo, double dt)
    {
        var node = plan.Nodes[n];
        if (!node.IsLinear && node.Node is not NirDelay) throw new UserErrorException($"node '{node.Name}' ({node.Node.Type}) cannot be placed on a chip.");
        if (node.Recurrent.Any(r => !IsNeuron(plan.Nodes[r])))
            throw new UserErrorException($"node '{node.Name}': a cycle of linear nodes only, with no neuron in it, cannot run on a chip.");
        var input = Gather(plan, n, memo, dt);
        if (node.Node is NirDelay delayNode) return Delayed(node, delayNode, input, dt);
        var map = NirLinearMap.For(node.Node, node.InputShape, node.OutputShape);
        // The node's own bias comes at once; what reaches it comes as held back as it arrives.
        int length = node.OutputLength;
        var bias = new SortedDictionary<int, double[]>();
        for (int k = 0; k < map.Bias.Length; k++) Incoming.AddBias(bias, 0, k, map.Bias[k], length);
        foreach (var (lag, values) in input.Bias)
        {
            Action<int, double> addBias = (row, w) => Incoming.AddBias(bias, lag, row, w, length);
            for (int i = 0; i < values.Length; i++)
                if (values[i] != 0) Spread(map, i, values[i], addBias);
        }
        var result = new Dictionary<int, Column?[]>();
        var dense = new double[node.OutputLength];
        var seen = new bool[node.OutputLength];
        var touched = new List<int>();
        Action<int, double> touch = (row, w) => Touch(dense, seen, touched, row, w);
        foreach (var (source, cols) in input.Columns)
        {
            var mapped = new Column?[cols.Length];
            for (int i = 0; i < cols.Length; i++)
            {
                if (cols[i] is not { } col) continue;
                // Entries held back by different steps stay apart: each lag is mapped on its own.
                foreach (int lag in col.Lags is null ? [0] : col.Lags.Distinct().Order().ToArray())
                {
                    for (int e = 0; e < col.Rows.Length; e++)
                        if (col.Lag(e) == lag) Spread(map, col.Rows[e], col.Weights[e], touch);
                    touched.Sort();
                    mapped[i] = Add(mapped[i], new Column(touched.ToArray(), touched.Select(t => dense[t]).ToArray()).Later(lag));
                    foreach (int t in touched) (dense[t], seen[t]) = (0, false);
                    touched.Clear();
                }
            }
            result[source] = mapped;
        }
        return new Incoming(result, bias);
    }

    /// <summary>A Delay node: each element passes on, held back its delay rounded to whole steps of <paramref name="dt"/>
    /// (as the graph run rounds it).</summary>
    static Incoming Delayed(NirPlanNode node, NirDelay delay, Incoming input, double dt)
    {
        int[] steps;
        try { steps = NirDynamics.DelaySteps(delay, node.OutputLength, dt); }
        catch (ArgumentException e) { throw new UserErrorException($"node '{node.Name}' (Delay): {e.Message}", e); }
        var result = new Dictionary<int, Column?[]>();
        foreach (var (source, cols) in input.Columns)
            result[source] = Array.ConvertAll(cols, col => col is null ? null
                : col with { Lags = col.Rows.Select((row, e) => col.Lag(e) + steps[row]).ToArray() });
        var bias = new SortedDictionary<int, double[]>();
        foreach (var (lag, values) in input.Bias)
            for (int i = 0; i < values.Length; i++) Incoming.AddBias(bias, lag + steps[i], i, values[i], values.Length);
        return new Incoming(result, bias);
    }

    // Where weight w on the map's input element `row` goes: the same row through an identity, else the map's column.
    static void Spread(NirLinearMap map, int row, double w, Action<int, double> add)
    {
        if (map.IsIdentity) { add(row, w); return; }
        var (rows, weights) = map.Column(row);
        for (int k = 0; k < rows.Length; k++) add(rows.Span[k], w * weights.Span[k]);
    }

    static void Touch(double[] dense, bool[] seen, List<int> touched, int row, double w)
    {
        if (!seen[row]) { seen[row] = true; touched.Add(row); }
        dense[row] += w;
    }

    /// <summary>Per neuron: its soma attributes on the chip, the scale of its potential, and the gain its incoming
    /// weights take. Plain nodes: v' = a·v + c·(W·s + b) + d, so leak a, synapses c·W, bias d (b comes from the bias
    /// neuron, as an input). Current-based nodes: the compartment's current decays like the node's (e) and carries
    /// g = b·f + c·(1 − e) per input, which gives the node's steady state; d stays the bias.</summary>
    /// <param name="sendsValues">The node sends its potential as graded spikes: its scale then also covers its constant
    /// drive (bias, v_leak), so that a node driven mostly by it neither overflows the payload nor rounds to nothing.</param>
    /// <param name="magnitude">The largest value a source node sends (1 for spikes), for the scale of a node that does not fire.</param>
    static (Dictionary<string, AttributeValue>[] Attributes, double[] Scale, double[] Gain) Neuron(NirPlanNode node, Incoming input, double dt,
        NirIntegration integration, bool sendsValues, Func<int, double> magnitude)
    {
        int n = node.OutputLength;
        var attributes = new Dictionary<string, AttributeValue>[n];
        var scale = new double[n];
        var gain = new double[n];
        var co = NirDynamics.Coefficients(node.Node, n, dt, integration);
        var threshold = node.Node is NirThreshold t ? t.Threshold : null;
        double largest = 0;
        foreach (var (source, cols) in input.Columns)
        {
            double m = magnitude(source);
            foreach (var col in cols)
                if (col is not null) foreach (double w in col.Weights) largest = Math.Max(largest, Math.Abs(w) * m);
        }
        for (int i = 0; i < n; i++)
        {
            double decay = 0, constant = 0, level = 0, currentDecay = 0, theta;
            double reset = co?.Reset[i] ?? 0;
            if (co is null)
            {
                gain[i] = 1;
                theta = threshold!.Data[threshold.Count == 1 ? 0 : i];
            }
            else
            {
                decay = co.Decay[i];
                theta = co.Threshold?[i] ?? double.PositiveInfinity;
                if (co.CurrentDecay is { } e)
                {
                    currentDecay = e[i];
                    double f = co.CurrentGain![i], bI = co.CurrentToV[i], c = co.InputGain[i];
                    gain[i] = bI * f + c * (1 - currentDecay);
                    level = (bI * f / (1 - currentDecay) + c) * input.TotalBias(i) + co.Constant[i];
                }
                else
                {
                    gain[i] = co.InputGain[i];
                    level = co.InputGain[i] * input.TotalBias(i) + co.Constant[i];
                }
                constant = co.Constant[i]; // the input's bias comes from the bias neuron; level is what it drives the node to
            }
            bool spiking = double.IsFinite(theta);
            scale[i] = spiking ? Unit / (theta == 0 ? 1 : Math.Abs(theta))
                : Unit / Math.Max(Math.Max(largest * Math.Abs(gain[i]), sendsValues ? Math.Abs(level) : 0), 1e-12);
            attributes[i] = ChipNetworkBuilder.Attributes(("threshold", spiking ? theta * scale[i] : Never), ("reset", reset * scale[i]),
                ("reset_mode", "hard"), ("leak_decay", decay), ("input_decay", currentDecay), ("bias", constant * scale[i]));
        }
        return (attributes, scale, gain);
    }

    /// <summary>Two columns summed: weights to the same row held back the same steps add up.</summary>
    static Column Add(Column? a, Column b)
    {
        if (a is null) return b;
        var sum = new SortedDictionary<(int Row, int Lag), double>();
        foreach (var c in new[] { a, b })
            for (int e = 0; e < c.Rows.Length; e++) sum[(c.Rows[e], c.Lag(e))] = sum.GetValueOrDefault((c.Rows[e], c.Lag(e))) + c.Weights[e];
        var keys = sum.Keys;
        return new Column(keys.Select(k => k.Row).ToArray(), sum.Values.ToArray(), keys.Any(k => k.Lag != 0) ? keys.Select(k => k.Lag).ToArray() : null);
    }
}
