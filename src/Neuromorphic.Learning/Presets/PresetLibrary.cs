using System.Globalization;
using System.Reflection;
using System.Text.Json;

namespace Neuromorphic.Learning;

/// <summary>
/// Loads network presets: the built-in ones (JSON files embedded from Presets/*.json) by name, or any
/// file by path. Loading validates strictly: an unknown field, a wrong type, a missing value or shapes
/// that do not chain raise a <see cref="PresetFormatException"/> naming the file, the JSON path and what
/// was expected.
/// </summary>
public static class PresetLibrary
{
    const string ResourcePrefix = "Neuromorphic.Learning.Presets.";
    const string ResourceSuffix = ".json";

    /// <summary>Names of the built-in presets, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(PresetLibrary).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(ResourceSuffix, StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..^ResourceSuffix.Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>A built-in preset name (see <see cref="Names"/>) or the path of a preset JSON file.</summary>
    public static NetworkPreset Load(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (Names.Contains(nameOrPath)) return Parse(BuiltInJson(nameOrPath), $"built-in preset '{nameOrPath}'");
        if (File.Exists(nameOrPath)) return Parse(File.ReadAllText(nameOrPath), Path.GetFullPath(nameOrPath));
        throw new FileNotFoundException(
            $"'{nameOrPath}' is neither a built-in preset ({string.Join(", ", Names)}) nor an existing file.", nameOrPath);
    }

    /// <summary>The JSON text of a built-in preset.</summary>
    public static string BuiltInJson(string name)
    {
        using var stream = typeof(PresetLibrary).Assembly.GetManifestResourceStream(ResourcePrefix + name + ResourceSuffix)
            ?? throw new ArgumentException($"No built-in preset '{name}'; the built-in presets are {string.Join(", ", Names)}.", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Parses and validates preset JSON; <paramref name="source"/> names it in errors.</summary>
    public static NetworkPreset Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new PresetFormatException(source, e.Path ?? "$",
                $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }
        using (document)
        {
            RejectDuplicateKeys(document.RootElement, "$", source);
            var root = new JsonObjectReader(document.RootElement, "$", source);
            var preset = ReadPreset(root);
            try
            {
                _ = preset.LayerOutputShapes();
            }
            catch (ArgumentException e)
            {
                int index = ShapeFailureIndex(preset);
                throw new PresetFormatException(source, $"$.layers[{index}]", $"the shapes do not chain: {e.Message}", e);
            }
            return preset;
        }
    }

    /// <summary>JsonDocument keeps every duplicate and lookups return the last one, so a repeated key would silently
    /// override the first: refuse it, at any depth, in document order.</summary>
    static void RejectDuplicateKeys(JsonElement element, string path, string source)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                string child = JsonObjectReader.Child(path, property.Name);
                if (!seen.Add(property.Name))
                    throw new PresetFormatException(source, child, $"duplicate key '{property.Name}'");
                RejectDuplicateKeys(property.Value, child, source);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in element.EnumerateArray()) RejectDuplicateKeys(item, $"{path}[{i++}]", source);
        }
    }

    /// <summary>Longest accepted preset name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The accepted form of a preset name, for messages.</summary>
    public const string NameForm = "1 to 100 characters: letters, digits, '-', '_' and '.', not starting with '.' and without '..'";

    /// <summary>Why <paramref name="name"/> cannot be a preset name (it becomes the run directory runs/NAME-seedN, so it
    /// must not be a path), or null when it can.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0) return "the name is empty";
        if (name.Length > MaxNameLength) return $"the name has {name.Length} characters, more than {MaxNameLength}";
        if (name[0] == '.') return "the name starts with '.'";
        if (name.Contains("..", StringComparison.Ordinal)) return "the name contains '..'";
        foreach (char ch in name)
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.'))
                return $"the name contains '{ch}' (U+{(int)ch:X4})";
        return null;
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

    static NetworkPreset ReadPreset(JsonObjectReader root)
    {
        string name = root.String("name");
        if (NameProblem(name) is { } problem)
            throw root.Error("name", $"{problem}; a preset name becomes a directory name, so it must be {NameForm}");
        string description = root.StringOr("description", null) ?? "";
        var input = root.Object("input");
        int channels = input.Int("channels", min: 1), height = input.Int("height", min: 1), width = input.Int("width", min: 1);
        input.End();
        int classes = root.Int("classes", min: 2);

        var hebbian = root.Object("hebbian");
        var hebbianSpec = new HebbianPhaseSpec(hebbian.Int("epochs", min: 0), hebbian.Int("batchSize", min: 2), ReadAugmentation(hebbian),
            hebbian.IntOrNull("images", min: 1));
        hebbian.End();

        var layers = new List<HebbianLayerSpec>();
        foreach (var layer in root.Array("layers")) layers.Add(ReadLayer(layer));

        var readout = root.Object("readout");
        float dropout = readout.Number("dropout", min: 0);
        if (dropout >= 1) throw readout.Error("dropout", $"expected a probability in [0, 1), found {dropout.ToString(CultureInfo.InvariantCulture)}");
        var readoutSpec = new ReadoutSpec(dropout, readout.Int("epochs", min: 0), readout.Int("batchSize", min: 1),
            ReadLearningRate(readout), ReadAugmentation(readout), readout.IntOrNull("augmentedViews", min: 1));
        if (readoutSpec.AugmentedViews is not null && readoutSpec.Augmentation.Kind == AugmentationKind.None)
            throw readout.Error("augmentedViews", "expected no augmentedViews when the read-out's augmentation is 'none' (there is nothing to vary)");
        readout.End();
        root.End();
        return new NetworkPreset(name, description, channels, height, width, classes, hebbianSpec, layers, readoutSpec);
    }

    /// <summary>
    /// The one check of a preset's learning rates, the Hebbian layers' lr (spec §2 step 8) and the read-out's Adam lr
    /// alike: a finite number >= 0 ("file: $.layers[0].learningRate: expected a number >= 0, found -1").
    /// </summary>
    static float ReadLearningRate(JsonObjectReader parent) => parent.Number("learningRate", min: 0);

    // An optional field that is absent takes the default of the record it fills: the records' optional parameters
    // (SoftHebbConv2dConfig, SoftHebbLinearConfig, AugmentationSpec) are the one place each default is written.
    static readonly SoftHebbConv2dConfig ConvDefaults = new(InChannels: 1, OutChannels: 1, KernelSize: 1, Padding: 0,
        InverseTemperature: 1, LearningRate: 0, LearningRatePower: 0, TrianglePower: 1);
    static readonly SoftHebbLinearConfig LinearDefaults = new(InFeatures: 1, OutFeatures: 1, InverseTemperature: 1, LearningRate: 0);
    static readonly AugmentationSpec AugmentationDefaults = new(AugmentationKind.RandomResizedCropFlip);

    static AugmentationSpec ReadAugmentation(JsonObjectReader parent)
    {
        if (!parent.Has("augmentation")) return AugmentationSpec.None;
        var a = parent.Object("augmentation");
        string kind = a.String("kind");
        AugmentationSpec spec = kind switch
        {
            "none" => AugmentationSpec.None,
            "crop-flip" => new AugmentationSpec(AugmentationKind.CropFlip, Padding: a.Int("padding", min: 0)),
            "crop" => new AugmentationSpec(AugmentationKind.Crop, Padding: a.Int("padding", min: 0)),
            "noise" => new AugmentationSpec(AugmentationKind.Noise, NoiseStd: a.Number("std", min: 0)),
            "random-resized-crop-flip" => new AugmentationSpec(AugmentationKind.RandomResizedCropFlip,
                ScaleMin: a.NumberOr("scaleMin", AugmentationDefaults.ScaleMin, min: 1e-6f),
                ScaleMax: a.NumberOr("scaleMax", AugmentationDefaults.ScaleMax, min: 1e-6f)),
            _ => throw a.Error("kind", $"expected one of none, crop, crop-flip, random-resized-crop-flip, noise, found '{kind}'"),
        };
        if (spec.ScaleMin > spec.ScaleMax || spec.ScaleMax > 1)
            throw a.Error("scaleMax", "expected 0 < scaleMin <= scaleMax <= 1");
        a.End();
        return spec;
    }

    static HebbianLayerSpec ReadLayer(JsonObjectReader layer)
    {
        string type = layer.String("type");
        string rule = layer.String("rule");
        if (!WtaRules.Names.Contains(rule))
            throw layer.Error("rule", $"expected one of {string.Join(", ", WtaRules.Names)}, found '{rule}'");
        HebbianLayerSpec spec;
        switch (type)
        {
            case "conv":
            {
                string? pool = layer.StringOr("pool", null);
                if (pool is not null)
                {
                    try { _ = Tensors.PoolSpec.Parse(pool); }
                    catch (ArgumentException e) { throw layer.Error("pool", $"expected type_kernel_stride_padding such as max_4_2_1 ({e.Message})"); }
                }
                var config = new SoftHebbConv2dConfig(
                    InChannels: layer.Int("inChannels", min: 1),
                    OutChannels: layer.Int("outChannels", min: 1),
                    KernelSize: layer.Int("kernelSize", min: 1),
                    Padding: layer.Int("padding", min: 0),
                    InverseTemperature: layer.Number("inverseTemperature"),
                    LearningRate: ReadLearningRate(layer),
                    LearningRatePower: layer.Number("learningRatePower"),
                    TrianglePower: layer.Number("trianglePower", min: 1e-6f),
                    PreTriangle: layer.BoolOr("preTriangle", ConvDefaults.PreTriangle),
                    Pool: pool,
                    Rule: rule,
                    InitRadius: layer.NumberOr("initRadius", ConvDefaults.InitRadius, min: 1e-6f));
                spec = new HebbianLayerSpec(config, null);
                break;
            }
            case "linear":
            {
                var config = new SoftHebbLinearConfig(
                    InFeatures: layer.Int("inFeatures", min: 1),
                    OutFeatures: layer.Int("outFeatures", min: 1),
                    InverseTemperature: layer.Number("inverseTemperature"),
                    LearningRate: ReadLearningRate(layer),
                    LearningRatePower: layer.NumberOr("learningRatePower", LinearDefaults.LearningRatePower),
                    Rule: rule,
                    InitRadius: layer.NumberOr("initRadius", LinearDefaults.InitRadius, min: 1e-6f),
                    OutputInverseTemperature: layer.Has("outputInverseTemperature") ? layer.Number("outputInverseTemperature") : null);
                spec = new HebbianLayerSpec(null, config);
                break;
            }
            default:
                throw layer.Error("type", $"expected \"conv\" or \"linear\", found '{type}'");
        }
        layer.End();
        return spec;
    }
}

/// <summary>
/// Strict reading of one JSON object: typed getters that report the JSON path on failure, and
/// <see cref="End"/>, which rejects fields nobody asked for (typos must not pass silently).
/// </summary>
internal sealed class JsonObjectReader
{
    readonly JsonElement _element;
    readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public JsonObjectReader(JsonElement element, string path, string source)
    {
        (Path, Source, _element) = (path, source, element);
        if (element.ValueKind != JsonValueKind.Object)
            throw new PresetFormatException(source, path, $"expected an object, found {Describe(element)}");
    }

    public string Path { get; }
    public string Source { get; }

    public bool Has(string name) => _element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    public PresetFormatException Error(string name, string problem) => new(Source, Child(Path, name), problem);

    /// <summary>The JSON path of member <paramref name="name"/> of the object at <paramref name="path"/>: $.a.b, or
    /// $['a b'] for a key that is not a plain identifier (keys come from the file and may hold anything).</summary>
    public static string Child(string path, string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? $"{path}.{name}"
            : $"{path}['{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";

    JsonElement Get(string name, string expected)
    {
        _read.Add(name);
        if (!_element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            throw Error(name, $"missing value: expected {expected}");
        return value;
    }

    public string String(string name)
    {
        var v = Get(name, "a string");
        if (v.ValueKind != JsonValueKind.String) throw Error(name, $"expected a string, found {Describe(v)}");
        return v.GetString()!;
    }

    public string? StringOr(string name, string? fallback) => Has(name) ? String(name) : Mark(name, fallback);

    public int Int(string name, int min = int.MinValue)
    {
        var v = Get(name, "a whole number");
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out int value))
            throw Error(name, $"expected a whole number, found {Describe(v)}");
        if (value < min) throw Error(name, $"expected a whole number >= {min}, found {value}");
        return value;
    }

    public float Number(string name, float min = float.NegativeInfinity)
    {
        var v = Get(name, "a number");
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetDouble(out double d) || !double.IsFinite(d))
            throw Error(name, $"expected a number, found {Describe(v)}");
        float value = (float)d;
        // A double such as 1e300 is finite but overflows the float the preset holds.
        if (!float.IsFinite(value)) throw Error(name, $"expected a number within ±{float.MaxValue.ToString(CultureInfo.InvariantCulture)}, found {v.GetRawText()}");
        if (value < min) throw Error(name, $"expected a number >= {min.ToString(CultureInfo.InvariantCulture)}, found {v.GetRawText()}");
        return value;
    }

    public float NumberOr(string name, float fallback, float min = float.NegativeInfinity) => Has(name) ? Number(name, min) : Mark(name, fallback);

    /// <summary>An optional whole number: null when absent.</summary>
    public int? IntOrNull(string name, int min = int.MinValue) => Has(name) ? Int(name, min) : Mark<int?>(name, null);

    public bool BoolOr(string name, bool fallback)
    {
        if (!Has(name)) return Mark(name, fallback);
        var v = Get(name, "true or false");
        if (v.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw Error(name, $"expected true or false, found {Describe(v)}");
        return v.GetBoolean();
    }

    public JsonObjectReader Object(string name) => new(Get(name, "an object"), Child(Path, name), Source);

    public IEnumerable<JsonObjectReader> Array(string name)
    {
        var v = Get(name, "an array");
        if (v.ValueKind != JsonValueKind.Array) throw Error(name, $"expected an array, found {Describe(v)}");
        int i = 0;
        var items = new List<JsonObjectReader>();
        foreach (var item in v.EnumerateArray()) items.Add(new JsonObjectReader(item, $"{Child(Path, name)}[{i++}]", Source));
        return items;
    }

    /// <summary>Rejects any field that was never asked for.</summary>
    public void End()
    {
        foreach (var property in _element.EnumerateObject())
        {
            if (!_read.Contains(property.Name))
                throw new PresetFormatException(Source, Child(Path, property.Name),
                    $"unknown field '{property.Name}'; expected only {string.Join(", ", _read.Order(StringComparer.Ordinal))}");
        }
    }

    T Mark<T>(string name, T value)
    {
        _read.Add(name);
        return value;
    }

    static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Shorten(v.GetString()!)}\"",
        JsonValueKind.Number => $"the number {Shorten(v.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {v.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    /// <summary>Values echoed in messages are cut, so a stray megabyte of text does not become the message.</summary>
    static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
