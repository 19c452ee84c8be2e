using System.Text.Json.Nodes;
using Neuromorphic.Cli.Commands;
using Neuromorphic.Application.Tuning;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Cli.Tests;

/// <summary>`tune`: search space files, the configurations they give, preset patches, and small searches on the
/// shipped MNIST sample that are run, resumed and checked never to read the test set.</summary>
public class TuneTests
{
    static SearchSpace Space(string json) => SearchSpace.Parse(json, "space.json");

    const string Grid = """
        { "preset": "mnist-small", "strategy": "grid", "seeds": 1, "limitTrain": 120,
          "parameters": { "layers[0].learningRate": [0.04, 0.08], "readout.epochs": { "min": 1, "max": 2, "steps": 2, "integer": true } } }
        """;

    [Fact]
    public void A_grid_holds_every_combination_in_file_order()
    {
        var configs = SearchPlan.Configurations(Space(Grid));

        Assert.Equal(4, configs.Count);
        Assert.Equal(["0.04|1", "0.04|2", "0.08|1", "0.08|2"],
            configs.Select(c => c["layers[0].learningRate"].ToJsonString() + "|" + c["readout.epochs"].ToJsonString()));
    }

    [Fact]
    public void Random_draws_are_distinct_within_the_range_and_the_same_for_the_same_seed()
    {
        const string json = """
            { "preset": "mnist-small", "strategy": "random", "trials": 6, "seed": 7,
              "parameters": { "layers[0].learningRate": { "min": 0.01, "max": 0.1, "scale": "log" } } }
            """;
        var a = SearchPlan.Configurations(Space(json)).Select(c => c["layers[0].learningRate"]!.GetValue<double>()).ToList();
        var b = SearchPlan.Configurations(Space(json)).Select(c => c["layers[0].learningRate"]!.GetValue<double>()).ToList();

        Assert.Equal(6, a.Distinct().Count());
        Assert.All(a, v => Assert.InRange(v, 0.01, 0.1));
        Assert.Equal(a, b);
    }

    [Fact]
    public void Halving_gives_each_rung_eta_times_the_images_of_the_one_before_and_keeps_the_best_fraction()
    {
        var space = Space("""{ "preset": "mnist-small", "strategy": "halving", "trials": 9, "halving": { "eta": 3, "rungs": 3 }, "parameters": { "readout.epochs": [1, 2, 3] } }""");

        Assert.Equal([100, 300, 900], Enumerable.Range(0, 3).Select(r => SearchPlan.RungImages(space, r, 900)));
        Assert.Equal(3, SearchPlan.Survivors(space, 9));
        Assert.Equal(1, SearchPlan.Survivors(space, 2));
    }

    [Theory]
    [InlineData("""{ "preset": "mnist", "strategy": "grid", "parameters": { "a": [1] }, "extra": 1 }""", "extra")]
    [InlineData("""{ "preset": "mnist", "strategy": "sweep", "parameters": { "a": [1] } }""", "$.strategy")]
    [InlineData("""{ "preset": "mnist", "strategy": "grid", "parameters": { "a": { "min": 0, "max": 1 } } }""", "$.parameters['a'].steps")]
    [InlineData("""{ "preset": "mnist", "strategy": "grid", "parameters": { "layers[0]..x": [1] } }""", "expected a preset field")]
    [InlineData("""{ "preset": "mnist", "strategy": "grid", "validation": 1.5, "parameters": { "a": [1] } }""", "$.validation")]
    [InlineData("""{ "strategy": "grid", "parameters": { "a": [1] } }""", "preset")]
    [InlineData("""{ "preset": "mnist", "strategy": "random", "parameters": { "a": { "min": -1, "max": 1, "scale": "log" } } }""", "positive minimum")]
    public void A_bad_space_file_is_one_error_naming_where(string json, string where)
    {
        var e = Assert.Throws<UserErrorException>(() => Space(json));

        Assert.StartsWith("space.json: ", e.Message);
        Assert.Contains(where, e.Message);
    }

    [Fact]
    public void A_patch_sets_nested_fields_and_the_result_is_checked_as_a_preset()
    {
        string json = PresetLibrary.BuiltInJson("mnist-small");
        string patched = PresetPatch.Apply(json, new Dictionary<string, JsonNode>
        {
            ["layers[1].inverseTemperature"] = JsonValue.Create(0.5), ["readout.epochs"] = JsonValue.Create(7),
        }, "t");
        var preset = PresetPatch.Read(patched, "t");

        Assert.Equal(0.5f, preset.Layers[1].Conv!.InverseTemperature);
        Assert.Equal(7, preset.Readout.Epochs);
        var missing = Assert.Throws<UserErrorException>(() => PresetPatch.Apply(json, new Dictionary<string, JsonNode> { ["layers[5].x"] = 1 }, "t"));
        Assert.Contains("no element 5", missing.Message);
        var refused = Assert.Throws<UserErrorException>(() =>
            PresetPatch.Read(PresetPatch.Apply(json, new Dictionary<string, JsonNode> { ["readout.epochs"] = -3 }, "t"), "trial t000"));
        Assert.Contains("trial t000", refused.Message);
    }

    [Fact]
    public void A_search_runs_each_trial_on_the_validation_part_resumes_and_writes_the_best_preset()
    {
        using var tmp = new TempDir();
        string space = Path.Combine(tmp.Path, "space.json");
        File.WriteAllText(space, Grid.Replace("\"readout.epochs\": { \"min\": 1, \"max\": 2, \"steps\": 2, \"integer\": true }", "\"readout.epochs\": [1]"));
        string[] command = ["tune", "--space", space, "--out", Path.Combine(tmp.Path, "search"), "--final-seeds", "1",
            "--final-limit-train", "120", "--limit-test", "100"];

        var first = Cli.Run(command);
        Assert.True(first.ExitCode == 0, first.ToString());
        string trialDir = Path.Combine(tmp.Path, "search", "trials", "t000", "seed-1");
        var metrics = RunDirectory.ReadMetrics(trialDir)!;
        Assert.Equal(1200, metrics.TestImages);      // scored on the 20 % of the sample's 6,000 training images, not the test set
        Assert.Equal(120, metrics.TrainImages);
        var rows = File.ReadAllLines(Path.Combine(tmp.Path, "search", Tuner.ResultsCsv));
        Assert.Equal(3, rows.Length);
        Assert.StartsWith("rank,trial,rung,train_images,layers[0].learningRate,readout.epochs,seeds,mean_validation_accuracy,std", rows[0]);
        Assert.True(File.Exists(Path.Combine(tmp.Path, "search", Tuner.BestPreset)));
        Assert.True(File.Exists(Path.Combine(tmp.Path, "search", "results.png")));
        Assert.Contains("on the test set", first.Out);

        // A search stopped after t000 finished: t001's run is gone; running again trains only that one.
        Directory.Delete(Path.Combine(tmp.Path, "search", "trials", "t001"), recursive: true);
        var again = Cli.Run(command);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("t000 seed 1: validation", again.Out);
        Assert.Contains("(finished earlier)", again.Out.Split('\n').Single(l => l.Contains("t000 seed 1")));
        Assert.DoesNotContain("(finished earlier)", again.Out.Split('\n').Single(l => l.Contains("t001 seed 1")));
        Assert.Equal(rows[1..].Select(r => r.Split(',')[1]).Order(), File.ReadAllLines(Path.Combine(tmp.Path, "search", Tuner.ResultsCsv))[1..].Select(r => r.Split(',')[1]).Order());
    }

    [Fact]
    public void Successive_halving_trains_the_best_half_again_on_twice_the_images()
    {
        using var tmp = new TempDir();
        string space = Path.Combine(tmp.Path, "space.json");
        File.WriteAllText(space, """
            { "preset": "mnist-small", "strategy": "halving", "trials": 4, "seeds": 1, "limitTrain": 80, "halving": { "eta": 2, "rungs": 2 },
              "parameters": { "layers[0].learningRate": { "min": 0.02, "max": 0.2, "scale": "log" }, "readout.epochs": [1] } }
            """);

        var r = Cli.Run("tune", "--space", space, "--out", Path.Combine(tmp.Path, "search"), "--final-seeds", "0");

        Assert.True(r.ExitCode == 0, r.ToString());
        var rows = File.ReadAllLines(Path.Combine(tmp.Path, "search", Tuner.ResultsCsv))[1..].Select(l => l.Split(',')).ToList();
        Assert.Equal(6, rows.Count);
        Assert.All(rows.Take(2), c => Assert.Equal(("1", "80"), (c[2], c[3])));     // rung 1 first, on the full 80 images
        Assert.All(rows.Skip(2), c => Assert.Equal(("0", "40"), (c[2], c[3])));     // rung 0 on 80 / 2
        // The survivors are rung 0's two best, under their rung-1 names.
        var rung0 = rows.Skip(2).OrderByDescending(c => double.Parse(c[^2], System.Globalization.CultureInfo.InvariantCulture)).Take(2).Select(c => c[1]);
        Assert.Equal(rung0.Select(id => "r1-" + id).Order(), rows.Take(2).Select(c => c[1]).Order());
    }
}
