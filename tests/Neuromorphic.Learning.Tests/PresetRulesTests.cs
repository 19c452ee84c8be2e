namespace Neuromorphic.Learning.Tests;

/// <summary>Duplicate keys and preset names (the name becomes the run directory runs/NAME-seedN).</summary>
public class PresetRulesTests
{
    static PresetFormatException Refused(string from, string to, string preset = "cifar10")
    {
        string json = PresetLibrary.BuiltInJson(preset);
        Assert.Contains(from, json);
        return Assert.Throws<PresetFormatException>(() => PresetLibrary.Parse(json.Replace(from, to), "bad.json"));
    }

    [Theory]
    [InlineData("\"name\": \"cifar10\",", "\"name\": \"cifar10\", \"name\": \"other\",", "$.name", "name")]
    [InlineData("\"channels\": 3,", "\"channels\": 3, \"channels\": 1,", "$.input.channels", "channels")]
    [InlineData("\"inChannels\": 96,", "\"inChannels\": 96, \"inChannels\": 96,", "$.layers[1].inChannels", "inChannels")]
    [InlineData("\"kind\": \"none\"\n    }\n  },", "\"kind\": \"none\", \"kind\": \"crop\"\n    }\n  },", "$.hebbian.augmentation.kind", "kind")]
    public void A_duplicate_key_is_refused_with_its_path(string from, string to, string path, string key)
    {
        var e = Refused(from, to);
        Assert.Equal(path, e.JsonPath);
        Assert.Equal($"bad.json: {path}: duplicate key '{key}'", e.Message);
    }

    [Fact]
    public void A_duplicate_key_inside_an_unknown_field_is_refused_too()
    {
        // The duplicate check runs before any field is read, so it names the duplicate, not the unknown field.
        var e = Refused("\"classes\": 10,", "\"classes\": 10, \"extra\": [ { \"a\": 1, \"a\": 2 } ],");
        Assert.Equal("$.extra[0].a", e.JsonPath);
    }

    [Fact]
    public void Odd_keys_are_quoted_in_the_path_and_the_message_stays_on_one_line()
    {
        var e = Refused("\"classes\": 10,", "\"classes\": 10, \"a.b\\nc\": 1,");
        Assert.Equal("$['a.b\nc']", e.JsonPath);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains("$['a.b\\u000ac']", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/etc/passwd")]
    [InlineData("runs/x")]
    [InlineData("a\\\\b")]
    [InlineData("..")]
    [InlineData("a..b")]
    [InlineData(".hidden")]
    [InlineData("C:x")]
    [InlineData("tab\\there")]
    [InlineData("space here")]
    [InlineData("é")]
    public void A_name_that_is_not_a_plain_file_name_is_refused(string name)
    {
        var e = Refused("\"name\": \"cifar10\"", $"\"name\": \"{name}\"");
        Assert.Equal("$.name", e.JsonPath);
        Assert.Contains(PresetLibrary.NameForm, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Name_length_is_limited_and_the_accepted_form_parses()
    {
        var e = Refused("\"name\": \"cifar10\"", $"\"name\": \"{new string('a', PresetLibrary.MaxNameLength + 1)}\"");
        Assert.Contains("101 characters", e.Message);
        foreach (string name in new[] { "a", "my-preset_2.v1", new string('z', PresetLibrary.MaxNameLength) })
        {
            string json = PresetLibrary.BuiltInJson("cifar10").Replace("\"name\": \"cifar10\"", $"\"name\": \"{name}\"");
            Assert.Equal(name, PresetLibrary.Parse(json, "ok.json").Name);
        }
        Assert.All(PresetLibrary.Names, n => Assert.Null(PresetLibrary.NameProblem(n)));
    }

    [Fact]
    public void A_number_beyond_float_range_is_refused()
    {
        var e = Refused("\"learningRate\": 0.08,", "\"learningRate\": 1e300,");
        Assert.Equal("$.layers[0].learningRate", e.JsonPath);
    }

    [Theory]
    [InlineData("cifar10", "\"learningRate\": 0.08,", "\"learningRate\": -0.5,", "$.layers[0].learningRate")]
    [InlineData("mnist-mlp", "\"learningRate\": 0.045,", "\"learningRate\": -0.5,", "$.layers[0].learningRate")]
    [InlineData("cifar10", "\"learningRate\": 0.001,", "\"learningRate\": -0.5,", "$.readout.learningRate")]
    public void A_negative_learning_rate_is_refused_alike_in_every_place(string preset, string from, string to, string path)
    {
        var e = Refused(from, to, preset);
        Assert.Equal($"bad.json: {path}: expected a number >= 0, found -0.5", e.Message);
    }

    [Fact]
    public void Absent_optional_layer_fields_take_the_layer_config_defaults()
    {
        var conv = Parse("cifar10", (",\n      \"initRadius\": 25", "")).Layers[0].Conv!;
        var convDefaults = new SoftHebbConv2dConfig(3, 96, 5, 2, 1, 0.08f, 0.5f, 0.7f);
        Assert.Equal((convDefaults.InitRadius, convDefaults.PreTriangle), (conv.InitRadius, conv.PreTriangle));

        var linear = Parse("mnist-mlp", ("\"learningRatePower\": 0.2,\n", ""), ("\"initRadius\": 35,", "")).Layers[0].Linear!;
        var linearDefaults = new SoftHebbLinearConfig(784, 2000, 12, 0.045f);
        Assert.Equal((linearDefaults.LearningRatePower, linearDefaults.InitRadius), (linear.LearningRatePower, linear.InitRadius));

        var crop = Parse("cifar10", ("\"kind\": \"none\"\n    }\n  },", "\"kind\": \"random-resized-crop-flip\"\n    }\n  },")).Hebbian.Augmentation;
        var cropDefaults = new AugmentationSpec(AugmentationKind.RandomResizedCropFlip);
        Assert.Equal((cropDefaults.ScaleMin, cropDefaults.ScaleMax), (crop.ScaleMin, crop.ScaleMax));
    }

    static NetworkPreset Parse(string preset, params (string From, string To)[] edits)
    {
        string json = PresetLibrary.BuiltInJson(preset);
        foreach (var (from, to) in edits)
        {
            Assert.Contains(from, json);
            json = json.Replace(from, to);
        }
        return PresetLibrary.Parse(json, "ok.json");
    }
}
