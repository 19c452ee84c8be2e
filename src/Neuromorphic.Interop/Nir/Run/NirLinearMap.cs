namespace Neuromorphic.Interop.Nir;

/// <summary>
/// A stateless linear NIR node (Affine, Linear, Scale, Conv1d, Conv2d, SumPool2d, AvgPool2d, Flatten, and the
/// pass-through Input and Output) as y = W x + b, with W stored by input column: each input element lists the outputs
/// it reaches and the weights. Stored that way, a step touches only the fan-out of the inputs that are non-zero (the
/// synaptic events), and a chip mapping can push one input element at a time through a chain of such maps.
/// </summary>
public sealed class NirLinearMap
{
    private readonly int[] start;   // column i's entries are [start[i], start[i + 1])
    private readonly int[] row;
    private readonly float[] weight;

    private NirLinearMap(int inLength, int outLength, int[] start, int[] row, float[] weight, float[] bias, bool identity)
    {
        InLength = inLength;
        OutLength = outLength;
        this.start = start;
        this.row = row;
        this.weight = weight;
        Bias = bias;
        IsIdentity = identity;
    }

    public int InLength { get; }
    public int OutLength { get; }
    /// <summary>b, one per output (zeros where the node has none).</summary>
    public float[] Bias { get; }
    /// <summary>True for Flatten, Input and Output: data passes unchanged (row-major order is kept).</summary>
    public bool IsIdentity { get; }
    public long Synapses => row.Length;

    /// <summary>The outputs input element <paramref name="i"/> reaches, and with which weights.</summary>
    public (ReadOnlyMemory<int> Rows, ReadOnlyMemory<float> Weights) Column(int i) =>
        (row.AsMemory(start[i], start[i + 1] - start[i]), weight.AsMemory(start[i], start[i + 1] - start[i]));

    /// <summary>output = W·input + b for one sample; returns the synaptic events (fan-out of the non-zero inputs).</summary>
    public long Apply(ReadOnlySpan<float> input, Span<float> output)
    {
        if (IsIdentity)
        {
            input.CopyTo(output);
            return 0;
        }
        Bias.CopyTo(output);
        long events = 0;
        for (int i = 0; i < input.Length; i++)
        {
            float x = input[i];
            if (x == 0) continue;
            int end = start[i + 1];
            events += end - start[i];
            for (int e = start[i]; e < end; e++) output[row[e]] += weight[e] * x;
        }
        return events;
    }

    /// <summary>The map for a linear node whose input has <paramref name="inputShape"/> (batch excluded).</summary>
    public static NirLinearMap For(NirNode node, int[] inputShape, int[] outputShape)
    {
        int inLength = NirShape.Count(inputShape), outLength = NirShape.Count(outputShape);
        var builder = new Builder(inLength, outLength);
        switch (node)
        {
            case NirInput or NirOutput or NirFlatten:
                return new NirLinearMap(inLength, outLength, new int[inLength + 1], [], [], new float[outLength], identity: true);
            case NirAffine a:
                Dense(builder, a.Weight);
                builder.SetBias(a.Bias);
                break;
            case NirLinear l:
                Dense(builder, l.Weight);
                break;
            case NirScale s:
                for (int i = 0; i < inLength; i++) builder.Add(i, i, s.Scale.Data[s.Scale.IsScalar ? 0 : i]);
                break;
            case NirConvolution c:
                Convolution(builder, c, inputShape, outputShape);
                builder.SetBias(c.Bias);
                break;
            case NirSumPool2d p:
                Pool(builder, p.KernelSize, p.Stride, p.Padding, inputShape, outputShape, 1.0);
                break;
            case NirAvgPool2d p:
                Pool(builder, p.KernelSize, p.Stride, p.Padding, inputShape, outputShape, 1.0 / (p.KernelSize[0] * p.KernelSize[1]));
                break;
            default:
                throw new ArgumentException($"{node.Type} is not a linear node.", nameof(node));
        }
        return builder.Build();
    }

    static void Dense(Builder b, NirTensor w)
    {
        int outs = w.Shape[0], ins = w.Count / outs;
        for (int o = 0; o < outs; o++)
            for (int i = 0; i < ins; i++)
            {
                double v = w.Data[o * ins + i];
                if (v != 0) b.Add(i, o, v);
            }
    }

    // Cross-correlation as PyTorch defines it; a Conv1d is a Conv2d of height 1.
    static void Convolution(Builder b, NirConvolution c, int[] inputShape, int[] outputShape)
    {
        bool oneD = c is NirConv1d;
        int cin = inputShape[0], h = oneD ? 1 : inputShape[1], w = inputShape[^1];
        int cout = outputShape[0], oh = oneD ? 1 : outputShape[1], ow = outputShape[^1];
        int kh = oneD ? 1 : c.Weight.Shape[2], kw = c.Weight.Shape[^1];
        int sh = oneD ? 1 : c.Stride[0], sw = c.Stride[^1];
        int dh = oneD ? 1 : c.Dilation[0], dw = c.Dilation[^1];
        int ph = oneD ? 0 : Pad(c, 0, kh, dh), pw = Pad(c, oneD ? 0 : 1, kw, dw);
        int groupIn = cin / c.Groups, groupOut = cout / c.Groups;
        for (int o = 0; o < cout; o++)
        {
            int g = o / groupOut;
            for (int ci = 0; ci < groupIn; ci++)
                for (int ky = 0; ky < kh; ky++)
                    for (int kx = 0; kx < kw; kx++)
                    {
                        double v = c.Weight.Data[((o * groupIn + ci) * kh + ky) * kw + kx];
                        if (v == 0) continue;
                        int channel = g * groupIn + ci;
                        for (int y = 0; y < oh; y++)
                        {
                            int iy = y * sh - ph + ky * dh;
                            if (iy < 0 || iy >= h) continue;
                            for (int x = 0; x < ow; x++)
                            {
                                int ix = x * sw - pw + kx * dw;
                                if (ix < 0 || ix >= w) continue;
                                b.Add((channel * h + iy) * w + ix, (o * oh + y) * ow + x, v);
                            }
                        }
                    }
        }
    }

    // 'same' pads d·(k−1) in all, the smaller half first (PyTorch's rule); 'valid' pads nothing.
    static int Pad(NirConvolution c, int dim, int kernel, int dilation) => c.PaddingMode switch
    {
        "same" => dilation * (kernel - 1) / 2,
        "valid" => 0,
        _ => c.Padding[dim],
    };

    static void Pool(Builder b, int[] kernel, int[] stride, int[] padding, int[] inputShape, int[] outputShape, double weight)
    {
        int channels = inputShape[0], h = inputShape[1], w = inputShape[2], oh = outputShape[1], ow = outputShape[2];
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                    for (int ky = 0; ky < kernel[0]; ky++)
                        for (int kx = 0; kx < kernel[1]; kx++)
                        {
                            int iy = y * stride[0] - padding[0] + ky, ix = x * stride[1] - padding[1] + kx;
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) b.Add((c * h + iy) * w + ix, (c * oh + y) * ow + x, weight);
                        }
    }

    /// <summary>Collects (input, output, weight) entries and sorts them into columns.</summary>
    sealed class Builder(int inLength, int outLength)
    {
        private readonly List<(int In, int Out, float W)> entries = [];
        private readonly float[] bias = new float[outLength];

        public void Add(int input, int output, double w) => entries.Add((input, output, (float)w));

        public void SetBias(NirTensor b)
        {
            if (b.Count == 0) return;
            // A bias per output channel of a convolution repeats over its positions.
            int per = outLength / b.Count;
            for (int o = 0; o < outLength; o++) bias[o] = (float)b.Data[o / per];
        }

        public NirLinearMap Build()
        {
            var start = new int[inLength + 1];
            foreach (var e in entries) start[e.In + 1]++;
            for (int i = 0; i < inLength; i++) start[i + 1] += start[i];
            var fill = start[..^1].ToArray();
            var rows = new int[entries.Count];
            var weights = new float[entries.Count];
            foreach (var (input, output, w) in entries)
            {
                rows[fill[input]] = output;
                weights[fill[input]++] = w;
            }
            return new NirLinearMap(inLength, outLength, start, rows, weights, bias, identity: false);
        }
    }
}
