namespace Neuromorphic.Learning.Tests;

public class PresetTests
{
    [Theory]
    [InlineData("cifar10", 1536, 4, 4)]
    [InlineData("cifar100", 1536, 4, 4)]
    [InlineData("cifar10-1layer", 96, 16, 16)]
    [InlineData("cifar10-2layer", 384, 8, 8)]
    [InlineData("stl10", 6144, 6, 6)]
    [InlineData("imagenet", 12288, 5, 5)]
    [InlineData("mnist", 1536, 3, 3)]
    [InlineData("mnist-mlp", 2000, 1, 1)]
    [InlineData("mnist-small", 128, 7, 7)]
    public void Built_in_presets_load_and_their_shapes_chain(string name, int c, int h, int w)
    {
        Assert.Contains(name, PresetLibrary.Names);
        var preset = PresetLibrary.Load(name);
        Assert.Equal(name, preset.Name);
        Assert.Equal((c, h, w), preset.FeatureShape);
    }

    [Fact]
    public void Preset_details_follow_the_spec()
    {
        Assert.Equal(9, PresetLibrary.Names.Count);
        var cifar = PresetLibrary.Load("cifar10");
        Assert.Equal([(96, 16, 16), (384, 8, 8), (1536, 4, 4)], cifar.LayerOutputShapes());
        Assert.Equal(0.65f, cifar.Layers[1].Conv!.InverseTemperature);
        Assert.Equal("softkrotov", cifar.Layers[2].Conv!.Rule);
        Assert.Equal((50, 64, 0.5f), (cifar.Readout.Epochs, cifar.Readout.BatchSize, cifar.Readout.Dropout));
        Assert.Equal(10, cifar.Hebbian.BatchSize);
        Assert.Null(cifar.Hebbian.Images);
        Assert.Equal(128116, PresetLibrary.Load("imagenet").Hebbian.Images); // spec: ImageNet_1160, about 10 % of the training set
        Assert.True(PresetLibrary.Load("cifar10-2layer").Layers[1].Conv!.PreTriangle);
        Assert.Equal(AugmentationKind.CropFlip, PresetLibrary.Load("stl10").Readout.Augmentation.Kind);
        Assert.Equal(4, PresetLibrary.Load("stl10").Readout.Augmentation.Padding);
        var mlp = PresetLibrary.Load("mnist-mlp").Layers[0].Linear!;
        Assert.Equal((784, 2000, 12f, 0.045f, 35f, 5f), (mlp.InFeatures, mlp.OutFeatures, mlp.InverseTemperature, mlp.LearningRate, mlp.InitRadius, mlp.OutputInverseTemperature!.Value));
    }

    [Fact]
    public void A_preset_file_loads_by_path()
    {
        string path = Path.Combine(Path.GetTempPath(), $"preset-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, PresetLibrary.BuiltInJson("mnist-small"));
        try { Assert.Equal("mnist-small", PresetLibrary.Load(path).Name); }
        finally { File.Delete(path); }
    }

    static PresetFormatException Malformed(string from, string to)
    {
        string json = PresetLibrary.BuiltInJson("cifar10");
        Assert.Contains(from, json);
        return Assert.Throws<PresetFormatException>(() => PresetLibrary.Parse(json.Replace(from, to), "bad.json"));
    }

    [Fact]
    public void Unknown_field_is_named()
    {
        var e = Malformed("\"kernelSize\": 5", "\"kernelSze\": 5");
        Assert.Contains("bad.json", e.Message);
        // kernelSize is now missing, which is reported first; an extra field alone:
        e = Malformed("\"kernelSize\": 5,", "\"kernelSize\": 5, \"stride\": 2,");
        Assert.Equal("$.layers[0].stride", e.JsonPath);
        Assert.Contains("unknown field 'stride'", e.Message);
    }

    [Fact]
    public void Wrong_type_missing_value_and_bad_shapes_are_named()
    {
        var e = Malformed("\"kernelSize\": 5", "\"kernelSize\": \"five\"");
        Assert.Equal("$.layers[0].kernelSize", e.JsonPath);
        Assert.Contains("expected a whole number", e.Message);
        Assert.Contains("bad.json: $.layers[0].kernelSize", e.Message);

        e = Malformed("\"kernelSize\": 5,", "");
        Assert.Equal("$.layers[0].kernelSize", e.JsonPath);
        Assert.Contains("missing", e.Message);

        e = Malformed("\"inChannels\": 96", "\"inChannels\": 95");
        Assert.Equal("$.layers[1]", e.JsonPath);
        Assert.Contains("96", e.Message);

        e = Malformed("\"max_4_2_1\"", "\"max_4_2\"");
        Assert.Equal("$.layers[0].pool", e.JsonPath);

        e = Assert.Throws<PresetFormatException>(() => PresetLibrary.Parse("{ \"name\": ", "cut.json"));
        Assert.Contains("cut.json", e.Message);
    }

    [Fact]
    public void Hebbian_image_count_must_be_positive()
    {
        var e = Malformed("\"batchSize\": 10,", "\"batchSize\": 10, \"images\": 0,");
        Assert.Equal("$.hebbian.images", e.JsonPath);
        Assert.Contains(">= 1", e.Message);
        string json = PresetLibrary.BuiltInJson("cifar10").Replace("\"batchSize\": 10,", "\"batchSize\": 10, \"images\": 500,");
        Assert.Equal(500, PresetLibrary.Parse(json, "ok.json").Hebbian.Images);
    }

    [Fact]
    public void Readout_crop_and_cached_copies_parse_and_copies_need_an_augmentation()
    {
        const string plain = "\"batchSize\": 64,\n    \"learningRate\": 0.001,\n    \"augmentation\": {\n      \"kind\": \"none\"\n    }";
        var e = Malformed(plain, plain + ", \"augmentedViews\": 4");
        Assert.Equal("$.readout.augmentedViews", e.JsonPath);
        Assert.Contains("'none'", e.Message);

        string shifted = PresetLibrary.BuiltInJson("cifar10").Replace(plain,
            "\"batchSize\": 64, \"learningRate\": 0.001, \"augmentation\": { \"kind\": \"crop\", \"padding\": 2 }, \"augmentedViews\": 4");
        var readout = PresetLibrary.Parse(shifted, "ok.json").Readout;
        Assert.Equal(new AugmentationSpec(AugmentationKind.Crop, Padding: 2), readout.Augmentation);
        Assert.Equal(4, readout.AugmentedViews);
        e = Assert.Throws<PresetFormatException>(() => PresetLibrary.Parse(shifted.Replace("\"augmentedViews\": 4", "\"augmentedViews\": 0"), "bad.json"));
        Assert.Equal("$.readout.augmentedViews", e.JsonPath);
        Assert.Null(PresetLibrary.Load("cifar10").Readout.AugmentedViews);

        var noisy = PresetLibrary.Parse(shifted.Replace("\"kind\": \"crop\", \"padding\": 2", "\"kind\": \"noise\", \"std\": 1"), "ok.json").Readout;
        Assert.Equal(new AugmentationSpec(AugmentationKind.Noise, NoiseStd: 1), noisy.Augmentation);
        e = Assert.Throws<PresetFormatException>(() => PresetLibrary.Parse(shifted.Replace("\"kind\": \"crop\", \"padding\": 2", "\"kind\": \"noise\""), "bad.json"));
        Assert.Equal("$.readout.augmentation.std", e.JsonPath);
    }

    [Fact]
    public void A_presets_identity_in_checkpoints_is_the_one_earlier_versions_wrote()
    {
        // The value in the checkpoints of mnist-small runs written before the layer kinds became subclasses: a change to
        // how a preset serialises would make every earlier checkpoint refuse to resume ("--preset ... differs").
        Assert.Equal("194d0b03ffe63885cc91d6ce79c86083f6244055e727abd12430d0aa614fc2e3",
            Neuromorphic.Learning.Pipeline.SoftHebbTrainer.PresetSha256(PresetLibrary.Load("mnist-small")));
    }
}
