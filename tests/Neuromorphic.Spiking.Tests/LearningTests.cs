using Neuromorphic.Engine;

namespace Neuromorphic.Spiking.Tests;

public class LearningTests(ITestOutputHelper output)
{
    private static readonly WtaConfig Small = new() { Inputs = 16, Neurons = 5, WeightSumPerNeuron = 4 };

    [Fact]
    public void Silent_steps_change_no_weight_and_make_no_NaN()
    {
        var layer = new WtaLayer(Small, seed: 1);
        var before = layer.Input.Weights.ToArray();
        for (int s = 0; s < 5000; s++)
        {
            var work = layer.Step([], plastic: true);
            Assert.Equal(0, work.WeightUpdates);
            Assert.Equal(0, work.Spikes);
        }
        var counts = layer.EndSample(plastic: true);
        Assert.All(counts, c => Assert.Equal(0, c));
        Assert.Equal(before, layer.Input.Weights.ToArray());
        Assert.All(layer.Population.Membrane.ToArray(), v => Assert.True(double.IsFinite(v)));
    }

    [Fact]
    public void After_activity_a_silent_step_leaves_weights_alone_and_traces_finite()
    {
        var cfg = Small with { InputCurrentMv = 400, ResetAfterSample = true, Neuron = Small.Neuron with { LateralInhibitionMv = 0 } };
        var layer = new WtaLayer(cfg, seed: 2);
        var rng = new Random(5);
        int spikes = 0;
        for (int s = 0; s < 3000; s++)
        {
            int[] input = Enumerable.Range(0, 16).Where(_ => rng.NextDouble() < 0.05).ToArray();
            spikes += (int)layer.Step(input, plastic: true).Spikes;
        }
        Assert.True(spikes > 0, "the layer never fired; the test would not exercise learning");
        layer.EndSample(plastic: true); // normalises, then resets V, currents and traces: nothing can fire any more
        var before = layer.Input.Weights.ToArray();
        for (int s = 0; s < 2000; s++)
        {
            var work = layer.Step([], plastic: true);
            Assert.Equal(0, work.Spikes);
            Assert.Equal(0, work.WeightUpdates);
        }
        Assert.Equal(before, layer.Input.Weights.ToArray());
        Assert.All(layer.Input.Weights.ToArray(), w => Assert.True(float.IsFinite(w) && w >= 0 && w <= cfg.WeightMax));
        Assert.All(layer.PreTraces(), x => Assert.True(float.IsFinite(x)));
        Assert.All(layer.PostTraces(), x => Assert.True(float.IsFinite(x)));
    }

    [Fact]
    public void Frozen_layer_fires_but_does_not_learn()
    {
        var cfg = Small with { InputCurrentMv = 400, Neuron = Small.Neuron with { LateralInhibitionMv = 0 } };
        var layer = new WtaLayer(cfg, seed: 2);
        var before = layer.Input.Weights.ToArray();
        int spikes = 0;
        for (int s = 0; s < 3000; s++) spikes += (int)layer.Step(s % 3 == 0 ? [1, 4, 9] : [], plastic: false).Spikes;
        layer.EndSample(plastic: false);
        Assert.True(spikes > 0);
        Assert.Equal(before, layer.Input.Weights.ToArray());
    }

    [Fact]
    public void Stdp_potentiates_inputs_active_before_a_post_spike()
    {
        var cfg = Small with { InputCurrentMv = 2000, EtaPost = 0.1f, Neurons = 1, Neuron = Small.Neuron with { LateralInhibitionMv = 0 } };
        var layer = new WtaLayer(cfg, seed: 3);
        var before = layer.Input.Weights.ToArray();
        int spikes = 0;
        for (int s = 0; s < 2000 && spikes == 0; s++) spikes += (int)layer.Step(s % 5 == 0 ? [0, 1, 2, 3] : [], plastic: true).Spikes;
        Assert.True(spikes > 0);
        var after = layer.Input.Weights.ToArray();
        for (int j = 0; j < 4; j++) Assert.True(after[j] > before[j], $"active input {j}: {before[j]} -> {after[j]}");
        for (int j = 4; j < 16; j++) Assert.True(after[j] < before[j], $"silent input {j}: {before[j]} -> {after[j]}");
        layer.EndSample(plastic: true);
        Assert.Equal(cfg.WeightSumPerNeuron, layer.Input.Weights.ToArray().Sum(), 3);
    }

    [Fact]
    public void Label_assignment_and_prediction_follow_mean_responses()
    {
        float[][] counts = [[5, 0, 1], [4, 0, 0], [0, 3, 0], [0, 0, 0]];
        int[] labels = [0, 0, 1, 2];
        var assignment = WtaExperiment.AssignLabels(counts, labels, 3);
        Assert.Equal([0, 1, 0], assignment);
        Assert.Equal(1, WtaExperiment.Predict([0, 2, 0], assignment, 3));
        Assert.Equal(0, WtaExperiment.Predict([3, 1, 3], assignment, 3));
        Assert.Equal(-1, WtaExperiment.Predict([0, 0, 0], assignment, 3));
    }

    [Fact]
    public async Task Wta_learns_mnist_sample_well_above_chance()
    {
        var train = TestData.Train(limit: 200);
        var test = TestData.Test(limit: 100);
        var cfg = WtaTestConfig;
        var trainIdx = Enumerable.Range(0, 200).ToArray();
        var result = await WtaExperiment.RunAsync(train, trainIdx, trainIdx, test, Enumerable.Range(0, 100).ToArray(), cfg, seed: 1);
        output.WriteLine($"accuracy {result.Accuracy:P1}; train {result.Train.SamplesPerSecond:0.0} samples/s, " +
            $"{result.Train.OutputSpikes / 200.0:0.0} output spikes/sample; assigned neurons {result.Assignments.Count(a => a >= 0)}; " +
            $"classes covered {result.Assignments.Where(a => a >= 0).Distinct().Count()}");
        Assert.True(result.Accuracy >= 0.5, $"accuracy {result.Accuracy:P1} (chance 10 %)");
    }

    /// <summary>The configuration the MNIST test uses: Diehl &amp; Cook dynamics with faster learning for a 200-image run,
    /// and the rest replaced by a state reset (equivalent to a long rest, and free).</summary>
    internal static WtaConfig WtaTestConfig => new()
    {
        RestMs = 0,
        ResetAfterSample = true,
        EtaPost = 0.05f,
        InputCurrentMv = 100,
        Neuron = new WtaConfig().Neuron with { ThetaPlusMv = 1, LateralInhibitionMv = 2000 },
    };
}
