namespace Neuromorphic.Learning;

/// <summary>One Hebbian layer of a preset: exactly one of the two configs is set.</summary>
public sealed record HebbianLayerSpec(SoftHebbConv2dConfig? Conv, SoftHebbLinearConfig? Linear)
{
    public string Kind => Conv is not null ? "conv" : "linear";

    /// <summary>Builds the layer, drawing its initial weights from <paramref name="rng"/>.</summary>
    public IHebbianLayer Create(Random rng) =>
        Conv is not null ? new SoftHebbConv2d(Conv, rng) : new SoftHebbLinear(Linear!, rng);
}

/// <summary>
/// The unsupervised phase: epochs per layer (layers are trained one after the other), batch size, augmentation, and
/// optionally how many training images it sees (a seeded random subset; null: all of them).
/// </summary>
public sealed record HebbianPhaseSpec(int Epochs, int BatchSize, AugmentationSpec Augmentation, int? Images = null);

/// <summary>The supervised read-out (spec §4): dropout, Adam learning rate, epochs (step-halving schedule), batch size, augmentation.</summary>
/// <param name="AugmentedViews">With an augmentation: null extracts a fresh augmented copy of the training set every epoch
/// (the reference's way); K extracts K augmented copies once, caches their features, and epoch e trains on copy e mod K.</param>
public sealed record ReadoutSpec(float Dropout, int Epochs, int BatchSize, float LearningRate, AugmentationSpec Augmentation,
    int? AugmentedViews = null);

/// <summary>
/// A whole network and its training recipe, as stored in a preset JSON file (see the project README.md, "Preset JSON"
/// and <see cref="PresetLibrary"/>). Shapes are checked to chain when the preset is loaded.
/// </summary>
public sealed record NetworkPreset(
    string Name,
    string Description,
    int Channels,
    int Height,
    int Width,
    int Classes,
    HebbianPhaseSpec Hebbian,
    IReadOnlyList<HebbianLayerSpec> Layers,
    ReadoutSpec Readout)
{
    /// <summary>(C, H, W) after every layer, in order; throws ArgumentException (with the layer index) where the shapes do not chain.</summary>
    public IReadOnlyList<(int C, int H, int W)> LayerOutputShapes()
    {
        var shapes = new List<(int, int, int)>();
        var (c, h, w) = (Channels, Height, Width);
        for (int i = 0; i < Layers.Count; i++)
        {
            var layer = Layers[i];
            if (layer.Conv is { } conv)
                (c, h, w) = conv.OutputShape(c, h, w);
            else
            {
                long features = (long)c * h * w;
                if (features != layer.Linear!.InFeatures)
                    throw new ArgumentException($"The linear layer expects {layer.Linear.InFeatures} input features but receives {c}x{h}x{w} = {features}.");
                (c, h, w) = (layer.Linear.OutFeatures, 1, 1);
            }
            shapes.Add((c, h, w));
        }
        return shapes;
    }

    /// <summary>The input image size; image-folder datasets are resized to it.</summary>
    public Neuromorphic.Datasets.ImageShape InputShape => new(Channels, Height, Width);

    /// <summary>(C, H, W) of the features that reach the read-out.</summary>
    public (int C, int H, int W) FeatureShape => Layers.Count == 0 ? (Channels, Height, Width) : LayerOutputShapes()[^1];

    /// <summary>Number of read-out inputs F = C·H·W.</summary>
    public int FeatureLength { get { var (c, h, w) = FeatureShape; return c * h * w; } }
}
