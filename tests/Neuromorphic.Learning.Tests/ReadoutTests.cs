namespace Neuromorphic.Learning.Tests;

public class ReadoutTests
{
    [Fact]
    public void Adam_two_steps_by_hand()
    {
        // lr 0.1, p = 1. Step 1, g = 0.5: m = 0.05, v = 0.00025, m̂ = 0.5, √v̂ = 0.5 ⇒ p = 1 − 0.1·0.5/(0.5 + 1e-8) = 0.9.
        // Step 2, g = −1: m = 0.045 − 0.1 = −0.055, v = 0.00024975 + 0.001 = 0.00124975;
        // p = 0.9 − (0.1/0.19)·(−0.055)/(√0.00124975/√0.001999 + 1e-8) = 0.9366104.
        var adam = new Adam(1, learningRate: 0.1f);
        float[] p = [1f];
        adam.Step(p, [0.5f]);
        Assert.Equal(0.9f, p[0], 6);
        adam.Step(p, [-1f]);
        Assert.Equal(0.9366104f, p[0], 5);
        Assert.Equal(2, adam.Steps);
    }

    [Fact]
    public void Step_halving_epochs()
    {
        Assert.Equal([10, 17, 25, 30, 35, 40, 45], StepHalvingSchedule.MilestonesFor(50));
        Assert.Equal([15, 22], StepHalvingSchedule.MilestonesFor(30));
        Assert.Empty(StepHalvingSchedule.MilestonesFor(10));
        Assert.Equal([20, 35, 50, 60, 70, 80, 90], StepHalvingSchedule.MilestonesFor(100));
        var s = new StepHalvingSchedule(1e-3f, 50);
        Assert.Equal(1e-3f, s.RateForEpoch(9));
        Assert.Equal(5e-4f, s.RateForEpoch(10));
        Assert.Equal(2.5e-4f, s.RateForEpoch(17));
        Assert.Equal(1e-3f / 128, s.RateForEpoch(49));
        Assert.Equal(1e-3f, new StepHalvingSchedule(1e-3f, 10).RateForEpoch(9));
    }

    [Fact]
    public void Linearly_separable_toy_problem_reaches_100_percent()
    {
        var rng = new Random(20);
        int n = 300, f = 4;
        var x = new float[n * f];
        var labels = new int[n];
        for (int i = 0; i < n; i++)
        {
            int c = i % 3;
            labels[i] = c;
            for (int j = 0; j < f; j++) x[i * f + j] = (float)(rng.NextDouble() - 0.5);
            x[i * f + c] += c == 0 ? 2f : 3f; // each class pushed along its own axis
        }
        var source = new ArrayFeatureSource(x, f);
        var readout = new LinearReadout(f, 3, dropout: 0f, new Random(21), learningRate: 0.05f);
        var shuffle = new Random(22);
        for (int epoch = 0; epoch < 40; epoch++) readout.TrainEpoch(source, labels, 32, shuffle);
        var result = readout.Evaluate(source, labels);
        Assert.Equal(1.0, result.Accuracy);
        Assert.True(result.MeanLoss < 0.1, $"loss {result.MeanLoss}");
    }

    [Fact]
    public void Dropout_is_off_at_evaluation_and_init_is_pytorch_default()
    {
        int f = 50;
        var readout = new LinearReadout(f, 4, dropout: 0.9f, new Random(23));
        double bound = 1 / Math.Sqrt(f);
        Assert.All(readout.Weights, w => Assert.InRange(w, -bound, bound));
        Assert.All(readout.Bias, b => Assert.InRange(b, -bound, bound));
        Assert.True(readout.Weights.Max() > 0.8 * bound && readout.Weights.Min() < -0.8 * bound);

        var x = new float[3 * f];
        for (int i = 0; i < x.Length; i++) x[i] = i % 7 * 0.1f;
        var logits = new float[12];
        readout.Logits(x, 3, logits);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
            {
                double expected = readout.Bias[c];
                for (int j = 0; j < f; j++) expected += readout.Weights[c * f + j] * x[r * f + j];
                Assert.Equal(expected, logits[r * 4 + c], 4);
            }
        var source = new ArrayFeatureSource(x, f);
        int[] labels = [0, 1, 2];
        var a = readout.Evaluate(source, labels);
        var b = readout.Evaluate(source, labels);
        Assert.Equal(a, b);
        // In training dropout does act: the loss of a train step differs from the eval loss on the same batch.
        var train = readout.TrainEpoch(source, labels, 3, new Random(1));
        Assert.NotEqual(a.MeanLoss, train.MeanLoss);
    }

    [Fact]
    public void A_training_step_equals_the_explicit_dropout_softmax_adam_step_and_ignores_the_thread_count()
    {
        // 2,100 features: several chunks, the last one short, and a row length that is not a multiple of 16.
        int f = 2100, classes = 3, n = 5;
        var rng = new Random(31);
        var x = new float[n * f];
        for (int i = 0; i < x.Length; i++) x[i] = (float)rng.NextDouble();
        int[] labels = [2, 0, 1, 1, 2];
        var source = new ArrayFeatureSource(x, f);
        var single = new LinearReadout(f, classes, dropout: 0.5f, new Random(32), learningRate: 0.01f);
        var shared = new LinearReadout(f, classes, dropout: 0.5f, new Random(32), learningRate: 0.01f);
        float[] w0 = (float[])single.Weights.Clone(), b0 = (float[])single.Bias.Clone();

        using (Neuromorphic.Tensors.Gemm.Sgemm.UseThreads(1)) single.TrainEpoch(source, labels, n, new Random(33));
        shared.TrainEpoch(source, labels, n, new Random(33));
        Assert.Equal(single.Weights, shared.Weights);
        Assert.Equal(single.Bias, shared.Bias);

        // By hand: the epoch shuffles the rows, draws one dropout seed, masks chunk k of row i as stream i·chunks + k,
        // and takes one Adam step on the mean cross-entropy.
        var shuffle = new Random(33);
        int[] order = [0, 1, 2, 3, 4];
        shuffle.Shuffle(order);
        ulong seed = (ulong)shuffle.NextInt64();
        var masked = new float[n * f];
        for (int i = 0; i < n; i++) x.AsSpan(order[i] * f, f).CopyTo(masked.AsSpan(i * f));
        int chunk = LinearReadout.Chunk, chunks = (f + chunk - 1) / chunk;
        for (int i = 0; i < n; i++)
            for (int k = 0; k < chunks; k++)
                LinearReadout.ApplyDropout(masked.AsSpan(i * f + k * chunk, Math.Min(chunk, f - k * chunk)), 0.5f, seed, i * chunks + k);
        var gradW = new double[classes * f];
        var gradB = new double[classes];
        for (int i = 0; i < n; i++)
        {
            var logits = new double[classes];
            for (int c = 0; c < classes; c++)
            {
                logits[c] = b0[c];
                for (int j = 0; j < f; j++) logits[c] += w0[c * f + j] * masked[i * f + j];
            }
            double max = logits.Max(), sum = logits.Sum(l => Math.Exp(l - max));
            for (int c = 0; c < classes; c++)
            {
                double g = (Math.Exp(logits[c] - max) / sum - (c == labels[order[i]] ? 1 : 0)) / n;
                gradB[c] += g;
                for (int j = 0; j < f; j++) gradW[c * f + j] += g * masked[i * f + j];
            }
        }
        var expectedW = (float[])w0.Clone();
        var expectedB = (float[])b0.Clone();
        new Adam(expectedW.Length, 0.01f).Step(expectedW, gradW.Select(v => (float)v).ToArray());
        new Adam(expectedB.Length, 0.01f).Step(expectedB, gradB.Select(v => (float)v).ToArray());
        // A first Adam step moves every weight by about lr·sign(g), so 1e-4 of 1e-2 checks each weight's step.
        for (int i = 0; i < expectedW.Length; i++) Assert.Equal(expectedW[i], single.Weights[i], 1e-4);
        for (int c = 0; c < classes; c++) Assert.Equal(expectedB[c], single.Bias[c], 1e-4);
    }
}

public class AccuracyIntervalTests
{
    [Theory]
    // Closed forms at the ends: x = 0 gives [0, 1 − (α/2)^(1/n)], x = n gives [(α/2)^(1/n), 1].
    [InlineData(0, 10, 0.0, 0.30850)]
    [InlineData(10, 10, 0.69150, 1.0)]
    // x = 5 of 10 (the textbook Clopper–Pearson case) and a CIFAR-sized test set; the bounds were found independently
    // by bisection on exact binomial tail sums, P(X >= x | p_low) = P(X <= x | p_high) = 0.025.
    [InlineData(5, 10, 0.18709, 0.81291)]
    [InlineData(8046, 10000, 0.79669, 0.81233)]
    public void Clopper_Pearson_95(long correct, long total, double low, double high)
    {
        var ci = AccuracyInterval.ClopperPearson(correct, total);
        Assert.Equal(low, ci.Low, 4);
        Assert.Equal(high, ci.High, 4);
        Assert.InRange((double)correct / total, ci.Low, ci.High);
    }

    [Fact]
    public void Interval_narrows_with_more_test_images_and_bad_counts_throw()
    {
        var small = AccuracyInterval.ClopperPearson(80, 100);
        var large = AccuracyInterval.ClopperPearson(8000, 10000);
        Assert.True(large.High - large.Low < (small.High - small.Low) / 5);
        Assert.Throws<ArgumentException>(() => AccuracyInterval.ClopperPearson(11, 10));
        Assert.Throws<ArgumentException>(() => AccuracyInterval.ClopperPearson(1, 0));
        Assert.Throws<ArgumentException>(() => AccuracyInterval.ClopperPearson(1, 10, 1.0));
    }
}
