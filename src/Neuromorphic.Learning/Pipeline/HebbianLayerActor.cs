using Neuromorphic.Engine;
using Neuromorphic.Tensors;

namespace Neuromorphic.Learning.Pipeline;

/// <summary>
/// A Hebbian layer (a neuron group with its incoming synapses) hosted by the engine. Plasticity runs here,
/// where the synapses live, from this actor's own input and output only: no other layer's state is read,
/// and nothing waits on a global clock. A Flush control makes the actor hand a copy of its state to the
/// snapshot collector, so a checkpoint taken while layers are pipelined still holds every layer at the
/// same position in the data stream.
/// </summary>
public sealed class HebbianLayerActor : Actor
{
    readonly IHebbianLayer _layer;
    readonly bool _learns;
    readonly string _statePrefix;
    readonly SnapshotCollector? _snapshots;
    readonly List<LayerProgressPoint> _history = [];
    long _blocks;

    public HebbianLayerActor(string name, IHebbianLayer layer, bool learns, int[] inputSampleShape,
        string statePrefix, SnapshotCollector? snapshots = null)
        : base(name, [new PortSpec("in", inputSampleShape)], [new PortSpec("out", layer.OutputShape(inputSampleShape))])
    {
        _layer = layer;
        _learns = learns;
        _statePrefix = statePrefix;
        _snapshots = snapshots;
    }

    public IHebbianLayer Layer => _layer;

    /// <summary>Weight norms and rates after learning steps (every step for the first 100, then every 10th), for plots.</summary>
    public IReadOnlyList<LayerProgressPoint> History => _history;

    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        var block = (DenseBlock)joined[0].Payload;
        bool learn = _learns && PlasticityEnabled;
        var y = _layer.Forward(new Tensor(block.Data, block.Shape), learn);
        ctx.Count(_layer.LastWork);
        // Payloads are shared downstream and immutable once sent: the layer's buffer is copied out.
        ctx.Emit(0, new DenseBlock(y.Span.ToArray(), (int[])y.Shape.Clone(), block.SampleIds));
        _blocks++;
        if (learn && (_blocks <= 100 || _blocks % 10 == 0))
        {
            var s = _layer.LastUpdateStats;
            _history.Add(new LayerProgressPoint(_blocks, s.MeanWeightNorm, s.MeanRate, s.MaxAbsDelta));
        }
    }

    protected override void OnControl(ControlKind kind, ActorContext ctx)
    {
        if (kind != ControlKind.Flush || _snapshots is null) return;
        var state = new Dictionary<string, float[]>();
        _layer.SaveState(state, _statePrefix);
        _snapshots.Add(Name, state);
    }
}

/// <summary>One point of a layer's learning history.</summary>
public readonly record struct LayerProgressPoint(long Step, float MeanWeightNorm, float MeanRate, float MaxAbsDelta);
