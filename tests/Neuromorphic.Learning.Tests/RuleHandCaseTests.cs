using Tensor = Neuromorphic.Tensors.Tensor;

namespace Neuromorphic.Learning.Tests;

/// <summary>
/// One plasticity step of 2 neurons on 3 inputs, worked out by hand.
/// x = [1, 2, 0.2]; W1 = [2, 0, 0] (‖W1‖ = 2), W2 = [0, 0, 5] (‖W2‖ = 5); lr 0.1, power 0.5:
///   η1 = 0.1·√|2−1| = 0.1, η2 = 0.1·√|5−1| = 0.2.
/// u = W x = [2, 1]; t_inv = ln 3 ⇒ s = softmax(ln3·[2,1]) = [3/4, 1/4].
/// </summary>
public class RuleHandCaseTests
{
    static SoftHebbLinear Layer(string rule)
    {
        var layer = new SoftHebbLinear(new SoftHebbLinearConfig(3, 2, (float)Math.Log(3), 0.1f, 0.5f, rule, OutputInverseTemperature: null), new Random(1));
        float[] w = [2, 0, 0, 0, 0, 5];
        w.CopyTo(layer.Weights.Span);
        layer.Rates.Recompute(layer.Weights.Span);
        return layer;
    }

    static void Step(SoftHebbLinear layer) => layer.Forward(new Tensor(new float[] { 1, 2, 0.2f }, 1, 3), learn: true);

    [Fact]
    public void Rates_before_the_step_follow_the_initial_norms()
    {
        var layer = Layer("soft");
        Assert.Equal(0.1f, layer.Rates.Rates[0], 6);
        Assert.Equal(0.2f, layer.Rates.Rates[1], 6);
    }

    [Fact]
    public void Soft()
    {
        // y = s = [.75, .25]; YX1 = .75·x = [.75, 1.5, .15]; YX2 = .25·x = [.25, .5, .05]; YU = [.75·2, .25·1] = [1.5, .25]
        // ΔW1 = [.75 − 1.5·2, 1.5, .15] = [−2.25, 1.5, .15];  ΔW2 = [.25, .5, .05 − .25·5] = [.25, .5, −1.2]
        // max|ΔW| = 2.25 ⇒ ΔW1 = [−1, 2/3, 1/15], ΔW2 = [1/9, 2/9, −8/15]
        // W1 += 0.1·ΔW1 = [1.9, 0.0666667, 0.0066667]; W2 += 0.2·ΔW2 = [0.0222222, 0.0444444, 4.8933333]
        var layer = Layer("soft");
        Step(layer);
        Assert.Equal(2.25f, layer.LastUpdateStats.MaxAbsDelta, 5);
        TestUtil.Close([-1f, 2f / 3, 1f / 15, 1f / 9, 2f / 9, -8f / 15], layer.Plasticity.Delta.Span, 1e-5f, "ΔW");
        TestUtil.Close([1.9f, 0.0666667f, 0.0066667f, 0.0222222f, 0.0444444f, 4.8933333f], layer.Weights.Span, 1e-5f, "W");
    }

    [Fact]
    public void SoftKrotov()
    {
        // Winner = neuron 1 (u = 2): y = [+.75, −.25]. YX2 = −.25·x = [−.25, −.5, −.05]; YU2 = −.25·1 = −.25
        // ΔW2 = [−.25, −.5, −.05 + .25·5] = [−.25, −.5, 1.2]; ΔW1 as for soft; max 2.25
        // W2 += 0.2·[−1/9, −2/9, 8/15] = [−0.0222222, −0.0444444, 5.1066667]
        var layer = Layer("softkrotov");
        Step(layer);
        Assert.Equal(2.25f, layer.LastUpdateStats.MaxAbsDelta, 5);
        TestUtil.Close([1.9f, 0.0666667f, 0.0066667f, -0.0222222f, -0.0444444f, 5.1066667f], layer.Weights.Span, 1e-5f, "W");
    }

    [Fact]
    public void Hard()
    {
        // y = [1, 0]: YX1 = x, YU1 = 2 ⇒ ΔW1 = [1 − 4, 2, .2] = [−3, 2, .2]; ΔW2 = 0; max 3
        // ΔW1 = [−1, 2/3, 1/15] ⇒ W1 = [1.9, 0.0666667, 0.0066667]; W2 unchanged
        var layer = Layer("hard");
        Step(layer);
        Assert.Equal(3f, layer.LastUpdateStats.MaxAbsDelta, 5);
        TestUtil.Close([1.9f, 0.0666667f, 0.0066667f, 0f, 0f, 5f], layer.Weights.Span, 1e-5f, "W");
    }

    [Fact]
    public void Rates_after_the_step_come_from_the_new_weights()
    {
        var layer = Layer("soft");
        Step(layer);
        // ‖W1‖ = √(1.9² + 0.0666667² + 0.0066667²) = 1.9011811; η1 = 0.1·√0.9011811 = 0.0949306
        double n1 = Math.Sqrt(1.9 * 1.9 + (0.2 / 3) * (0.2 / 3) + (0.02 / 3) * (0.02 / 3));
        Assert.Equal(n1, layer.Rates.Norms[0], 5);
        Assert.Equal(0.1 * Math.Sqrt(n1 - 1), layer.Rates.Rates[0], 5);
        Assert.Equal(0.0949306, layer.Rates.Rates[0], 5);
    }
}
