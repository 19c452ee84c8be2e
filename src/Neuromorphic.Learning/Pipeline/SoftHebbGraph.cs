using Neuromorphic.Engine;

namespace Neuromorphic.Learning.Pipeline;

/// <summary>A Hebbian layer of a SoftHebb network, by its index: a convolution (with its Triangle and pooling) or a
/// linear layer. Whatever runs it takes the layer with that index from its own network.</summary>
public sealed class HebbianLayerProcess(int index, int[] inputShape, int[] outputShape)
    : ProcessNode(SoftHebbGraph.LayerName(index), [new PortSpec("in", inputShape)], [new PortSpec("out", outputShape)])
{
    public int Index => index;
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
/// What a SoftHebb network is, apart from how it runs: input → hebb0 → … → [readout] → output. The same description is
/// run as whole-layer float blocks (<see cref="FloatBlocks"/>: training, features, evaluation), as rate-coded spiking
/// layers (`spiking softhebb`), and mapped onto a chip's neurons and cores (`simulate --softhebb`), which walk its
/// processes; its names are every run's actor names and every chip mapping's rows.
/// </summary>
public static class SoftHebbGraph
{
    public const string InputName = "input";
    public const string ReadoutName = "readout";
    public const string OutputName = "output";

    /// <summary>A layer's one name in results: its process and actor, its row in chip mappings and reports, its metrics.</summary>
    public static string LayerName(int index) => $"hebb{index}";

    /// <summary><paramref name="layers"/> taking <paramref name="inputShape"/> (channels, height, width), then the read-out
    /// when <paramref name="classes"/> is given.</summary>
    public static ProcessGraph Describe(IReadOnlyList<IHebbianLayer> layers, int[] inputShape, int? classes)
    {
        ArgumentNullException.ThrowIfNull(layers);
        var shapes = new List<int[]>();
        var shape = inputShape;
        foreach (var layer in layers) shapes.Add(shape = layer.OutputShape(shape));
        return Describe(inputShape, shapes, classes);
    }

    /// <summary>Layers of the given output shapes (channels, height, width) in a row from <paramref name="inputShape"/>,
    /// then the read-out when <paramref name="classes"/> is given.</summary>
    public static ProcessGraph Describe(int[] inputShape, IReadOnlyList<int[]> layerOutputShapes, int? classes)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ArgumentNullException.ThrowIfNull(layerOutputShapes);
        var graph = new ProcessGraph();
        ProcessNode upstream = graph.Add(new InputProcess(InputName, inputShape));
        var shape = inputShape;
        for (int i = 0; i < layerOutputShapes.Count; i++)
        {
            upstream = Chain(graph, upstream, new HebbianLayerProcess(i, shape, layerOutputShapes[i]));
            shape = layerOutputShapes[i];
        }
        if (classes is { } c)
        {
            upstream = Chain(graph, upstream, new ReadoutProcess(shape, c));
            shape = [c];
        }
        Chain(graph, upstream, new OutputProcess(OutputName, shape));
        return graph;
    }

    private static ProcessNode Chain(ProcessGraph graph, ProcessNode upstream, ProcessNode next)
    {
        graph.Add(next);
        graph.Connect(upstream, 0, next, 0);
        return next;
    }
}
