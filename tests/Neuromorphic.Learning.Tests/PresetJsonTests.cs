namespace Neuromorphic.Learning.Tests;

/// <summary>
/// Presets read by System.Text.Json into records: the layer type and augmentation kind pick the record, and every
/// refusal keeps the words presets have always used (file, JSON path, what was expected, what was found).
/// </summary>
public class PresetJsonTests
{
    const string FirstLayerType = "\"type\": \"conv\",\n      \"inChannels\": 3,";
    const string HebbianNone = "\"augmentation\": {\n      \"kind\": \"none\"\n    }\n  },";

    static string Edited(string preset, params (string From, string To)[] edits)
    {
        string json = PresetLibrary.BuiltInJson(preset);
        foreach (var (from, to) in edits)
        {
            Assert.Contains(from, json);
            json = json.Replace(from, to);
        }
        return json;
    }

    static void AssertRefused(string json, string message) =>
        Assert.Equal(message, Assert.Throws<PresetFormatException>(() => PresetLibrary.Parse(json, "bad.json")).Message);

    static void AssertRefused(string preset, string from, string to, string message) => AssertRefused(Edited(preset, (from, to)), message);

    static NetworkPreset Parsed(string preset, params (string From, string To)[] edits) => PresetLibrary.Parse(Edited(preset, edits), "ok.json");

    [Theory]
    [InlineData("\"type\": \"pool\",", "$.layers[0].type: expected \"conv\" or \"linear\", found 'pool'")]
    [InlineData("\"type\": 5,", "$.layers[0].type: expected a string, found the number 5")]
    [InlineData("\"type\": null,", "$.layers[0].type: missing value: expected a string")]
    [InlineData("", "$.layers[0].type: missing value: expected a string")]
    public void The_layer_type_picks_the_layer_and_is_checked(string type, string problem) =>
        AssertRefused("cifar10", FirstLayerType, type + "\n      \"inChannels\": 3,", $"bad.json: {problem}");

    [Fact]
    public void The_layer_type_may_stand_anywhere_in_its_layer()
    {
        var preset = Parsed("cifar10", (FirstLayerType, "\"inChannels\": 3, \"kernelSize\": 5, \"type\": \"conv\","), ("\"kernelSize\": 5,\n", ""));
        Assert.Equal(PresetLibrary.Load("cifar10").Layers[0], preset.Layers[0]);
    }

    [Theory]
    [InlineData("\"kind\": \"zoom\"", "kind: expected one of none, crop, crop-flip, random-resized-crop-flip, noise, found 'zoom'")]
    [InlineData("\"padding\": 3", "kind: missing value: expected a string")]
    [InlineData("\"kind\": \"crop\"", "padding: missing value: expected a whole number")]
    [InlineData("\"kind\": \"crop\", \"padding\": 1, \"scaleMin\": 0.5", "scaleMin: unknown field 'scaleMin'; expected only kind, padding")]
    [InlineData("\"kind\": \"none\", \"std\": 1", "std: unknown field 'std'; expected only kind")]
    [InlineData("\"kind\": \"random-resized-crop-flip\", \"scaleMin\": 0.9, \"scaleMax\": 0.5", "scaleMax: expected 0 < scaleMin <= scaleMax <= 1")]
    [InlineData("\"kind\": \"noise\", \"std\": -1", "std: expected a number >= 0, found -1")]
    public void The_augmentation_kind_picks_its_fields(string augmentation, string problem) =>
        AssertRefused("cifar10", HebbianNone, $"\"augmentation\": {{ {augmentation} }}\n  }},", $"bad.json: $.hebbian.augmentation.{problem}");

    [Fact]
    public void Each_augmentation_kind_reads_into_its_spec()
    {
        AugmentationSpec Read(string augmentation) => Parsed("cifar10", (HebbianNone, $"\"augmentation\": {{ {augmentation} }}\n  }},")).Hebbian.Augmentation;
        Assert.Equal(AugmentationSpec.None, Read("\"kind\": \"none\""));
        Assert.Equal(new AugmentationSpec(AugmentationKind.Crop, Padding: 2), Read("\"kind\": \"crop\", \"padding\": 2"));
        Assert.Equal(new AugmentationSpec(AugmentationKind.CropFlip, Padding: 4), Read("\"padding\": 4, \"kind\": \"crop-flip\""));
        Assert.Equal(new AugmentationSpec(AugmentationKind.Noise, NoiseStd: 0.5f), Read("\"kind\": \"noise\", \"std\": 0.5"));
        Assert.Equal(new AugmentationSpec(AugmentationKind.RandomResizedCropFlip, ScaleMin: 0.25f),
            Read("\"kind\": \"random-resized-crop-flip\", \"scaleMin\": 0.25"));
    }

    [Theory]
    [InlineData("null", "$: expected an object, found null")]
    [InlineData("5", "$: expected an object, found the number 5")]
    [InlineData("[]", "$: expected an object, found an array")]
    [InlineData("{}", "$.name: missing value: expected a string")]
    public void A_document_that_is_not_a_preset_object_is_refused(string json, string problem) => AssertRefused(json, $"bad.json: {problem}");

    [Theory]
    [InlineData("\"layers\": [", "\"layers\": [null, ", "$.layers[0]: expected an object, found null")]
    [InlineData("\"layers\": [", "\"layers\": [[], ", "$.layers[0]: expected an object, found an array")]
    [InlineData("\"layers\": [", "\"layers\": {}, \"x\": [", "$.layers: expected an array, found an object")]
    [InlineData("\"layers\": [", "\"layers\": null, \"x\": [", "$.layers: missing value: expected an array")]
    [InlineData("\"input\": {", "\"input\": null, \"x\": {", "$.input: missing value: expected an object")]
    [InlineData("\"input\": {", "\"input\": 3, \"x\": {", "$.input: expected an object, found the number 3")]
    [InlineData("\"name\": \"cifar10\"", "\"Name\": \"cifar10\"", "$.name: missing value: expected a string")]
    [InlineData("\"initRadius\": 25", "\"initRadius\": 1e300", "$.layers[0].initRadius: expected a number within ±3.4028235E+38, found 1e300")]
    [InlineData("\"learningRate\": 0.08", "\"learningRate\": 1e400", "$.layers[0].learningRate: expected a number, found the number 1e400")]
    [InlineData("\"learningRate\": 0.08", "\"learningRate\": -1E+2", "$.layers[0].learningRate: expected a number >= 0, found -1E+2")]
    [InlineData("\"learningRate\": 0.08", "\"learningRate\": \"0.08\"", "$.layers[0].learningRate: expected a number, found the string \"0.08\"")]
    [InlineData("\"kernelSize\": 5", "\"kernelSize\": 5.0", "$.layers[0].kernelSize: expected a whole number, found the number 5.0")]
    [InlineData("\"kernelSize\": 5", "\"kernelSize\": 2147483648", "$.layers[0].kernelSize: expected a whole number, found the number 2147483648")]
    [InlineData("\"kernelSize\": 5", "\"kernelSize\": null", "$.layers[0].kernelSize: missing value: expected a whole number")]
    [InlineData("\"pool\": \"max_4_2_1\"", "\"pool\": \"max_4_2_1\", \"preTriangle\": 1", "$.layers[0].preTriangle: expected true or false, found the number 1")]
    [InlineData("\"rule\": \"softkrotov\"", "\"rule\": \"Soft\"", "$.layers[0].rule: expected one of soft, softkrotov, hard, found 'Soft'")]
    public void A_member_of_the_wrong_shape_or_value_is_named_and_quoted_as_written(string from, string to, string problem) =>
        AssertRefused("cifar10", from, to, $"bad.json: {problem}");

    [Theory]
    [InlineData("\"classes\": 10,", "\"classes\": 10, \"x\": 1,", "$.x: unknown field 'x'; expected only classes, description, hebbian, input, layers, name, readout")]
    [InlineData("\"classes\": 10,", "\"classes\": 10, \"$id\": \"1\",", "$['$id']: unknown field '$id'; expected only classes, description, hebbian, input, layers, name, readout")]
    [InlineData(FirstLayerType, "\"$type\": \"conv\", " + FirstLayerType, "$.layers[0]['$type']: unknown field '$type'; expected only inChannels, initRadius, "
        + "inverseTemperature, kernelSize, learningRate, learningRatePower, outChannels, padding, pool, preTriangle, rule, trianglePower, type")]
    public void An_unknown_field_is_named_with_the_fields_its_object_takes(string from, string to, string problem) =>
        AssertRefused("cifar10", from, to, $"bad.json: {problem}");

    [Fact]
    public void A_linear_layer_takes_only_its_own_fields()
    {
        AssertRefused("mnist-mlp", "\"type\": \"linear\",", "\"type\": \"linear\", \"trianglePower\": 1,",
            "bad.json: $.layers[0].trianglePower: unknown field 'trianglePower'; expected only inFeatures, initRadius, inverseTemperature, learningRate, "
            + "learningRatePower, outFeatures, outputInverseTemperature, rule, type");
        var linear = Parsed("mnist-mlp", (",\n      \"outputInverseTemperature\": 5", "")).Layers[0].Linear!;
        Assert.Null(linear.OutputInverseTemperature); // absent: none, not the engine record's default
    }

    [Fact]
    public void A_null_optional_member_is_the_same_as_an_absent_one()
    {
        Assert.Equal(Parsed("cifar10", ("\"pool\": \"max_4_2_1\",", "")).Layers[0], Parsed("cifar10", ("\"pool\": \"max_4_2_1\"", "\"pool\": null")).Layers[0]);
        Assert.Equal(Parsed("cifar10", (",\n      \"initRadius\": 25", "")).Layers[0], Parsed("cifar10", ("\"initRadius\": 25", "\"initRadius\": null")).Layers[0]);
        Assert.Equal(Parsed("cifar10").Layers[0], Parsed("cifar10", ("\"pool\": \"max_4_2_1\"", "\"pool\": \"max_4_2_1\", \"preTriangle\": null")).Layers[0]);
        Assert.Equal(AugmentationSpec.None, Parsed("cifar10", (HebbianNone, "\"augmentation\": null\n  },")).Hebbian.Augmentation);
        var mlp = Parsed("mnist-mlp", ("\"outputInverseTemperature\": 5", "\"outputInverseTemperature\": null"), ("\"learningRatePower\": 0.2", "\"learningRatePower\": null"));
        Assert.Equal(new SoftHebbLinearConfig(784, 2000, 12, 0.045f, InitRadius: 35, OutputInverseTemperature: null), mlp.Layers[0].Linear);
    }

    [Fact]
    public void Comments_are_skipped_and_a_trailing_comma_is_refused()
    {
        Assert.Equal("cifar10", Parsed("cifar10", ("\"description\": ", "// a comment\n  \"description\": /* another */ ")).Name);
        var e = Assert.Throws<PresetFormatException>(() => PresetLibrary.Parse(Edited("cifar10", ("\n  }\n}", "\n  },\n}")), "bad.json"));
        Assert.StartsWith("bad.json: $: not valid JSON (line 70, byte 1): ", e.Message);
    }
}
