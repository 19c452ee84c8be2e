using Neuromorphic.Tensors;
using Tensor = Neuromorphic.Tensors.Tensor;

namespace Neuromorphic.Learning.Tests;

public class ConvPlasticityTests
{
    static SoftHebbConv2dConfig SmallConfig(string rule = "softkrotov", string? pool = null, bool preTriangle = false) =>
        new(InChannels: 2, OutChannels: 3, KernelSize: 3, Padding: 1, InverseTemperature: 0.7f, LearningRate: 0.05f,
            LearningRatePower: 0.5f, TrianglePower: 0.7f, PreTriangle: preTriangle, Pool: pool, Rule: rule, InitRadius: 3f);

    [Theory]
    [InlineData("softkrotov", false)]
    [InlineData("soft", false)]
    [InlineData("softkrotov", true)]
    [InlineData("hard", false)]
    [InlineData("soft", true)]
    public void Weight_change_is_the_explicit_sum_over_patches(string rule, bool preTriangle)
    {
        var layer = new SoftHebbConv2d(SmallConfig(rule, preTriangle: preTriangle), new Random(3));
        var x = TestUtil.Random(new Random(4), 2, 2, 5, 5);
        float[] w0 = layer.Weights.Span.ToArray();
        float[] rates0 = layer.Rates.Rates.ToArray();
        layer.Forward(x, learn: true);

        // Explicit: ΔW_k = Σ_patches y_k (x_patch − u_k W_k) on the BN-normalised, reflect-padded input (SoftHebbReference).
        var xp = Padding.Pad2d(layer.NormalizedInput!, 1, PaddingMode.Reflect);
        int K = 3;
        var reference = SoftHebbReference.Step(xp, w0, K, kernelSize: 3, rule, inverseTemperature: 0.7, preTriangle,
            learningRate: layer.Rates.LearningRate, power: layer.Rates.Power);
        for (int n = 0; n < 2; n++)
            for (int kk = 0; kk < K; kk++)
                for (int h = 0; h < 5; h++)
                    for (int w = 0; w < 5; w++)
                        Assert.Equal(reference.PreActivations[((n * K + kk) * 5 + h) * 5 + w], layer.PreActivation![n, kk, h, w], 4);
        double maxAbs = reference.MaxAbsDelta;
        Assert.Equal(maxAbs, layer.LastUpdateStats.MaxAbsDelta, 3);
        TestUtil.Close(rates0, reference.RatesBefore.Rates.Select(r => (float)r).ToArray(), 1e-6f, "η");
        var expected = reference.Weights;
        TestUtil.Close(expected, layer.Weights.Span, 2e-5f, "W");
    }

    [Fact]
    public void Normalised_update_has_max_magnitude_one()
    {
        var layer = new SoftHebbConv2d(SmallConfig(), new Random(5));
        layer.Forward(TestUtil.Random(new Random(6), 4, 2, 6, 6), learn: true);
        Assert.Equal(1f, TensorPrimitivesMaxAbs(layer.Plasticity.Delta.Span), 6);
        Assert.True(layer.LastUpdateStats.MaxAbsDelta > 1f);
    }

    static float TensorPrimitivesMaxAbs(ReadOnlySpan<float> v) => MathF.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(v));

    [Fact]
    public void Adaptive_rate_formula()
    {
        Assert.Equal(0.08f * MathF.Pow(24f, 0.5f), AdaptiveLearningRate.RateFor(25f, 0.08f, 0.5f), 5);
        Assert.Equal(0.01 * Math.Pow(0.5 + 1e-10, 0.75), AdaptiveLearningRate.RateFor(0.5f, 0.01f, 0.75f), 6);
        // At the target norm only the 1e-10 floor is left: the neuron freezes.
        Assert.Equal(0.1 * Math.Pow(1e-10, 0.5), AdaptiveLearningRate.RateFor(1f, 0.1f, 0.5f), 12);
        var rates = new AdaptiveLearningRate(2, 2, 0.1f, 0.5f);
        rates.Recompute([3, 4, 0, 0.5f]); // norms 5 and 0.5
        Assert.Equal(0.1f * 2f, rates.Rates[0], 6);
        Assert.Equal(0.1 * Math.Sqrt(0.5), rates.Rates[1], 6);
    }

    [Fact]
    public void Weight_norms_approach_one_under_repeated_updates()
    {
        var layer = new SoftHebbLinear(new SoftHebbLinearConfig(16, 6, 1f, 0.05f, 0.5f, "soft", InitRadius: 25f, OutputInverseTemperature: null), new Random(7));
        var rng = new Random(8);
        float start = layer.Rates.MeanNorm();
        Assert.InRange(start, 20f, 30f);
        var x = new Tensor(32, 16);
        for (int step = 0; step < 3000; step++)
        {
            for (int i = 0; i < x.Length; i++) x.Data[i] = (float)(rng.NextDouble() * 2 - 1);
            layer.Forward(x, learn: true);
        }
        foreach (float norm in layer.Rates.Norms) Assert.InRange(norm, 0.5f, 2f);
    }

    [Fact]
    public void SoftKrotov_has_exactly_one_positive_factor_per_position_at_the_argmax()
    {
        var u = TestUtil.Random(new Random(9), 3, 7, 4, 5);
        var y = new Tensor(3, 7, 4, 5);
        new SoftKrotovRule().PostsynapticFactors(u, 2f, y);
        for (int n = 0; n < 3; n++)
            for (int h = 0; h < 4; h++)
                for (int w = 0; w < 5; w++)
                {
                    int argmax = 0, positives = 0;
                    float sumAbs = 0;
                    for (int k = 0; k < 7; k++)
                    {
                        if (u[n, k, h, w] > u[n, argmax, h, w]) argmax = k;
                        if (y[n, k, h, w] > 0) positives++;
                        sumAbs += MathF.Abs(y[n, k, h, w]);
                    }
                    Assert.Equal(1, positives);
                    Assert.True(y[n, argmax, h, w] > 0);
                    Assert.Equal(1f, sumAbs, 5); // |y| is the softmax
                }
    }

    [Fact]
    public void Hard_rule_is_one_hot_and_soft_rule_sums_to_one()
    {
        var u = TestUtil.Random(new Random(10), 2, 4, 3, 3);
        var hard = new Tensor(2, 4, 3, 3);
        var soft = new Tensor(2, 4, 3, 3);
        new HardWtaRule().PostsynapticFactors(u, 1f, hard);
        new SoftWtaRule().PostsynapticFactors(u, 1f, soft);
        for (int n = 0; n < 2; n++)
            for (int p = 0; p < 9; p++)
            {
                float hs = 0, ss = 0;
                for (int k = 0; k < 4; k++) { hs += hard[n, k, p / 3, p % 3]; ss += soft[n, k, p / 3, p % 3]; }
                Assert.Equal(1f, hs);
                Assert.Equal(1f, ss, 5);
            }
    }

    [Fact]
    public void A_layer_update_depends_only_on_its_own_input_and_output()
    {
        var config1 = new SoftHebbConv2dConfig(3, 4, 3, 1, 1f, 0.05f, 0.5f, 1f, Pool: "max_2_2_0");
        var x = TestUtil.Random(new Random(11), 4, 1, 8, 8);
        var aFirst = new SoftHebbConv2d(SmallConfig() with { InChannels = 1 }, new Random(12));
        var bFirst = new SoftHebbConv2d(SmallConfig() with { InChannels = 1 }, new Random(12));
        var aSecond = new SoftHebbConv2d(config1, new Random(13));

        var outA = aFirst.Forward(x, learn: true);
        float[] after = aFirst.Weights.Span.ToArray();
        aSecond.Forward(outA, learn: true);  // a second layer learning on the first one's output
        aSecond.Forward(outA, learn: true);
        bFirst.Forward(x, learn: true);      // the same first layer alone

        Assert.Equal(after, aFirst.Weights.Span.ToArray());
        Assert.Equal(bFirst.Weights.Span.ToArray(), aFirst.Weights.Span.ToArray());
        Assert.Equal(bFirst.Norm.RunningMean, aFirst.Norm.RunningMean);
    }

    [Fact]
    public void BatchNorm_uses_batch_stats_only_while_learning()
    {
        var layer = new SoftHebbConv2d(SmallConfig(), new Random(14));
        var x = TestUtil.Random(new Random(15), 4, 2, 6, 6);
        for (int i = 0; i < x.Length; i++) x.Data[i] = x.Data[i] * 3 + 5; // mean 5, far from the running mean 0
        layer.Forward(x, learn: true);
        var xn = layer.NormalizedInput!;
        for (int c = 0; c < 2; c++)
        {
            double mean = 0;
            for (int n = 0; n < 4; n++) for (int h = 0; h < 6; h++) for (int w = 0; w < 6; w++) mean += xn[n, c, h, w];
            Assert.Equal(0, mean / 144, 4);
            Assert.InRange(layer.Norm.RunningMean[c], 0.4f, 0.6f); // 0.1 · batch mean ≈ 0.5
        }
        Assert.Equal(1, layer.Norm.NumBatchesTracked);

        float[] rm = (float[])layer.Norm.RunningMean.Clone(), rv = (float[])layer.Norm.RunningVar.Clone();
        float[] w0 = layer.Weights.Span.ToArray();
        layer.Forward(x, learn: false);
        Assert.Equal(rm, layer.Norm.RunningMean);
        Assert.Equal(rv, layer.Norm.RunningVar);
        Assert.Equal(1, layer.Norm.NumBatchesTracked);
        Assert.Equal(w0, layer.Weights.Span.ToArray());
        float expected = (x[1, 1, 2, 3] - rm[1]) / MathF.Sqrt(rv[1] + 1e-5f);
        Assert.Equal(expected, layer.NormalizedInput![1, 1, 2, 3], 4);
    }

    [Fact]
    public void Initial_sigma_is_radius_over_root_fan_in()
    {
        var layer = new SoftHebbConv2d(new SoftHebbConv2dConfig(64, 256, 3, 1, 1f, 0.01f, 0.5f, 1f), new Random(16));
        var w = layer.Weights.Span;
        double mean = 0, sq = 0;
        foreach (float v in w) { mean += v; sq += (double)v * v; }
        mean /= w.Length;
        double sigma = Math.Sqrt(sq / w.Length - mean * mean);
        Assert.Equal(25 / Math.Sqrt(576), sigma, 0.01);
        Assert.InRange(mean, -0.01, 0.01);
        Assert.InRange(layer.Rates.MeanNorm(), 24.5f, 25.5f);
    }

    [Fact]
    public void Same_seed_gives_same_weights_and_shapes_chain()
    {
        var a = new SoftHebbConv2d(SmallConfig(pool: "max_4_2_1"), new Random(17));
        var b = new SoftHebbConv2d(SmallConfig(pool: "max_4_2_1"), new Random(17));
        Assert.Equal(a.Weights.Span.ToArray(), b.Weights.Span.ToArray());
        Assert.Equal([3, 8, 8], a.OutputShape([2, 16, 16]));
        var y = a.Forward(TestUtil.Random(new Random(1), 2, 2, 16, 16), learn: false);
        Assert.Equal([2, 3, 8, 8], y.Shape);
        Assert.Equal(2L * 3 * 16 * 16 * 18, a.LastWork.DenseMacs - a.LastWork.LearningMacs);
        Assert.Equal(0, a.LastWork.WeightUpdates);
    }

    [Fact]
    public void Per_batch_path_does_not_allocate_after_the_first_batch()
    {
        var layer = new SoftHebbConv2d(new SoftHebbConv2dConfig(3, 16, 5, 2, 1f, 0.08f, 0.5f, 0.7f, Pool: "max_4_2_1"), new Random(18));
        var x = TestUtil.Random(new Random(19), 8, 3, 16, 16);
        long before = GC.GetAllocatedBytesForCurrentThread();
        layer.Forward(x, learn: true);
        long first = GC.GetAllocatedBytesForCurrentThread() - before;
        layer.Forward(x, learn: true);
        before = GC.GetAllocatedBytesForCurrentThread();
        layer.Forward(x, learn: true);
        long third = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(first > 500_000, $"first batch allocated {first} bytes");
        Assert.True(third < 4_096, $"a later batch allocated {third} bytes");
    }

    [Theory]
    [InlineData("max_4_2_1")]
    [InlineData("avg_2_2_0")]
    [InlineData(null)]
    public void Block_output_is_the_pooled_triangle_power_of_u(string? pool)
    {
        // The layer may raise to the power after a max pool (x^P is increasing); the output must equal pool(Triangle^P(u)).
        var layer = new SoftHebbConv2d(SmallConfig(pool: pool), new Random(21));
        var y = layer.Forward(TestUtil.Random(new Random(22), 2, 2, 8, 8), learn: false);
        var a = new Tensor(layer.PreActivation!.Shape);
        Triangle.Forward(layer.PreActivation!, 0.7f, a);
        var expected = pool is null ? a : Pooling.Apply(PoolSpec.Parse(pool), a);
        TestUtil.Close(expected.Span.ToArray(), y.Span, 1e-5f, "output");
    }

    [Fact]
    public void Update_is_bit_identical_with_one_thread_or_the_whole_budget()
    {
        // Large enough for the update, softmax and Triangle to split into panels on the shared thread budget.
        var config = new SoftHebbConv2dConfig(64, 256, 3, 1, 0.65f, 0.005f, 0.5f, 1.4f, Pool: "max_4_2_1");
        var x = TestUtil.Random(new Random(31), 4, 64, 16, 16);
        var serial = new SoftHebbConv2d(config, new Random(30));
        var parallel = new SoftHebbConv2d(config, new Random(30));
        float[] ySerial, yParallel;
        using (Neuromorphic.Tensors.Gemm.Sgemm.UseThreads(1))
        {
            serial.Forward(x, learn: true);
            ySerial = serial.Forward(x, learn: true).Span.ToArray();
        }
        parallel.Forward(x, learn: true);
        yParallel = parallel.Forward(x, learn: true).Span.ToArray();
        Assert.Equal(serial.Weights.Span.ToArray(), parallel.Weights.Span.ToArray());
        Assert.Equal(serial.Rates.Rates.ToArray(), parallel.Rates.Rates.ToArray());
        Assert.Equal(ySerial, yParallel);
    }

    [Fact]
    public void Resumed_rates_equal_the_rates_the_update_left()
    {
        // The update sums each new row's norm on the fly; a resumed run recomputes rates from the saved weights.
        var layer = new SoftHebbConv2d(SmallConfig(), new Random(41));
        layer.Forward(TestUtil.Random(new Random(42), 3, 2, 6, 6), learn: true);
        var recomputed = new AdaptiveLearningRate(layer.Rates.Neurons, layer.Rates.FanIn, layer.Rates.LearningRate, layer.Rates.Power);
        recomputed.Recompute(layer.Weights.Span);
        Assert.Equal(recomputed.Rates.ToArray(), layer.Rates.Rates.ToArray());
        Assert.Equal(recomputed.Norms.ToArray(), layer.Rates.Norms.ToArray());
    }

    [Fact]
    public void Stage_times_cover_every_stage_that_ran()
    {
        var layer = new SoftHebbConv2d(SmallConfig(pool: "max_4_2_1"), new Random(51));
        var x = TestUtil.Random(new Random(52), 2, 2, 8, 8);
        layer.Forward(x, learn: false);
        Assert.Equal(["batchnorm", "conv", "activation", "pool"], layer.Stages.Seconds().Keys);
        layer.Forward(x, learn: true);
        var seconds = layer.Stages.Seconds();
        Assert.Equal(["batchnorm", "conv", "rule", "correlation", "update", "activation", "pool"], seconds.Keys);
        Assert.All(seconds.Values, v => Assert.True(v > 0));
        layer.Stages.Reset();
        Assert.Empty(layer.Stages.Seconds());
    }
}
