using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// The Hebbian layers of a preset with their state, built from one seed. It does not run anything:
/// every pass over data goes through the engine (see Pipeline/FloatBlocks), where each layer is an actor.
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

    /// <summary>The prefix of layer <paramref name="index"/>'s arrays in a checkpoint ("layer0.weight", ...): part of the
    /// checkpoint format, so it stays apart from the layer's name in results (<c>SoftHebbGraph.LayerName</c>).</summary>
    public static string StatePrefix(int index) => $"layer{index}.";

    public void SaveState(IDictionary<string, float[]> state)
    {
        for (int i = 0; i < Layers.Count; i++) Layers[i].SaveState(state, StatePrefix(i));
    }

    public void LoadState(IReadOnlyDictionary<string, float[]> state)
    {
        for (int i = 0; i < Layers.Count; i++) Layers[i].LoadState(state, StatePrefix(i));
    }
}
