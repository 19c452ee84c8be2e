using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Neuromorphic.Learning;

/// <summary>
/// A preset file as System.Text.Json reads it: every member without a default is required, no member may be null
/// where its type says so, an unknown field is refused, and the layer <c>type</c> and augmentation <c>kind</c> pick the
/// record. An optional member that is absent (or null) is null here and takes the default of the engine record it
/// fills (<see cref="SoftHebbConv2dConfig"/>, <see cref="SoftHebbLinearConfig"/>, <see cref="AugmentationSpec"/>), the
/// one place each default is written. Each record's <c>ToSpec</c> checks the rules of its values, once, after
/// deserialisation, and builds the engine's record.
/// </summary>
internal sealed record PresetJson(string Name, InputJson Input, int Classes, HebbianJson Hebbian, IReadOnlyList<LayerJson?> Layers,
    ReadoutJson Readout, string? Description = null)
{
    /// <summary>How preset files are deserialised. <see cref="PresetLibrary.Parse"/> has already parsed the text into a
    /// document with the same syntax (comments skipped, no trailing comma) and refused duplicate keys; the element read
    /// from it still holds its comments.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = false,
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            // "type" and "kind" may stand anywhere in their object, not only first.
            AllowOutOfOrderMetadataProperties = true,
            Converters = { new FiniteSingleConverter() },
        };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public NetworkPreset ToPreset(PresetErrors errors)
    {
        if (PresetLibrary.NameProblem(Name) is { } problem)
            throw errors.Error("$.name", $"{problem}; a preset name becomes a directory name, so it must be {PresetLibrary.NameForm}");
        var (channels, height, width) = Input.ToShape(errors, "$.input");
        int classes = errors.AtLeast(Classes, 2, "$.classes");
        var hebbian = Hebbian.ToSpec(errors, "$.hebbian");
        var layers = Layers.Select((layer, i) => layer is null ? throw errors.Explain($"$.layers[{i}]") : layer.ToSpec(errors, $"$.layers[{i}]"))
            .ToArray();
        var preset = new NetworkPreset(Name, Description ?? "", channels, height, width, classes, hebbian, layers, Readout.ToSpec(errors, "$.readout"));
        try
        {
            _ = preset.LayerOutputShapes();
        }
        catch (ArgumentException e)
        {
            throw errors.Error($"$.layers[{ShapeFailureIndex(preset)}]", $"the shapes do not chain: {e.Message}", e);
        }
        return preset;
    }

    static int ShapeFailureIndex(NetworkPreset preset)
    {
        for (int i = 1; i <= preset.Layers.Count; i++)
        {
            try { _ = (preset with { Layers = preset.Layers.Take(i).ToArray() }).LayerOutputShapes(); }
            catch (ArgumentException) { return i - 1; }
        }
        return preset.Layers.Count - 1;
    }
}

internal sealed record InputJson(int Channels, int Height, int Width)
{
    public (int Channels, int Height, int Width) ToShape(PresetErrors errors, string path) =>
        (errors.AtLeast(Channels, 1, $"{path}.channels"), errors.AtLeast(Height, 1, $"{path}.height"), errors.AtLeast(Width, 1, $"{path}.width"));
}

internal sealed record HebbianJson(int Epochs, int BatchSize, AugmentationJson? Augmentation = null, int? Images = null)
{
    public HebbianPhaseSpec ToSpec(PresetErrors errors, string path) => new(
        errors.AtLeast(Epochs, 0, $"{path}.epochs"),
        errors.AtLeast(BatchSize, 2, $"{path}.batchSize"),
        AugmentationJson.ToSpec(Augmentation, errors, $"{path}.augmentation"),
        errors.AtLeast(Images, 1, $"{path}.images"));
}

internal sealed record ReadoutJson(float Dropout, int Epochs, int BatchSize, float LearningRate, AugmentationJson? Augmentation = null,
    int? AugmentedViews = null)
{
    public ReadoutSpec ToSpec(PresetErrors errors, string path)
    {
        float dropout = errors.AtLeast(Dropout, 0, $"{path}.dropout");
        if (dropout >= 1)
            throw errors.Error($"{path}.dropout", $"expected a probability in [0, 1), found {dropout.ToString(CultureInfo.InvariantCulture)}");
        var spec = new ReadoutSpec(dropout, errors.AtLeast(Epochs, 0, $"{path}.epochs"), errors.AtLeast(BatchSize, 1, $"{path}.batchSize"),
            errors.LearningRate(LearningRate, $"{path}.learningRate"), AugmentationJson.ToSpec(Augmentation, errors, $"{path}.augmentation"),
            errors.AtLeast(AugmentedViews, 1, $"{path}.augmentedViews"));
        if (spec.AugmentedViews is not null && spec.Augmentation.Kind == AugmentationKind.None)
            throw errors.Error($"{path}.augmentedViews", "expected no augmentedViews when the read-out's augmentation is 'none' (there is nothing to vary)");
        return spec;
    }
}

/// <summary>
/// A Hebbian layer; its <c>type</c> picks the record, and a new layer type is one more record here with its line
/// below. The base record is not abstract so that a layer without a type is read as one (and refused by
/// <see cref="ToSpec"/>) rather than failing inside System.Text.Json without a JSON path.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ConvLayerJson), "conv")]
[JsonDerivedType(typeof(LinearLayerJson), "linear")]
internal record LayerJson(string Rule)
{
    public virtual HebbianLayerSpec ToSpec(PresetErrors errors, string path) => throw errors.Explain(path);

    protected string CheckedRule(PresetErrors errors, string path) => WtaRules.Names.Contains(Rule)
        ? Rule
        : throw errors.Error($"{path}.rule", $"expected one of {string.Join(", ", WtaRules.Names)}, found '{Rule}'");
}

internal sealed record ConvLayerJson(string Rule, int InChannels, int OutChannels, int KernelSize, int Padding, float InverseTemperature,
    float LearningRate, float LearningRatePower, float TrianglePower, bool? PreTriangle = null, string? Pool = null, float? InitRadius = null)
    : LayerJson(Rule)
{
    public override HebbianLayerSpec ToSpec(PresetErrors errors, string path)
    {
        string rule = CheckedRule(errors, path);
        if (Pool is not null)
        {
            try { _ = Tensors.PoolSpec.Parse(Pool); }
            catch (ArgumentException e) { throw errors.Error($"{path}.pool", $"expected type_kernel_stride_padding such as max_4_2_1 ({e.Message})"); }
        }
        var config = new SoftHebbConv2dConfig(
            InChannels: errors.AtLeast(InChannels, 1, $"{path}.inChannels"),
            OutChannels: errors.AtLeast(OutChannels, 1, $"{path}.outChannels"),
            KernelSize: errors.AtLeast(KernelSize, 1, $"{path}.kernelSize"),
            Padding: errors.AtLeast(Padding, 0, $"{path}.padding"),
            InverseTemperature: InverseTemperature,
            LearningRate: errors.LearningRate(LearningRate, $"{path}.learningRate"),
            LearningRatePower: LearningRatePower,
            TrianglePower: errors.AtLeast(TrianglePower, 1e-6f, $"{path}.trianglePower"),
            Pool: Pool,
            Rule: rule);
        return new ConvLayerSpec(config with
        {
            PreTriangle = PreTriangle ?? config.PreTriangle,
            InitRadius = errors.AtLeast(InitRadius, 1e-6f, $"{path}.initRadius") ?? config.InitRadius,
        });
    }
}

internal sealed record LinearLayerJson(string Rule, int InFeatures, int OutFeatures, float InverseTemperature, float LearningRate,
    float? LearningRatePower = null, float? InitRadius = null, float? OutputInverseTemperature = null) : LayerJson(Rule)
{
    public override HebbianLayerSpec ToSpec(PresetErrors errors, string path)
    {
        string rule = CheckedRule(errors, path);
        var config = new SoftHebbLinearConfig(
            InFeatures: errors.AtLeast(InFeatures, 1, $"{path}.inFeatures"),
            OutFeatures: errors.AtLeast(OutFeatures, 1, $"{path}.outFeatures"),
            InverseTemperature: InverseTemperature,
            LearningRate: errors.LearningRate(LearningRate, $"{path}.learningRate"),
            Rule: rule,
            // Absent, the output temperature is none (plain SoftHebb output), not the engine record's default.
            OutputInverseTemperature: OutputInverseTemperature);
        return new LinearLayerSpec(config with
        {
            LearningRatePower = LearningRatePower ?? config.LearningRatePower,
            InitRadius = errors.AtLeast(InitRadius, 1e-6f, $"{path}.initRadius") ?? config.InitRadius,
        });
    }
}

/// <summary>An augmentation; its <c>kind</c> picks the record (not abstract, for the reason given at <see cref="LayerJson"/>).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(NoAugmentationJson), "none")]
[JsonDerivedType(typeof(CropJson), "crop")]
[JsonDerivedType(typeof(CropFlipJson), "crop-flip")]
[JsonDerivedType(typeof(RandomResizedCropFlipJson), "random-resized-crop-flip")]
[JsonDerivedType(typeof(NoiseJson), "noise")]
internal record AugmentationJson
{
    /// <summary>An absent augmentation is none.</summary>
    public static AugmentationSpec ToSpec(AugmentationJson? augmentation, PresetErrors errors, string path) =>
        augmentation is null ? AugmentationSpec.None : augmentation.ToSpec(errors, path);

    public virtual AugmentationSpec ToSpec(PresetErrors errors, string path) => throw errors.Explain(path);
}

internal sealed record NoAugmentationJson : AugmentationJson
{
    public override AugmentationSpec ToSpec(PresetErrors errors, string path) => AugmentationSpec.None;
}

internal record CropJson(int Padding) : AugmentationJson
{
    protected virtual AugmentationKind Kind => AugmentationKind.Crop;

    public override AugmentationSpec ToSpec(PresetErrors errors, string path) => new(Kind, Padding: errors.AtLeast(Padding, 0, $"{path}.padding"));
}

internal sealed record CropFlipJson(int Padding) : CropJson(Padding)
{
    protected override AugmentationKind Kind => AugmentationKind.CropFlip;
}

internal sealed record RandomResizedCropFlipJson(float? ScaleMin = null, float? ScaleMax = null) : AugmentationJson
{
    public override AugmentationSpec ToSpec(PresetErrors errors, string path)
    {
        var spec = new AugmentationSpec(AugmentationKind.RandomResizedCropFlip);
        spec = spec with
        {
            ScaleMin = errors.AtLeast(ScaleMin, 1e-6f, $"{path}.scaleMin") ?? spec.ScaleMin,
            ScaleMax = errors.AtLeast(ScaleMax, 1e-6f, $"{path}.scaleMax") ?? spec.ScaleMax,
        };
        return spec.ScaleMin <= spec.ScaleMax && spec.ScaleMax <= 1 ? spec : throw errors.Error($"{path}.scaleMax", "expected 0 < scaleMin <= scaleMax <= 1");
    }
}

internal sealed record NoiseJson(float Std) : AugmentationJson
{
    public override AugmentationSpec ToSpec(PresetErrors errors, string path) =>
        new(AugmentationKind.Noise, NoiseStd: errors.AtLeast(Std, 0, $"{path}.std"));
}

/// <summary>Reads a float as presets always have: a JSON number read as a double and kept when it fits a float (1e300 is
/// refused, where System.Text.Json would read infinity). A refusal carries no words: <see cref="PresetErrors.Explain"/>
/// says what was found at its path.</summary>
internal sealed class FiniteSingleConverter : JsonConverter<float>
{
    public override float Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out double value) && float.IsFinite((float)value)
            ? (float)value
            : throw new JsonException();

    public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
}
