namespace Neuromorphic.Interop.Nir;

/// <summary>One node of a <see cref="NirPlan"/>: its input and output shapes (batch excluded), the nodes feeding it on
/// forward edges (same step) and on recurrent edges (their previous step's output), all by index in the plan.</summary>
public sealed record NirPlanNode(string Name, NirNode Node, int[] InputShape, int[] OutputShape, int[] Forward, int[] Recurrent)
{
    public int InputLength => NirShape.Count(InputShape);
    public int OutputLength => NirShape.Count(OutputShape);
    /// <summary>Stateless and linear (Affine, Linear, Scale, Conv, pooling, Flatten, Input, Output).</summary>
    public bool IsLinear => Node is NirInput or NirOutput or NirFlatten or NirAffine or NirLinear or NirScale or NirConvolution
        or NirSumPool2d or NirAvgPool2d;
}

/// <summary>
/// A NIR graph made ready to run: nested graphs flattened (their nodes named "outer.inner"), nodes in an order where
/// every forward edge points ahead, edges that close a cycle made recurrent (they carry the previous step), and every
/// node's shape inferred from the Input nodes and checked against its parameters. The same plan runs as float blocks
/// on the engine (<see cref="NirRunner"/>) and is what a chip mapping reads.
/// </summary>
public sealed class NirPlan
{
    private NirPlan(string source, IReadOnlyList<NirPlanNode> nodes)
    {
        Source = source;
        Nodes = nodes;
    }

    public string Source { get; }
    public IReadOnlyList<NirPlanNode> Nodes { get; }
    public IEnumerable<NirPlanNode> Inputs => Nodes.Where(n => n.Node is NirInput);
    public IEnumerable<NirPlanNode> Outputs => Nodes.Where(n => n.Node is NirOutput);
    public int IndexOf(string name) => Nodes.Select((n, i) => (n, i)).First(p => p.n.Name == name).i;

    /// <summary>Checks and orders <paramref name="graph"/>; <paramref name="source"/> (the file) names it in errors.</summary>
    public static NirPlan Compile(NirGraph graph, string source)
    {
        var flat = Flatten(graph, source);
        foreach (var (from, to) in flat.Edges)
            foreach (string end in new[] { from, to })
                if (!flat.Nodes.ContainsKey(end)) throw Fail(source, end, "edges", "an edge between nodes of the graph; no node has this name");
        var names = flat.Nodes.Keys.ToList();
        var index = names.Select((n, i) => (n, i)).ToDictionary(p => p.n, p => p.i);
        var recurrent = flat.RecurrentEdges().ToHashSet();
        var forward = names.Select(_ => new List<int>()).ToArray();
        var back = names.Select(_ => new List<int>()).ToArray();
        foreach (var edge in flat.Edges)
            (recurrent.Contains(edge) ? back : forward)[index[edge.To]].Add(index[edge.From]);

        // Kahn's order over forward edges, ties in file order.
        var indegree = forward.Select(f => f.Count).ToArray();
        var order = new List<int>();
        var ready = new SortedSet<int>(Enumerable.Range(0, names.Count).Where(i => indegree[i] == 0));
        while (ready.Count > 0)
        {
            int n = ready.Min;
            ready.Remove(n);
            order.Add(n);
            for (int m = 0; m < names.Count; m++)
                foreach (int from in forward[m])
                    if (from == n && --indegree[m] == 0) ready.Add(m);
        }

        var inShape = new int[]?[names.Count];
        var outShape = new int[]?[names.Count];
        foreach (int n in order)
        {
            var node = flat.Nodes[names[n]];
            string name = names[n];
            if (node is NirInput input)
            {
                if (forward[n].Count + back[n].Count > 0) throw Fail(source, name, "edges", "no edge into an Input node");
                inShape[n] = input.Shape;
            }
            else
            {
                if (forward[n].Count == 0)
                    throw Fail(source, name, "edges", back[n].Count == 0
                        ? "at least one edge into the node (it has none, so nothing would drive it)"
                        : "an edge from the Input side as well as the recurrent one (a node fed only by its own cycle never starts)");
                inShape[n] = Incoming(source, name, node, forward[n].Select(f => (names[f], outShape[f]!)));
            }
            outShape[n] = OutputShape(source, name, node, inShape[n]!);
        }
        // A recurrent edge carries the source's output into a node whose input shape is now known.
        for (int n = 0; n < names.Count; n++)
            foreach (int from in back[n])
                if (NirShape.Count(outShape[from]!) != NirShape.Count(inShape[n]!))
                    throw Fail(source, names[n], "edges", $"the recurrent edge from '{names[from]}' to give {NirShape.Text(inShape[n]!)} " +
                        $"values, it gives {NirShape.Text(outShape[from]!)}");

        var position = new int[names.Count];
        for (int i = 0; i < order.Count; i++) position[order[i]] = i;
        var nodes = order.Select(n => new NirPlanNode(names[n], flat.Nodes[names[n]], inShape[n]!, outShape[n]!,
            forward[n].Select(f => position[f]).ToArray(), back[n].Select(f => position[f]).ToArray())).ToList();
        if (!nodes.Any(n => n.Node is NirInput)) throw Fail(source, "", "nodes", "an Input node (the graph has none, so nothing drives it)");
        return new NirPlan(source, nodes);
    }

    static int[] Incoming(string source, string name, NirNode node, IEnumerable<(string From, int[] Shape)> inputs)
    {
        int[]? shape = null;
        string? first = null;
        foreach (var (from, s) in inputs)
        {
            if (shape is null) { shape = s; first = from; continue; }
            if (NirShape.Count(s) != NirShape.Count(shape))
                throw Fail(source, name, "edges", $"its inputs to agree in size: '{first}' gives {NirShape.Text(shape)}, '{from}' gives {NirShape.Text(s)}");
        }
        // Where the parameters fix the input, they decide its shape; the sizes must agree.
        if (node.InputShape is { } declared)
        {
            if (NirShape.Count(declared) != NirShape.Count(shape!))
                throw Fail(source, name, node is NirOutput or NirInput ? "shape" : ParameterName(node),
                    $"an input of {NirShape.Text(declared)} as its parameters say; '{first}' gives {NirShape.Text(shape!)}");
            return declared;
        }
        return shape!;
    }

    static string ParameterName(NirNode node) => node.Parameters.Select(p => p.Name).FirstOrDefault() ?? "input_type";

    static int[] OutputShape(string source, string name, NirNode node, int[] input)
    {
        switch (node)
        {
            case NirConvolution c:
                int spatial = c is NirConv1d ? 1 : 2;
                if (input.Length != spatial + 1)
                    throw Fail(source, name, "input_shape", $"a ({(spatial == 1 ? "C, L" : "C, H, W")}) input, found {NirShape.Text(input)}");
                if (input[0] != c.Weight.Shape[1] * c.Groups)
                    throw Fail(source, name, "weight", $"{c.Weight.Shape[1]}×{c.Groups} input channels as the weight says, the input has {input[0]}");
                if (c.Bias.Count > 1 && c.Bias.Count != c.Weight.Shape[0])
                    throw Fail(source, name, "bias", $"one bias per output channel ({c.Weight.Shape[0]}), found {c.Bias.Count}");
                var conv = NirShapes.ConvOutput(input[1..], c.Weight, c.Stride, c.Padding, c.PaddingMode, c.Dilation)!;
                if (conv.Any(d => d <= 0)) throw Fail(source, name, "weight", $"a kernel that fits the input {NirShape.Text(input)}");
                return conv;
            case NirSumPool2d or NirAvgPool2d:
                var (k, s, p) = node is NirSumPool2d sp ? (sp.KernelSize, sp.Stride, sp.Padding) : (((NirAvgPool2d)node).KernelSize, ((NirAvgPool2d)node).Stride, ((NirAvgPool2d)node).Padding);
                if (input.Length != 3) throw Fail(source, name, "kernel_size", $"a (C, H, W) input to pool, found {NirShape.Text(input)}");
                int[] pooled = [input[0], (input[1] + 2 * p[0] - k[0]) / s[0] + 1, (input[2] + 2 * p[1] - k[1]) / s[1] + 1];
                if (pooled[1] <= 0 || pooled[2] <= 0) throw Fail(source, name, "kernel_size", $"a window that fits the input {NirShape.Text(input)}");
                return pooled;
            case NirFlatten f:
                return NirShapes.Flatten(input, f.StartDim, f.EndDim)
                    ?? throw Fail(source, name, "start_dim", $"dimensions {f.StartDim}..{f.EndDim} within the input {NirShape.Text(input)}");
            case NirAffine or NirLinear:
                var weight = node is NirAffine a ? a.Weight : ((NirLinear)node).Weight;
                if (weight.Shape.Length != 2) throw Fail(source, name, "weight", $"a 2-d (out, in) weight, found {weight.ShapeText}");
                if (node is NirAffine { Bias: var bias } && bias.Count > 1 && bias.Count != weight.Shape[0])
                    throw Fail(source, name, "bias", $"{weight.Shape[0]} values (one per output), found {bias.Count}");
                return weight.Shape[..1];
            default:
                foreach (var (field, value) in node.Parameters)
                    if (value.Count != 1 && value.Count != NirShape.Count(input))
                        throw Fail(source, name, field, $"one value or one per neuron ({NirShape.Count(input)}), found {value.ShapeText}");
                return node.OutputShape is { } declared && NirShape.Count(declared) == NirShape.Count(input) ? declared : input;
        }
    }

    /// <summary>The graph with nested graphs spliced in: node "g" of type NIRGraph becomes "g.x" for each of its nodes;
    /// an edge into "g" goes to its Input node, one out of "g" leaves from its Output node.</summary>
    static NirGraph Flatten(NirGraph graph, string source)
    {
        if (graph.Nodes.Values.All(n => n is not NirGraph)) return graph;
        var nodes = new Dictionary<string, NirNode>();
        var edges = new List<(string From, string To)>();
        var entry = new Dictionary<string, string>();
        var exit = new Dictionary<string, string>();
        foreach (var (name, node) in graph.Nodes)
        {
            if (node is not NirGraph inner) { nodes[name] = node; continue; }
            var sub = Flatten(inner, source);
            foreach (var (n, v) in sub.Nodes) nodes[$"{name}.{n}"] = v;
            entry[name] = $"{name}.{Single(sub, typeof(NirInput), source, name)}";
            exit[name] = $"{name}.{Single(sub, typeof(NirOutput), source, name)}";
            edges.AddRange(sub.Edges.Select(e => ($"{name}.{e.From}", $"{name}.{e.To}")));
        }
        foreach (var (from, to) in graph.Edges)
            edges.Add((exit.GetValueOrDefault(from, from), entry.GetValueOrDefault(to, to)));
        return new NirGraph(nodes, edges, graph.Metadata);
    }

    static string Single(NirGraph sub, Type type, string source, string name)
    {
        var matches = sub.Nodes.Where(n => n.Value.GetType() == type).Select(n => n.Key).ToList();
        if (matches.Count != 1)
            throw Fail(source, name, "nodes", $"a nested graph with exactly one {(type == typeof(NirInput) ? "Input" : "Output")} node to connect, found {matches.Count}");
        return matches[0];
    }

    static NirFormatException Fail(string source, string node, string field, string expected) =>
        new($"{source}:{(node.Length == 0 ? " graph" : $" node '{node}'")} field '{field}': expected {expected}.");
}

/// <summary>Element counts and text of shapes.</summary>
public static class NirShape
{
    public static int Count(int[] shape)
    {
        long n = 1;
        foreach (int d in shape) n *= d;
        return checked((int)n);
    }

    public static string Text(int[] shape) => "(" + string.Join(", ", shape) + ")";
}
