using Neuromorphic.Datasets;
using Neuromorphic.Engine;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Cli.Tests;

/// <summary>The Hebbian phase as a chip would learn it (one image at a time), and its cost beside inference.</summary>
public sealed class OnlineLearningTests
{
    [Fact]
    public async Task Each_image_updates_every_layer_once_and_the_model_is_left_as_trained()
    {
        using var tmp = new TempDir();
        string run = tmp.File("run");
        Cli.TrainTiny(run);
        var model = TrainedModel.Load(run);
        var weights = model.Network.Layers.Select(l => l.Weights.Span.ToArray()).ToList();
        var images = DatasetDirectory.Open(RepositoryPaths.DefaultDataset, DatasetSplit.Train, 7, model.Preset.InputShape);

        var report = await OnlineLearning.RunAsync(model, images, new DefaultCostModel());

        Assert.DoesNotContain("readout", report.Actors.Keys);
        for (int i = 0; i < model.Network.Layers.Count; i++)
        {
            var layer = model.Network.Layers[i];
            var counters = report.Actors[SoftHebbGraph.LayerName(i)];
            Assert.Equal(7, counters.Blocks); // batch 1
            Assert.Equal(7L * layer.Weights.Length, counters.Work.WeightUpdates);
            Assert.True(counters.Work.LearningMacs > 0 && counters.Work.LearningMacs < counters.Work.DenseMacs);
            Assert.True(layer.Weights.Span.SequenceEqual(weights[i]), $"layer {i}'s weights changed");
        }
    }

    [Fact]
    public void Simulate_prints_training_per_image_for_a_chip_that_learns_and_not_supported_for_one_that_cannot()
    {
        using var tmp = new TempDir();
        string run = tmp.File("run");
        Cli.TrainTiny(run);
        string fixedChip = tmp.File("fixed.yaml");
        File.WriteAllText(fixedChip, File.ReadAllText(Path.Combine(Cli.RepoRoot, "hardware-models", "loihi.yaml"))
            .Replace("supported: true ", "supported: false ").Replace("name: Loihi", "name: Fixed Loihi"));

        foreach (var (chip, expected) in new[] { ("loihi.yaml", " mJ, "), (fixedChip, "not supported") })
        {
            var s = Cli.Run("simulate", "--run", run, "--hardware", Path.IsPathRooted(chip) ? chip : Path.Combine(Cli.RepoRoot, "hardware-models", chip),
                "--limit-test", "20", "--train-images", "5");
            Assert.True(s.ExitCode == 0, s.ToString());
            // The chip's row, not the notes under the table ("Loihi: ...").
            string row = s.Out.Split('\n').Single(l => l.StartsWith("Loihi  ") || l.StartsWith("Fixed Loihi  "));
            Assert.Contains(expected, row);
        }
        var saved = RunDirectory.Read<HardwareResults>(run, RunDirectory.HardwareFile)!;
        Assert.Null(Assert.Single(saved.Outcomes).Training); // the last simulate: the chip that cannot learn
    }
}
