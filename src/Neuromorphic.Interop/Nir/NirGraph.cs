namespace Neuromorphic.Interop.Nir;

/// <summary>
/// An array parameter of a NIR node, as stored: values widened to float64, with the file's shape (rank 0 for a
/// scalar), so per-neuron arrays and broadcast scalars both keep what the writer meant.
/// </summary>
public sealed record NirTensor(double[] Data, int[] Shape)
{
    public int Count => Data.Length;
    public bool IsScalar => Shape.Length == 0;
    public double Min => Data.Length == 0 ? double.NaN : Data.Min();
    public double Max => Data.Length == 0 ? double.NaN : Data.Max();
    public double Mean => Data.Length == 0 ? double.NaN : Data.Average();
    public string ShapeText => "(" + string.Join(", ", Shape) + ")";

    /// <summary>A tensor of <paramref name="value"/> with <paramref name="like"/>'s shape (NIR's defaults for v_reset and w_in).</summary>
    public static NirTensor Filled(NirTensor like, double value) => new(Enumerable.Repeat(value, like.Count).ToArray(), like.Shape);
}

/// <summary>One node of a NIR graph. Neuron parameters are continuous-time, in the file's units (tau in seconds).</summary>
public abstract record NirNode
{
    /// <summary>The node's type name as NIR files spell it ("LIF", "Conv2d", "NIRGraph").</summary>
    public abstract string Type { get; }
    /// <summary>The shape the node takes in, where the parameters fix it; null otherwise.</summary>
    public virtual int[]? InputShape => null;
    /// <summary>The shape the node gives out, where the parameters fix it; null otherwise.</summary>
    public virtual int[]? OutputShape => InputShape;
    /// <summary>The array parameters, by their NIR field names.</summary>
    public virtual IEnumerable<(string Name, NirTensor Value)> Parameters => [];
}

/// <summary>A NIR graph: named nodes, directed edges between them, and the writer's metadata (as text).</summary>
public sealed record NirGraph(
    IReadOnlyDictionary<string, NirNode> Nodes,
    IReadOnlyList<(string From, string To)> Edges,
    IReadOnlyDictionary<string, string> Metadata) : NirNode
{
    public override string Type => "NIRGraph";

    /// <summary>
    /// The edges that close a cycle: back edges of a depth-first walk that starts at the Input nodes (then at any
    /// node not yet reached), following edges in file order. A recurrent weight (Braille's w_rec) shows up here.
    /// </summary>
    public IReadOnlyList<(string From, string To)> RecurrentEdges()
    {
        var next = Nodes.Keys.ToDictionary(k => k, _ => new List<string>());
        foreach (var (from, to) in Edges)
            if (next.TryGetValue(from, out var list)) list.Add(to);
        var state = new Dictionary<string, int>();   // 1 on the current path, 2 finished
        var back = new List<(string, string)>();
        var starts = Nodes.Where(n => n.Value is NirInput).Select(n => n.Key).Concat(Nodes.Keys);
        foreach (string start in starts)
        {
            if (state.ContainsKey(start)) continue;
            // Iterative, so a long chain in a file cannot overflow the stack.
            var stack = new Stack<(string Node, int Next)>();
            stack.Push((start, 0));
            state[start] = 1;
            while (stack.Count > 0)
            {
                var (node, i) = stack.Pop();
                if (i < next[node].Count)
                {
                    stack.Push((node, i + 1));
                    string to = next[node][i];
                    if (!state.TryGetValue(to, out int s)) { state[to] = 1; stack.Push((to, 0)); }
                    else if (s == 1) back.Add((node, to));
                }
                else state[node] = 2;
            }
        }
        return back;
    }
}

public sealed record NirInput(int[] Shape) : NirNode
{
    public override string Type => "Input";
    public override int[]? InputShape => Shape;
}

public sealed record NirOutput(int[] Shape) : NirNode
{
    public override string Type => "Output";
    public override int[]? InputShape => Shape;
}

/// <summary>y = W x + b.</summary>
public sealed record NirAffine(NirTensor Weight, NirTensor Bias) : NirNode
{
    public override string Type => "Affine";
    public override int[]? InputShape => Weight.Shape[1..];
    public override int[]? OutputShape => Weight.Shape[..1];
    public override IEnumerable<(string, NirTensor)> Parameters => [("weight", Weight), ("bias", Bias)];
}

/// <summary>y = W x.</summary>
public sealed record NirLinear(NirTensor Weight) : NirNode
{
    public override string Type => "Linear";
    public override int[]? InputShape => Weight.Shape.Length == 2 ? Weight.Shape[1..] : null;
    public override int[]? OutputShape => Weight.Shape.Length == 2 ? Weight.Shape[..1] : null;
    public override IEnumerable<(string, NirTensor)> Parameters => [("weight", Weight)];
}

/// <summary>y = s * x, elementwise.</summary>
public sealed record NirScale(NirTensor Scale) : NirNode
{
    public override string Type => "Scale";
    public override int[]? InputShape => Scale.Shape;
    public override IEnumerable<(string, NirTensor)> Parameters => [("scale", Scale)];
}

/// <summary>A convolution; weight is (out channels, in channels / groups, kernel...). input_shape, when the file has
/// it, is the spatial size only. Padding is per dimension, or <see cref="PaddingMode"/> ("same", "valid") when the
/// file gives a string.</summary>
public abstract record NirConvolution(int[]? SpatialInputShape, NirTensor Weight, int[] Stride, int[] Padding, string? PaddingMode,
    int[] Dilation, int Groups, NirTensor Bias) : NirNode
{
    public override int[]? InputShape => SpatialInputShape is null ? null : [Weight.Shape[1] * Groups, .. SpatialInputShape];
    public override int[]? OutputShape => NirShapes.ConvOutput(SpatialInputShape, Weight, Stride, Padding, PaddingMode, Dilation);
    public override IEnumerable<(string, NirTensor)> Parameters => [("weight", Weight), ("bias", Bias)];
}

/// <summary>A 1-d convolution: weight (out channels, in channels / groups, kernel).</summary>
public sealed record NirConv1d(int[]? SpatialInputShape, NirTensor Weight, int[] Stride, int[] Padding, string? PaddingMode,
    int[] Dilation, int Groups, NirTensor Bias)
    : NirConvolution(SpatialInputShape, Weight, Stride, Padding, PaddingMode, Dilation, Groups, Bias)
{
    public override string Type => "Conv1d";
}

/// <summary>A 2-d convolution: weight (out channels, in channels / groups, kernel height, kernel width).</summary>
public sealed record NirConv2d(int[]? SpatialInputShape, NirTensor Weight, int[] Stride, int[] Padding, string? PaddingMode,
    int[] Dilation, int Groups, NirTensor Bias)
    : NirConvolution(SpatialInputShape, Weight, Stride, Padding, PaddingMode, Dilation, Groups, Bias)
{
    public override string Type => "Conv2d";
}

public sealed record NirSumPool2d(int[] KernelSize, int[] Stride, int[] Padding) : NirNode
{
    public override string Type => "SumPool2d";
}

public sealed record NirAvgPool2d(int[] KernelSize, int[] Stride, int[] Padding) : NirNode
{
    public override string Type => "AvgPool2d";
}

/// <summary>Flattens dimensions StartDim..EndDim (inclusive, negative from the end) of the input, batch excluded.</summary>
public sealed record NirFlatten(int StartDim, int EndDim, int[]? InputType) : NirNode
{
    public override string Type => "Flatten";
    public override int[]? InputShape => InputType;
    public override int[]? OutputShape => NirShapes.Flatten(InputType, StartDim, EndDim);
}

/// <summary>Delays each input by its delay, in seconds.</summary>
public sealed record NirDelay(NirTensor Delay) : NirNode
{
    public override string Type => "Delay";
    public override int[]? InputShape => Delay.Shape;
    public override IEnumerable<(string, NirTensor)> Parameters => [("delay", Delay)];
}

/// <summary>A Heaviside step: 1 where the input exceeds the threshold.</summary>
public sealed record NirThreshold(NirTensor Threshold) : NirNode
{
    public override string Type => "Threshold";
    public override int[]? InputShape => Threshold.Shape;
    public override IEnumerable<(string, NirTensor)> Parameters => [("threshold", Threshold)];
}

/// <summary>Integrate-and-fire: dv/dt = R I; spike and reset to v_reset at v_threshold.</summary>
public sealed record NirIF(NirTensor R, NirTensor VThreshold, NirTensor VReset) : NirNode
{
    public override string Type => "IF";
    public override int[]? InputShape => VThreshold.Shape;
    public override IEnumerable<(string, NirTensor)> Parameters => [("r", R), ("v_threshold", VThreshold), ("v_reset", VReset)];
}

/// <summary>Leaky integrate-and-fire: tau dv/dt = (v_leak - v) + R I; tau in seconds.</summary>
public sealed record NirLIF(NirTensor Tau, NirTensor R, NirTensor VLeak, NirTensor VThreshold, NirTensor VReset) : NirNode
{
    public override string Type => "LIF";
    public override int[]? InputShape => VThreshold.Shape;
    public override IEnumerable<(string, NirTensor)> Parameters =>
        [("tau", Tau), ("r", R), ("v_leak", VLeak), ("v_threshold", VThreshold), ("v_reset", VReset)];
}

/// <summary>Leaky integrator (no spikes): tau dv/dt = (v_leak - v) + R I.</summary>
public sealed record NirLI(NirTensor Tau, NirTensor R, NirTensor VLeak) : NirNode
{
    public override string Type => "LI";
    public override int[]? InputShape => VLeak.Shape;
    public override IEnumerable<(string, NirTensor)> Parameters => [("tau", Tau), ("r", R), ("v_leak", VLeak)];
}

/// <summary>Current-based LIF: a synaptic current (tau_syn, input weight w_in) drives an LIF membrane (tau_mem).</summary>
public sealed record NirCubaLIF(NirTensor TauMem, NirTensor TauSyn, NirTensor R, NirTensor VLeak, NirTensor VThreshold,
    NirTensor VReset, NirTensor WIn) : NirNode
{
    public override string Type => "CubaLIF";
    public override int[]? InputShape => VThreshold.Shape;
    public override IEnumerable<(string, NirTensor)> Parameters =>
        [("tau_mem", TauMem), ("tau_syn", TauSyn), ("r", R), ("v_leak", VLeak), ("v_threshold", VThreshold), ("v_reset", VReset), ("w_in", WIn)];
}

/// <summary>Current-based leaky integrator (no spikes).</summary>
public sealed record NirCubaLI(NirTensor TauMem, NirTensor TauSyn, NirTensor R, NirTensor VLeak, NirTensor WIn) : NirNode
{
    public override string Type => "CubaLI";
    public override int[]? InputShape => VLeak.Shape;
    public override IEnumerable<(string, NirTensor)> Parameters =>
        [("tau_mem", TauMem), ("tau_syn", TauSyn), ("r", R), ("v_leak", VLeak), ("w_in", WIn)];
}

/// <summary>Integrator: dv/dt = R I.</summary>
public sealed record NirIntegrator(NirTensor R) : NirNode
{
    public override string Type => "I";
    public override int[]? InputShape => R.Shape;
    public override IEnumerable<(string, NirTensor)> Parameters => [("r", R)];
}

/// <summary>Output shapes that follow from a node's parameters.</summary>
static class NirShapes
{
    public static int[]? ConvOutput(int[]? spatial, NirTensor weight, int[] stride, int[] padding, string? mode, int[] dilation)
    {
        if (spatial is null) return null;
        var output = new int[spatial.Length + 1];
        output[0] = weight.Shape[0];
        for (int d = 0; d < spatial.Length; d++)
        {
            int kernel = weight.Shape[2 + d];
            int pad = mode switch { "same" => -1, "valid" => 0, _ => padding[d] };
            output[1 + d] = pad < 0 ? spatial[d] : (spatial[d] + 2 * pad - dilation[d] * (kernel - 1) - 1) / stride[d] + 1;
        }
        return output;
    }

    public static int[]? Flatten(int[]? input, int start, int end)
    {
        if (input is null) return null;
        int n = input.Length;
        if (start < 0) start += n;
        if (end < 0) end += n;
        if (start < 0 || end >= n || start > end) return null;
        long merged = 1;
        for (int d = start; d <= end; d++) merged *= input[d];
        return [.. input[..start], (int)merged, .. input[(end + 1)..]];
    }
}
