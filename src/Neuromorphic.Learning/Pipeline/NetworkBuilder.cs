using Neuromorphic.Engine;

namespace Neuromorphic.Learning.Pipeline;

/// <summary>
/// Builds the engine graph for one pass over a data stream: source → Hebbian layer actors → [read-out] → sink.
/// Training passes, feature extraction, evaluation and chip simulation all run through graphs built here.
/// </summary>
public static class NetworkBuilder
{
    public sealed record Pass(Network Network, IReadOnlyList<HebbianLayerActor> Layers, SinkActor Sink);

    /// <param name="lastLayer">Index of the last Hebbian layer to run (the stream stops there).</param>
    /// <param name="learns">Which layers apply plasticity in this pass.</param>
    public static Pass Build(HebbianNetwork net, IAsyncEnumerable<Payload> input, int lastLayer, Func<int, bool> learns,
        Action<Event> onData, Action<ControlKind>? onControl = null, LinearReadout? readout = null,
        SnapshotCollector? snapshots = null, ICostModel? costModel = null, TraceRecorder? trace = null)
    {
        var preset = net.Preset;
        int[] shape = [preset.Channels, preset.Height, preset.Width];
        var network = new Network(costModel, trace);
        Actor upstream = network.Add(new SourceActor("input", input, shape));
        var layers = new List<HebbianLayerActor>();
        for (int i = 0; i <= lastLayer; i++)
        {
            var actor = network.Add(new HebbianLayerActor(LayerName(i), net.Layers[i], learns(i), shape, HebbianNetwork.StatePrefix(i), snapshots));
            network.Connect(upstream, 0, actor, 0);
            shape = net.Layers[i].OutputShape(shape);
            layers.Add(actor);
            upstream = actor;
        }
        if (readout is not null)
        {
            var head = network.Add(new ReadoutActor(ReadoutName, readout, shape));
            network.Connect(upstream, 0, head, 0);
            upstream = head;
            shape = [readout.Classes];
        }
        var sink = network.Add(new SinkActor("output", onData, onControl, shape));
        network.Connect(upstream, 0, sink, 0);
        network.Validate();
        return new Pass(network, layers, sink);
    }

    /// <summary>The read-out's name in results: its actor and its row in chip mappings.</summary>
    public const string ReadoutName = "readout";

    /// <summary>A layer's one name in results: its actor, its row in chip mappings and reports, its metrics.</summary>
    public static string LayerName(int index) => $"hebb{index}";
}
