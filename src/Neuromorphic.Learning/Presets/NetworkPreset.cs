namespace Neuromorphic.Learning;

/// <summary>
/// One Hebbian layer of a preset. A layer kind is one subclass here (and its JSON record in <see cref="PresetJson"/>):
/// it builds the layer and states its geometry as a convolution over its input, from which the shapes chain, the memory
/// plan and the chip mapping follow without branching on the kind.
/// </summary>
public abstract record HebbianLayerSpec
{
    // Conv, Linear, Kind in this order: a run's identity hashes the preset serialised, and this is the order the
    // members had before the kinds became subclasses, so checkpoints written then still resume.
    /// <summary>The settings of a conv layer; null for another kind.</summary>
    public SoftHebbConv2dConfig? Conv => (this as ConvLayerSpec)?.Config;

    /// <summary>The settings of a linear layer; null for another kind.</summary>
    public SoftHebbLinearConfig? Linear => (this as LinearLayerSpec)?.Config;

    /// <summary>The preset file's <c>type</c>.</summary>
    public abstract string Kind { get; }

    /// <summary>Builds the layer, drawing its initial weights from <paramref name="rng"/>.</summary>
    public abstract IHebbianLayer Create(Random rng);

    /// <summary>The layer as a convolution, and the image (C, H, W) it convolves, for an input of (c, h, w); throws
    /// ArgumentException where the input does not fit the layer.</summary>
    public abstract (SoftHebbConv2dConfig Conv, int C, int H, int W) AsConvolution(int c, int h, int w);

    /// <summary>(C, H, W) after the layer (pooling included) for an input of (c, h, w).</summary>
    public (int C, int H, int W) OutputShape(int c, int h, int w)
    {
        var (conv, ci, hi, wi) = AsConvolution(c, h, w);
        return conv.OutputShape(ci, hi, wi);
    }
}

/// <summary>A SoftHebb convolution (<see cref="SoftHebbConv2d"/>), with its Triangle and pooling.</summary>
public sealed record ConvLayerSpec(SoftHebbConv2dConfig Config) : HebbianLayerSpec
{
    public override string Kind => "conv";
    public override IHebbianLayer Create(Random rng) => new SoftHebbConv2d(Config, rng);
    public override (SoftHebbConv2dConfig Conv, int C, int H, int W) AsConvolution(int c, int h, int w) => (Config, c, h, w);
}

/// <summary>A SoftHebb fully connected layer (<see cref="SoftHebbLinear"/>) over the flattened input.</summary>
public sealed record LinearLayerSpec(SoftHebbLinearConfig Config) : HebbianLayerSpec
{
    public override string Kind => "linear";
    public override IHebbianLayer Create(Random rng) => new SoftHebbLinear(Config, rng);

    /// <summary>A 1x1 convolution over a 1x1 image of the flattened input (only its geometry: the rule's settings are the linear layer's).</summary>
    public override (SoftHebbConv2dConfig Conv, int C, int H, int W) AsConvolution(int c, int h, int w)
    {
        long features = (long)c * h * w;
        if (features != Config.InFeatures)
            throw new ArgumentException($"The linear layer expects {Config.InFeatures} input features but receives {c}x{h}x{w} = {features}.");
        return (new SoftHebbConv2dConfig(Config.InFeatures, Config.OutFeatures, 1, 0, 1, 0, 0, 1), Config.InFeatures, 1, 1);
    }
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
        foreach (var layer in Layers)
        {
            (c, h, w) = layer.OutputShape(c, h, w);
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
