using Neuromorphic.Engine;
using Neuromorphic.Learning;
using Neuromorphic.Tensors;

namespace Neuromorphic.Spiking.Tests;

public class SpikingSoftHebbTests
{
    private static SoftHebbConv2d RandomConv(int inChannels, int outChannels, int kernel, int padding, float power, string? pool, int seed)
    {
        var cfg = new SoftHebbConv2dConfig(inChannels, outChannels, kernel, padding, InverseTemperature: 1, LearningRate: 0.01f,
            LearningRatePower: 0.5f, TrianglePower: power, Pool: pool);
        var layer = new SoftHebbConv2d(cfg, new Random(seed));
        var rng = new Random(seed + 1);
        for (int c = 0; c < inChannels; c++)
        {
            layer.Norm.RunningMean[c] = (float)(0.1 + 0.3 * rng.NextDouble());
            layer.Norm.RunningVar[c] = (float)(0.05 + 0.2 * rng.NextDouble());
        }
        return layer;
    }

    private static SpikingConvLayer Convert(SoftHebbConv2d conv, int h, int w, float scale, int batch = 1,
        PowerApproximation approximation = PowerApproximation.RateThreshold, bool fold = false, SpikeMaxPooling maxPooling = SpikeMaxPooling.Exact,
        SpikeAveragePooling averagePooling = SpikeAveragePooling.Exact)
    {
        var cfg = conv.Config;
        return new SpikingConvLayer(conv.Weights.Span, cfg.OutChannels, cfg.InChannels, cfg.KernelSize, h, w, cfg.Padding, cfg.PaddingMode,
            conv.Norm.RunningMean, conv.Norm.RunningVar, conv.Norm.Eps, cfg.TrianglePower, cfg.PoolSpec, 1f, scale, batch, approximation, fold, maxPooling,
            averagePooling);
    }

    private static float[] RandomImage(int length, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => (float)rng.NextDouble()).ToArray();
    }

    [Fact]
    public void LateralInhibitionSubtractsTheChannelMeanOnAHandCase()
    {
        // 1x1 conv, one input channel, three output channels; BN with mean 0.5 and variance 4 (σ = 2 up to eps).
        float[] w = [1f, 2f, 6f];
        float eps = 1e-5f;
        var layer = new SpikingConvLayer(w, 3, 1, 1, 2, 2, 0, PaddingMode.Reflect, [0.5f], [4f - eps], eps, 1f, null, 1f, 1f, 1);
        var current = new float[3 * 4];
        // One spike at pixel (0, 0).
        layer.InputCurrent([1f, 0f, 0f, 0f], current);
        // u_k = w_k·(s − 0.5)/2: at (0,0) s = 1 → u = w/4 = [0.25, 0.5, 1.5], mean 0.75 → [−0.5, −0.25, 0.75];
        // elsewhere s = 0 → u = −w/4 = [−0.25, −0.5, −1.5], mean −0.75 → [0.5, 0.25, −0.75].
        float[] expectedSpike = [-0.5f, -0.25f, 0.75f];
        float[] expectedSilent = [0.5f, 0.25f, -0.75f];
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(expectedSpike[k], current[k * 4 + 0], 5);
            for (int p = 1; p < 4; p++) Assert.Equal(expectedSilent[k], current[k * 4 + p], 5);
        }
        // Folding the inhibition into the weights gives the same currents.
        var folded = new SpikingConvLayer(w, 3, 1, 1, 2, 2, 0, PaddingMode.Reflect, [0.5f], [4f - eps], eps, 1f, null, 1f, 1f, 1, foldInhibition: true);
        var current2 = new float[12];
        folded.InputCurrent([1f, 0f, 0f, 0f], current2);
        for (int i = 0; i < 12; i++) Assert.Equal(current[i], current2[i], 5);
    }

    [Fact]
    public void InputCurrentOfTheMeanInputEqualsTheCentredRateBasedPreActivation()
    {
        // Feeding the pixel values themselves as (fractional) events gives exactly u − mean_k u of the rate-based block,
        // reflect padding and BN included.
        var conv = RandomConv(2, 6, 3, 1, 1f, null, 3);
        int h = 7, w = 5;
        var x = RandomImage(2 * h * w, 4);
        conv.Forward(new Tensor(x, 1, 2, h, w), learn: false);
        var u = conv.PreActivation!.Span.ToArray();
        var layer = Convert(conv, h, w, 1f);
        var current = new float[6 * h * w];
        layer.InputCurrent(x, current);
        for (int p = 0; p < h * w; p++)
        {
            double mean = 0;
            for (int k = 0; k < 6; k++) mean += u[k * h * w + p];
            mean /= 6;
            for (int k = 0; k < 6; k++) Assert.Equal(u[k * h * w + p] - mean, current[k * h * w + p], 1e-4);
        }
    }

    [Fact]
    public void OneLayerRatesApproachTheRateBasedActivationsWithinTheAnalyticBound()
    {
        // P = 1, no pooling, deterministic (integrate-and-fire) input. With D_k = ½·Σ_taps |W'_k − W̄| (the largest
        // current error that the input's count error, at most ½ per pixel, can cause) and Λ ≥ 1.25·max a, the output
        // count after T steps satisfies |n/T − a/Λ| ≤ (½ + 3·D_k/Λ)/T (see the derivation in the report): the rate error falls as 1/T.
        var conv = RandomConv(1, 8, 3, 1, 1f, null, 7);
        int h = 8, w = 8, T = 1000;
        var x = RandomImage(h * w, 8);
        var a = conv.Forward(new Tensor(x, 1, 1, h, w), learn: false).Span.ToArray();
        float scale = 1.25f * a.Max();
        var layer = Convert(conv, h, w, scale);
        var membrane = Enumerable.Repeat(0.5f, h * w).ToArray();
        var spikes = new float[h * w];
        var output = new float[layer.OutputLength];
        for (int t = 0; t < T; t++)
        {
            SpikingInput.RegularStep(x, membrane, spikes);
            Array.Clear(output);
            layer.Step(spikes, 1, output);
        }
        var wt = conv.Weights.Span.ToArray();
        double sigma = Math.Sqrt(conv.Norm.RunningVar[0] + conv.Norm.Eps);
        double worst = 0;
        for (int k = 0; k < 8; k++)
        {
            double d = 0;
            for (int tap = 0; tap < 9; tap++)
            {
                double mean = 0;
                for (int j = 0; j < 8; j++) mean += wt[j * 9 + tap];
                d += Math.Abs(wt[k * 9 + tap] - mean / 8) / sigma;
            }
            d *= 0.5;
            double bound = (0.5 + 3 * d / scale) / T + 1e-4;
            for (int y = 0; y < h; y++)
                for (int xx = 0; xx < w; xx++)
                {
                    double rate = layer.SpikeCount(0, k, y, xx) / T;
                    double expected = a[(k * h + y) * w + xx] / scale;
                    Assert.True(Math.Abs(rate - expected) <= bound, $"k {k} ({y},{xx}): rate {rate}, expected {expected}, bound {bound}");
                    worst = Math.Max(worst, Math.Abs(rate - expected));
                }
        }
        Assert.True(worst < 0.01, $"worst rate error {worst}");
    }

    [Fact]
    public void RateThresholdNeuronsApproximateThePower()
    {
        // P = 0.7 and P = 1.4: the count tracks T·(a^P)/Λ; after 2000 steps the rates are within 1 % of the target.
        foreach (float power in new[] { 0.7f, 1.4f })
        {
            var conv = RandomConv(1, 8, 3, 1, power, null, 11);
            int h = 6, w = 6, T = 2000;
            var x = RandomImage(h * w, 12);
            var a = conv.Forward(new Tensor(x, 1, 1, h, w), learn: false).Span.ToArray();
            float scale = 1.25f * a.Max();
            var layer = Convert(conv, h, w, scale);
            var membrane = Enumerable.Repeat(0.5f, h * w).ToArray();
            var spikes = new float[h * w];
            var output = new float[layer.OutputLength];
            for (int t = 0; t < T; t++)
            {
                SpikingInput.RegularStep(x, membrane, spikes);
                Array.Clear(output);
                layer.Step(spikes, 1, output);
            }
            for (int k = 0; k < 8; k++)
                for (int y = 0; y < h; y++)
                    for (int xx = 0; xx < w; xx++)
                    {
                        double rate = layer.SpikeCount(0, k, y, xx) / T;
                        double expected = a[(k * h + y) * w + xx] / scale;
                        Assert.True(Math.Abs(rate - expected) < 0.01, $"P {power} k {k} ({y},{xx}): rate {rate}, expected {expected}");
                    }
            // Ignoring P (Linear) gives rates of a^(1/P)-shaped activations instead: visibly different.
            var linear = Convert(conv, h, w, scale, approximation: PowerApproximation.Linear);
            Assert.Equal(1f, linear.Power);
        }
    }

    [Fact]
    public void PoolingWorksOnSpikeCounts()
    {
        foreach (string pool in new[] { "max_4_2_1", "avg_2_2_0" })
        {
            var conv = RandomConv(1, 4, 3, 1, 1f, pool, 21);
            int h = 8, w = 8, T = 50;
            var x = RandomImage(h * w, 22);
            var a = conv.Forward(new Tensor(x, 1, 1, h, w), learn: false);
            var layer = Convert(conv, h, w, 1f);
            var membrane = Enumerable.Repeat(0.5f, h * w).ToArray();
            var spikes = new float[h * w];
            var output = new float[layer.OutputLength];
            var pooled = new double[layer.OutputLength];
            for (int t = 0; t < T; t++)
            {
                SpikingInput.RegularStep(x, membrane, spikes);
                Array.Clear(output);
                layer.Step(spikes, 1, output);
                for (int i = 0; i < output.Length; i++)
                {
                    if (pool.StartsWith("max")) Assert.True(output[i] is 0f or 1f);
                    pooled[i] += output[i];
                }
            }
            var spec = PoolSpec.Parse(pool);
            var expected = new Tensor(1, 4, layer.OutHeight, layer.OutWidth);
            var counts = new Tensor(1, 4, h, w);
            for (int k = 0; k < 4; k++)
                for (int y = 0; y < h; y++)
                    for (int xx = 0; xx < w; xx++) counts[0, k, y, xx] = layer.SpikeCount(0, k, y, xx);
            spec.Apply(counts, expected);
            for (int i = 0; i < pooled.Length; i++) Assert.Equal(expected.Data[i], pooled[i], 4);
            Assert.Equal(a.Length, layer.OutputLength);
        }
    }

    [Fact]
    public void OrMaxPoolingFiresWhenAnyNeuronOfTheWindowFiredInTheStep()
    {
        // The same layer with exact max pooling and with the chip's OR neuron, on the same input spikes.
        var conv = RandomConv(1, 4, 3, 1, 1f, "max_4_2_1", 21);
        int h = 8, w = 8, T = 40;
        var x = RandomImage(h * w, 22);
        var exact = Convert(conv, h, w, 1f);
        var any = Convert(conv, h, w, 1f, maxPooling: SpikeMaxPooling.AnySpike);
        any.RecordFirstImage = true;
        var spec = PoolSpec.Parse("max_4_2_1");
        double exactTotal = 0, anyTotal = 0;
        StepSideBySide(exact, any, x, T, (outExact, outAny, _) =>
        {
            // This step's conv spikes, max-pooled as 0/1: 1 wherever a window holds one.
            var fired = new Tensor(1, 4, h, w);
            foreach (int s in any.FirstImageSpikes) fired.Data[s] = 1; // this step's, channels-first
            var expected = new Tensor(1, 4, any.OutHeight, any.OutWidth);
            spec.Apply(fired, expected);
            Assert.Equal(expected.Data, outAny);
            exactTotal += outExact.Sum();
            anyTotal += outAny.Sum();
        });
        // The exact maximum is never more, and here it is fewer: the check can tell the two apart.
        Assert.True(anyTotal > exactTotal && exactTotal > 0, $"OR pooling {anyTotal} spikes, exact {exactTotal}");
    }

    [Fact]
    public void CountingAveragePoolingSendsEachWindowsRoundedMeanInWholeSpikes()
    {
        // The same layer with exact average pooling (each spike sent on as 1/4 to its windows) and with a chip's counting
        // neurons (started at half a spike, a spike per whole one), on the same input spikes: after S of a window's
        // spikes the counter has sent round(S/4) (a tie rounds up), one spike a step at most, and the exact pooling S/4.
        var conv = RandomConv(1, 4, 3, 1, 1f, "avg_2_2_0", 23);
        int h = 8, w = 8, T = 40;
        var x = RandomImage(h * w, 24);
        var exact = Convert(conv, h, w, 1f);
        var counting = Convert(conv, h, w, 1f, averagePooling: SpikeAveragePooling.Counting);
        var (mean, sent) = (new double[exact.OutputLength], new double[counting.OutputLength]);
        bool someRounded = false;
        StepSideBySide(exact, counting, x, T, (outExact, outCounting, work) =>
        {
            Assert.All(outCounting, v => Assert.True(v is 0f or 1f));
            Assert.Equal(outCounting.Count(v => v == 1f), work.Work.NonZeroActivations);
            for (int o = 0; o < mean.Length; o++)
            {
                (mean[o], sent[o]) = (mean[o] + outExact[o], sent[o] + outCounting[o]);
                Assert.Equal(Math.Floor(mean[o] + 0.5 + 0.01), sent[o]);
                someRounded |= Math.Abs(sent[o] - mean[o]) > 0.2;
            }
        });
        Assert.True(someRounded, "no window's count ever differed from its mean: the check cannot tell the two poolings apart");
        counting.Reset(); // a new image starts every counter at half a spike again
        exact.Reset();
        StepSideBySide(exact, counting, x, 1, (outExact, outCounting, _) =>
        {
            for (int o = 0; o < outExact.Length; o++) Assert.Equal(Math.Floor(outExact[o] + 0.5 + 0.01), outCounting[o]);
        });
    }

    /// <summary>Steps two layers on the same regular-coded spikes of <paramref name="x"/>, from an input at rest, for
    /// <paramref name="steps"/> steps; <paramref name="check"/> gets each step's outputs and the second layer's work.</summary>
    static void StepSideBySide(SpikingConvLayer first, SpikingConvLayer second, float[] x, int steps, Action<float[], float[], SpikingStepWork> check)
    {
        var membrane = Enumerable.Repeat(0.5f, x.Length).ToArray();
        var spikes = new float[x.Length];
        var (outFirst, outSecond) = (new float[first.OutputLength], new float[second.OutputLength]);
        for (int t = 0; t < steps; t++)
        {
            SpikingInput.RegularStep(x, membrane, spikes);
            Array.Clear(outFirst);
            Array.Clear(outSecond);
            first.Step(spikes, 1, outFirst);
            check(outFirst, outSecond, second.Step(spikes, 1, outSecond));
        }
    }

    [Fact]
    public void SpikingInferenceIsDeterministicAndIndependentOfBatchingAndThreads()
    {
        var conv = RandomConv(1, 8, 5, 2, 0.7f, "max_4_2_1", 31);
        var readout = new LinearReadout(8 * 14 * 14, 10, 0f, new Random(32));
        var train = TestData.Train(20);
        var test = TestData.Test(12);
        SpikingEvaluation Run(int batch, int threads, SpikeInputEncoding encoding)
        {
            var net = SpikingSoftHebbNetwork.Convert([conv], readout, 1, 28, 28, train,
                new SpikingConversionOptions { BatchSize = batch, CalibrationImages = 10 });
            return SpikingSoftHebb.Evaluate(net, test, [4, 16], encoding, seed: 5, maxParallelism: threads);
        }
        foreach (var encoding in new[] { SpikeInputEncoding.Regular, SpikeInputEncoding.Poisson })
        {
            var a = Run(5, 1, encoding);
            var b = Run(5, 1, encoding);
            var c = Run(4, 2, encoding);
            Assert.Equal(a.Predictions, b.Predictions);
            Assert.Equal(a.Accuracy, b.Accuracy);
            Assert.Equal(a.Predictions, c.Predictions);
            Assert.Equal(a.Accuracy, c.Accuracy);
            Assert.Equal(a.InputSpikes, c.InputSpikes);
            Assert.Equal(a.Layers[0].Spikes, c.Layers[0].Spikes);
            Assert.Equal(a.Layers[0].SynapticAccumulates, c.Layers[0].SynapticAccumulates);
            Assert.True(a.Layers[0].Spikes > 0);
            Assert.Equal(a.Layers[0].Spikes, a.Layers[0].SpikesPerStep.Sum());
            Assert.Equal(16, a.Layers[0].SpikesPerStep.Length);
        }
    }

    [Fact]
    public async Task WtaSampleActorGivesExactlyTheSpikesAndWeightsOfPerStepPackets()
    {
        var source = TestData.Train(limit: 2);
        var cfg = new WtaConfig { PresentMs = 60, RestMs = 10 };
        var a = new WtaLayer(cfg, 3);
        var phase = await WtaExperiment.PresentAsync("train", a, source, [0, 1], plastic: true, seed: 4);

        // The former pipeline: a source of per-step packets from the same encoder → WtaLayerActor.
        var b = new WtaLayer(cfg, 3);
        var encoder = new PoissonEncoder(cfg.Schedule, cfg.MaxRateHz, 4, "encoder-train");
        var counts = new List<float[]>();
        var net = new Network();
        var src = net.Add(new SourceActor("encoder", encoder.Encode(source, [0, 1])));
        var wta = net.Add(new WtaLayerActor("wta", b));
        var sink = net.Add(new SinkActor("counts", ev => counts.Add(((DenseBlock)ev.Payload).Data)));
        net.Connect(src, 0, wta, 0);
        net.MarkOutput(wta, 0);
        net.Connect(wta, 1, sink, 0);
        var report = await net.RunAsync(4);

        Assert.Equal(b.Input.Weights.ToArray(), a.Input.Weights.ToArray());
        Assert.Equal(counts.Count, phase.Counts.Count);
        for (int i = 0; i < counts.Count; i++) Assert.Equal(counts[i], phase.Counts[i]);
        Assert.Equal(encoder.SpikeCount, phase.InputSpikes);
        Assert.Equal(report.Actors["wta"].Work.SynapticAccumulates, phase.Report.Actors["wta"].Work.SynapticAccumulates);
        Assert.Equal(report.Actors["wta"].Work.WeightUpdates, phase.Report.Actors["wta"].Work.WeightUpdates);
        Assert.True(phase.OutputSpikes > 0);
    }

    [Fact]
    public void An_average_poolings_transpose_gives_each_neuron_the_windows_that_hold_it_over_k_squared()
    {
        // One channel, a 1x1 kernel on 3x3: nine conv neurons, pooled 2x2 at stride 1 into 2x2 windows weighted 1, 2, 3, 4.
        var layer = new SpikingConvLayer([1f], 1, 1, 1, 3, 3, 0, PaddingMode.Reflect, [0f], [1f], 0f, 1f,
            new PoolSpec(PoolType.Avg, 2, 1, 0), 1f, 1f, 1);
        var spread = layer.SpreadOverWindows([1f, 2f, 3f, 4f]);
        // Corners sit in one window, edge middles in two, the centre in all four; each counts a quarter.
        Assert.Equal(new[] { 0.25f, 0.75f, 0.5f, 1f, 2.5f, 1.5f, 0.75f, 1.75f, 1f }, spread);
        var max = new SpikingConvLayer([1f], 1, 1, 1, 3, 3, 0, PaddingMode.Reflect, [0f], [1f], 0f, 1f, new PoolSpec(PoolType.Max, 2, 1, 0), 1f, 1f, 1);
        Assert.Throws<InvalidOperationException>(() => max.SpreadOverWindows([1f, 2f, 3f, 4f]));
    }

    [Theory]
    [InlineData("avg_2_2_0")]
    [InlineData("avg_4_2_1")] // overlapping windows, and windows over the padding (k² counts it)
    public void The_last_average_pooling_folded_into_the_read_out_gives_the_pooled_networks_potentials_at_every_step(string pool)
    {
        var conv = RandomConv(1, 4, 3, 1, 1f, pool, seed: 11);
        var readout = new LinearReadout(4 * conv.Config.PoolSpec!.Value.OutputSize(8) * conv.Config.PoolSpec!.Value.OutputSize(8), 3, 0f, new Random(12));
        var image = RandomImage(64, 13);
        var options = new SpikingConversionOptions { Power = PowerApproximation.Linear, FoldInhibition = true, BatchSize = 1 };
        var net = SpikingSoftHebbNetwork.Build([conv], readout, 1, 8, 8, [1.5f], options);
        var (folded, foldedReadout) = net.FoldLastAveragePooling(readout);
        Assert.Null(folded.Layers[0].Pool);
        Assert.Equal((3, 4 * 8 * 8), (foldedReadout.Classes, foldedReadout.Features));
        Assert.Equal(net.RatePotentials(image), folded.RatePotentials(image), (a, b) => Math.Abs(a - b) <= 1e-4f * (1 + Math.Abs(a)));

        // Spikes: the pooled network's read-out takes fractional pooled events, the folded one each neuron's spikes.
        var membranes = (Enumerable.Repeat(0.5f, 64).ToArray(), Enumerable.Repeat(0.5f, 64).ToArray());
        float largest = 0;
        for (int t = 0; t < 20; t++)
        {
            var spikes = (new float[64], new float[64]);
            SpikingInput.RegularStep(image, membranes.Item1, spikes.Item1);
            SpikingInput.RegularStep(image, membranes.Item2, spikes.Item2);
            var pooledOut = new float[net.Layers[0].OutputLength];
            var foldedOut = new float[folded.Layers[0].OutputLength];
            net.Layers[0].Step(spikes.Item1, 1, pooledOut);
            folded.Layers[0].Step(spikes.Item2, 1, foldedOut);
            net.Readout.Step(pooledOut, 1);
            folded.Readout.Step(foldedOut, 1);
            for (int c = 0; c < 3; c++)
                Assert.Equal(net.Readout.Potentials[c], folded.Readout.Potentials[c], 1e-3f * (1 + Math.Abs(net.Readout.Potentials[c])));
            largest = Math.Max(largest, net.Readout.Potentials[..3].ToArray().Max(Math.Abs));
        }
        Assert.True(largest > 1, "the read-out took almost nothing: the check says nothing");
        Assert.Throws<NotSupportedException>(() => folded.FoldLastAveragePooling(foldedReadout));
    }
}
