using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// The stack of Hebbian layers of a preset, for running without the engine (tests, tools). Training is
/// greedy and successive (spec §4): layer i learns while layers 0..i−1 run frozen. Unlike the official
/// code, a training batch stops at the layer that learns: the later layers' outputs would be thrown
/// away and, in eval mode, running them changes no state (spec §7).
/// </summary>
public sealed class HebbianNetwork
{
    public HebbianNetwork(NetworkPreset preset, int seed)
    {
        ArgumentNullException.ThrowIfNull(preset);
        Preset = preset;
        Seed = seed;
        // One generator for all initial weights, drawn layer by layer: the seed fixes the whole network.
        var rng = new Random(seed);
        Layers = preset.Layers.Select(l => l.Create(rng)).ToArray();
        FeatureShape = preset.FeatureShape;
    }

    public NetworkPreset Preset { get; }
    public int Seed { get; }
    public IReadOnlyList<IHebbianLayer> Layers { get; }
    public (int C, int H, int W) FeatureShape { get; }
    public int FeatureLength => FeatureShape.C * FeatureShape.H * FeatureShape.W;

    /// <summary>Runs layers 0..<paramref name="lastLayer"/>; only <paramref name="learningLayer"/> (if any, −1 for none) learns.
    /// Returns the last layer's output buffer.</summary>
    public Tensor Forward(Tensor x, int lastLayer, int learningLayer = -1)
    {
        if (lastLayer < -1 || lastLayer >= Layers.Count)
            throw new ArgumentOutOfRangeException(nameof(lastLayer), $"Layer {lastLayer} does not exist (0..{Layers.Count - 1}).");
        Tensor current = x;
        for (int i = 0; i <= lastLayer; i++) current = Layers[i].Forward(current, learn: i == learningLayer);
        return current;
    }

    /// <summary>One Hebbian step of layer <paramref name="layer"/> on a batch.</summary>
    public Tensor TrainBatch(Tensor x, int layer) => Forward(x, layer, layer);

    /// <summary>The frozen network's features (the read-out's input) for a batch.</summary>
    public Tensor Features(Tensor x) => Forward(x, Layers.Count - 1);

    public void SaveState(IDictionary<string, float[]> state)
    {
        for (int i = 0; i < Layers.Count; i++) Layers[i].SaveState(state, $"layer{i}.");
    }

    public void LoadState(IReadOnlyDictionary<string, float[]> state)
    {
        for (int i = 0; i < Layers.Count; i++) Layers[i].LoadState(state, $"layer{i}.");
    }
}
