using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// The Hebbian layers of a preset with their state, built from one seed. It does not run anything:
/// every pass over data goes through the engine (see Pipeline/NetworkBuilder), where each layer is an actor.
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

    public void SaveState(IDictionary<string, float[]> state)
    {
        for (int i = 0; i < Layers.Count; i++) Layers[i].SaveState(state, $"layer{i}.");
    }

    public void LoadState(IReadOnlyDictionary<string, float[]> state)
    {
        for (int i = 0; i < Layers.Count; i++) Layers[i].LoadState(state, $"layer{i}.");
    }
}
