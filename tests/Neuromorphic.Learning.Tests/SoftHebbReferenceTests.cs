using Neuromorphic.Tensors;
using Tensor = Neuromorphic.Tensors.Tensor;

namespace Neuromorphic.Learning.Tests;

/// <summary>
/// <see cref="SoftHebbReference"/> is the plain statement of spec §2: first it is checked on the hand-worked case of
/// <see cref="RuleHandCaseTests"/>, then the fast code is compared with it, part by part (the whole conv step is in
/// <see cref="ConvPlasticityTests"/>).
/// </summary>
public class SoftHebbReferenceTests
{
    static readonly Tensor HandInput = new(new float[] { 1, 2, 0.2f }, 1, 3, 1, 1);
    static readonly float[] HandWeights = [2, 0, 0, 0, 0, 5];

    static ReferenceStep HandStep(string rule) =>
        SoftHebbReference.Step(HandInput, HandWeights, 2, kernelSize: 1, rule, Math.Log(3), preTriangle: false, learningRate: 0.1, power: 0.5);

    [Fact]
    public void Reference_gives_the_hand_worked_soft_step()
    {
        var step = HandStep("soft");
        Near([0.1, 0.2], step.RatesBefore.Rates, "η");
        Near([2.0, 1.0], step.PreActivations, "u");
        Near([1.5, 0.25], step.DecayTerm, "YU");
        Assert.Equal(2.25, step.MaxAbsDelta, 1e-7);
        Near([-1, 2.0 / 3, 1.0 / 15, 1.0 / 9, 2.0 / 9, -8.0 / 15], step.Delta, "ΔW");
        TestUtil.Close([1.9f, 0.0666667f, 0.0066667f, 0.0222222f, 0.0444444f, 4.8933333f], step.Weights, 1e-6f, "W");
        Assert.Equal(0.0949306, step.RatesAfter.Rates[0], 6);
    }

    [Fact]
    public void Reference_gives_the_hand_worked_softkrotov_and_hard_steps()
    {
        var krotov = HandStep("softkrotov");
        Assert.Equal(2.25, krotov.MaxAbsDelta, 1e-7);
        TestUtil.Close([1.9f, 0.0666667f, 0.0066667f, -0.0222222f, -0.0444444f, 5.1066667f], krotov.Weights, 1e-6f, "W");
        var hard = HandStep("hard");
        Assert.Equal(3, hard.MaxAbsDelta, 1e-7);
        TestUtil.Close([1.9f, 0.0666667f, 0.0066667f, 0f, 0f, 5f], hard.Weights, 1e-6f, "W");
    }

    [Theory]
    [InlineData("soft", 2, 5, 4, 6)]       // 24 positions: the vectorised winner search
    [InlineData("softkrotov", 2, 5, 4, 6)]
    [InlineData("hard", 2, 5, 4, 6)]
    [InlineData("soft", 9, 7, 1, 1)]       // a linear layer: a softmax over rows
    [InlineData("softkrotov", 9, 7, 1, 1)]
    [InlineData("hard", 9, 7, 1, 1)]
    public void Every_rule_gives_the_reference_factors(string rule, int n, int k, int h, int w)
    {
        var u = TestUtil.Random(new Random(60), n, k, h, w);
        for (int i = 0; i < u.Length; i++) u.Data[i] *= 4;
        var y = new Tensor(n, k, h, w);
        WtaRules.Create(rule).PostsynapticFactors(u, 1.7f, y);
        for (int image = 0; image < n; image++)
            for (int row = 0; row < h; row++)
                for (int col = 0; col < w; col++)
                {
                    var uAt = new double[k];
                    for (int kk = 0; kk < k; kk++) uAt[kk] = u[image, kk, row, col];
                    var expected = SoftHebbReference.PostsynapticFactors(uAt, 1.7, rule);
                    for (int kk = 0; kk < k; kk++)
                        Assert.True(Math.Abs(expected[kk] - y[image, kk, row, col]) <= 1e-6,
                            $"y[{image}, {kk}, {row}, {col}]: expected {expected[kk]}, got {y[image, kk, row, col]}");
                }
    }

    [Theory]
    [InlineData(3)]
    [InlineData(75)] // past the 16-lane vectorised sum of squares
    public void Adaptive_rates_are_the_reference_rates(int fanIn)
    {
        var rng = new Random(61);
        const int neurons = 5;
        var weights = new float[neurons * fanIn];
        for (int i = 0; i < weights.Length; i++) weights[i] = (float)(rng.NextDouble() * 2 - 1);
        // Row 0 at the target norm 1 (the neuron freezes), row 1 far above it.
        double norm0 = SoftHebbReference.Norm(weights.AsSpan(0, fanIn));
        for (int i = 0; i < fanIn; i++) { weights[i] = (float)(weights[i] / norm0); weights[fanIn + i] *= 30; }
        var rates = new AdaptiveLearningRate(neurons, fanIn, 0.08f, 0.75f);
        rates.Recompute(weights);
        var expected = SoftHebbReference.LearningRates(weights, neurons, 0.08f, 0.75f);
        TestUtil.Close(expected.Norms.Select(v => (float)v).ToArray(), rates.Norms, 1e-6f, "norm");
        TestUtil.Close(expected.Rates.Select(v => (float)v).ToArray(), rates.Rates, 1e-5f, "η");
        for (int k = 0; k < neurons; k++)
            Assert.Equal((float)SoftHebbReference.LearningRate(rates.Norms[k], 0.08f, 0.75f),
                AdaptiveLearningRate.RateFor(rates.Norms[k], 0.08f, 0.75f));
    }

    [Theory]
    [InlineData("soft")]
    [InlineData("softkrotov")]
    [InlineData("hard")]
    public void A_linear_step_is_the_reference_step(string rule)
    {
        var layer = new SoftHebbLinear(new SoftHebbLinearConfig(20, 6, 2f, 0.05f, 0.5f, rule, InitRadius: 5f, OutputInverseTemperature: null),
            new Random(62));
        float[] w0 = layer.Weights.Span.ToArray();
        var x = TestUtil.Random(new Random(63), 8, 20);
        layer.Forward(x, learn: true);
        var reference = SoftHebbReference.Step(new Tensor(x.Data, 8, 20, 1, 1), w0, 6, kernelSize: 1, rule, 2.0, preTriangle: false,
            learningRate: 0.05, power: 0.5);
        AssertSameStep(reference, layer.PreActivation!, layer.Plasticity, layer.Weights, layer.Rates, layer.LastUpdateStats);
    }

    [Theory]
    [InlineData("softkrotov", false)]
    [InlineData("soft", true)]
    [InlineData("hard", false)]
    public void A_conv_step_leaves_the_reference_decay_term_delta_and_rates(string rule, bool preTriangle)
    {
        var layer = new SoftHebbConv2d(new SoftHebbConv2dConfig(3, 5, 3, 1, 0.9f, 0.05f, 0.5f, 1f, preTriangle, Rule: rule, InitRadius: 4f),
            new Random(64));
        float[] w0 = layer.Weights.Span.ToArray();
        layer.Forward(TestUtil.Random(new Random(65), 3, 3, 6, 6), learn: true);
        var xp = Padding.Pad2d(layer.NormalizedInput!, 1, PaddingMode.Reflect);
        var reference = SoftHebbReference.Step(xp, w0, 5, kernelSize: 3, rule, 0.9, preTriangle, learningRate: 0.05, power: 0.5);
        AssertSameStep(reference, layer.PreActivation!, layer.Plasticity, layer.Weights, layer.Rates, layer.LastUpdateStats);
    }

    static void AssertSameStep(ReferenceStep reference, Tensor u, HebbianPlasticity plasticity, Tensor weights, AdaptiveLearningRate rates,
        HebbianUpdateStats stats)
    {
        TestUtil.Close(Floats(reference.PreActivations), u.Span, 1e-5f, "u");
        TestUtil.Close(Floats(reference.DecayTerm), plasticity.DecayTerm, 1e-4f, "YU");
        Assert.Equal(reference.MaxAbsDelta, stats.MaxAbsDelta, reference.MaxAbsDelta * 1e-5);
        TestUtil.Close(Floats(reference.Delta), plasticity.Delta.Span, 1e-4f, "ΔW");
        TestUtil.Close(reference.Weights, weights.Span, 1e-5f, "W");
        TestUtil.Close(Floats(reference.RatesAfter.Norms), rates.Norms, 1e-5f, "norm after");
        TestUtil.Close(Floats(reference.RatesAfter.Rates), rates.Rates, 1e-4f, "η after");
        Assert.Equal(reference.RatesAfter.Rates.Average(), stats.MeanRate, 1e-4 * (1 + reference.RatesAfter.Rates.Average()));
    }

    /// <summary>The hand case feeds 0.2f, a float: its numbers hold to about 1e-8.</summary>
    static void Near(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-7, $"{what}[{i}]: expected {expected[i]}, got {actual[i]}");
    }

    static float[] Floats(double[] values) => values.Select(v => (float)v).ToArray();
}
