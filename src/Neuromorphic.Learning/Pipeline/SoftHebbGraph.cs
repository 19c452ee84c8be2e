using Neuromorphic.Engine;
using Neuromorphic.Tensors;

namespace Neuromorphic.Learning.Pipeline;

/// <summary>A Hebbian layer of a SoftHebb network, by its index: a convolution (with its Triangle) or a linear layer;
/// its output is its neurons', before any pooling. Whatever runs it takes the layer with that index from its own network.</summary>
public sealed class HebbianLayerProcess(int index, int[] inputShape, int[] outputShape)
    : ProcessNode(SoftHebbGraph.LayerName(index), [new PortSpec("in", inputShape)], [new PortSpec("out", outputShape)])
{
    public int Index => index;
    public int[] InputShape => Inputs[0].SampleShape!;
    public int[] OutputShape => Outputs[0].SampleShape!;
}

/// <summary>The pooling after Hebbian layer <see cref="LayerIndex"/>: each channel's windows of its neurons' outputs, the
/// largest or the mean (<see cref="Pool"/>). Float blocks and spiking layers run it inside the layer's actor; a chip
/// gives it neurons of its own.</summary>
public sealed class PoolingProcess(int layerIndex, PoolSpec pool, int[] inputShape)
    : ProcessNode(SoftHebbGraph.PoolingName(layerIndex, pool), [new PortSpec("in", inputShape)],
        [new PortSpec("out", [inputShape[0], pool.OutputSize(inputShape[1]), pool.OutputSize(inputShape[2])])])
{
    public int LayerIndex => layerIndex;
    public PoolSpec Pool => pool;
    public int[] InputShape => Inputs[0].SampleShape!;
    public int[] OutputShape => Outputs[0].SampleShape!;
}

/// <summary>The supervised linear read-out: one score per class from the last layer's output.</summary>
public sealed class ReadoutProcess(int[] inputShape, int classes)
    : ProcessNode(SoftHebbGraph.ReadoutName, [new PortSpec("in", inputShape)], [new PortSpec("out", [classes])])
{
    public int Classes => classes;
}

/// <summary>
/// What a SoftHebb network is, apart from how it runs: input → hebb0 → [its pooling] → … → [readout] → output. The same
/// description is run as whole-layer float blocks (<see cref="FloatBlocks"/>: training, features, evaluation), as
/// rate-coded spiking layers (`spiking softhebb`), and mapped onto a chip's neurons and cores (`simulate --softhebb`),
/// which walk its processes; its names are every run's actor names and every chip mapping's rows.
/// </summary>
public static class SoftHebbGraph
{
    public const string InputName = "input";
    public const string ReadoutName = "readout";
    public const string OutputName = "output";

    /// <summary>A layer's one name in results: its process and actor, its row in chip mappings and reports, its metrics.</summary>
    public static string LayerName(int index) => $"hebb{index}";

    /// <summary>A pooling process's one name, as its chip group's: "hebb0_maxpool", "hebb1_avgpool".</summary>
    public static string PoolingName(int layerIndex, PoolSpec pool) => $"{LayerName(layerIndex)}_{(pool.Type == PoolType.Max ? "max" : "avg")}pool";

    /// <summary><paramref name="layers"/> taking <paramref name="inputShape"/> (channels, height, width), then the read-out
    /// when <paramref name="classes"/> is given.</summary>
    public static ProcessGraph Describe(IReadOnlyList<IHebbianLayer> layers, int[] inputShape, int? classes)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var shapes = new List<LayerShape>();
        var shape = inputShape;
        foreach (var layer in layers)
        {
            var pool = (layer as SoftHebbConv2d)?.Config.PoolSpec;
            var output = layer.OutputShape(shape);
            // A conv layer's neurons: its channels at the convolution's size (stride 1), before any pooling.
            int Size(int input, SoftHebbConv2dConfig c) => Conv2d.OutputSize(input, c.KernelSize, 1, c.Padding);
            var neurons = layer is SoftHebbConv2d { Config: var config } ? [output[0], Size(shape[1], config), Size(shape[2], config)] : output;
            shapes.Add(new LayerShape(neurons, pool));
            shape = output;
        }
        return Describe(inputShape, shapes, classes);
    }

    /// <summary>Layers of the given neuron shapes (channels, height, width) and poolings in a row from
    /// <paramref name="inputShape"/>, then the read-out when <paramref name="classes"/> is given.</summary>
    public static ProcessGraph Describe(int[] inputShape, IReadOnlyList<LayerShape> layers, int? classes)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(layers);
        var graph = new ProcessGraph();
        ProcessNode upstream = graph.Add(new InputProcess(InputName, inputShape));
        var shape = inputShape;
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = new HebbianLayerProcess(i, shape, layers[i].Neurons);
            upstream = Chain(graph, upstream, layer);
            shape = layer.OutputShape;
            if (layers[i].Pool is not { } pool) continue;
            var pooling = new PoolingProcess(i, pool, shape);
            upstream = Chain(graph, upstream, pooling);
            shape = pooling.OutputShape;
        }
        if (classes is { } c)
        {
            upstream = Chain(graph, upstream, new ReadoutProcess(shape, c));
            shape = [c];
        }
        Chain(graph, upstream, new OutputProcess(OutputName, shape));
        return graph;
    }

    /// <summary>Whether layer <paramref name="index"/> of <paramref name="description"/> is followed by a pooling process.</summary>
    public static bool IsPooled(ProcessGraph description, int index) => description.Processes.OfType<PoolingProcess>().Any(p => p.LayerIndex == index);

    private static ProcessNode Chain(ProcessGraph graph, ProcessNode upstream, ProcessNode next)
    {
        graph.Add(next);
        graph.Connect(upstream, 0, next, 0);
        return next;
    }
}

/// <summary>A Hebbian layer's neurons (channels, height, width) and the pooling after them, if any.</summary>
public sealed record LayerShape(int[] Neurons, PoolSpec? Pool = null);
