using Neuromorphic.Engine;

namespace Neuromorphic.Learning.Pipeline;

/// <summary>
/// The float-block models of a SoftHebb network's description (<see cref="SoftHebbGraph"/>) for one pass over a data
/// stream: source → Hebbian layer actors → [read-out] → sink. Training passes, feature extraction, evaluation and the
/// layer-level chip costing all run through graphs built here.
/// </summary>
public static class FloatBlocks
{
    public sealed record Pass(Network Network, IReadOnlyList<HebbianLayerActor> Layers, SinkActor Sink);

    /// <param name="lastLayer">Index of the last Hebbian layer to run (the stream stops there).</param>
    /// <param name="learns">Which layers apply plasticity in this pass.</param>
    public static Pass Build(HebbianNetwork net, IAsyncEnumerable<Payload> input, int lastLayer, Func<int, bool> learns,
        Action<Event> onData, Action<ControlKind>? onControl = null, LinearReadout? readout = null,
        SnapshotCollector? snapshots = null, ICostModel? costModel = null, TraceRecorder? trace = null)
    {
        var preset = net.Preset;
        var description = SoftHebbGraph.Describe(net.Layers.Take(lastLayer + 1).ToList(), [preset.Channels, preset.Height, preset.Width], readout?.Classes);
        var network = description.Build(process => process switch
        {
            InputProcess p => new SourceActor(p.Name, input, p.Outputs[0].SampleShape),
            HebbianLayerProcess p => new HebbianLayerActor(p.Name, net.Layers[p.Index], learns(p.Index), p.InputShape,
                HebbianNetwork.StatePrefix(p.Index), snapshots),
            PoolingProcess => null, // the layer's actor pools its own output
            ReadoutProcess p => new ReadoutActor(p.Name, readout!, p.Inputs[0].SampleShape!),
            OutputProcess p => new SinkActor(p.Name, onData, onControl, p.Inputs[0].SampleShape),
            _ => throw new NotSupportedException($"{process} has no float-block model."),
        }, costModel, trace);
        return new Pass(network, network.Actors.OfType<HebbianLayerActor>().ToList(), network.Actors.OfType<SinkActor>().Single());
    }
}
