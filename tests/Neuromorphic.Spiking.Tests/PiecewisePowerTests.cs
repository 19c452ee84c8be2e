namespace Neuromorphic.Spiking.Tests;

public class PiecewisePowerTests
{
    // √r with one knee, by hand: the chord error on [0, b] is √b/4 and on [b, 1] (1 − √b)²/(4(1 + √b)); they are equal at
    // √b = 1/3, so the knee is at 1/9, the error 1/12, the slopes 3 then 3/4 (a ReLU of weight −9/4 at the knee).
    [Fact]
    public void The_square_root_with_one_knee_is_the_hand_computed_interpolation()
    {
        var f = PiecewisePower.Fit(0.5, 1);
        Assert.Equal([0, 1.0 / 9], f.Knees.ToArray(), new Tolerance(1e-9));
        Assert.Equal([3, -2.25], f.Slopes.ToArray(), new Tolerance(1e-7));
        Assert.Equal(1.0 / 12, f.MaxError, 1e-9);
        Assert.Equal(1.0 / 3, f.Evaluate(1.0 / 9), 1e-9);
        Assert.Equal(1, f.Evaluate(1), 1e-9);
    }

    // r² with one knee: the chord error on a segment of width w is w²/4, so equal errors split [0, 1] in halves.
    [Fact]
    public void The_square_with_one_knee_splits_the_range_in_halves()
    {
        var f = PiecewisePower.Fit(2, 1);
        Assert.Equal([0, 0.5], f.Knees.ToArray(), new Tolerance(1e-9));
        Assert.Equal([0.5, 1], f.Slopes.ToArray(), new Tolerance(1e-7));
        Assert.Equal(1.0 / 16, f.MaxError, 1e-9);
    }

    [Theory]
    [InlineData(0.7)]
    [InlineData(1.4)]
    [InlineData(3.0)]
    public void More_knees_give_less_error_and_the_fit_passes_through_every_knee(double power)
    {
        double previous = double.MaxValue;
        for (int knees = 0; knees <= 6; knees++)
        {
            var f = PiecewisePower.Fit(power, knees);
            Assert.Equal(knees + 1, f.Knees.Count);
            Assert.True(f.MaxError < previous, $"P = {power}, {knees} knees: error {f.MaxError} not below {previous}");
            previous = f.MaxError;
            foreach (double k in f.Knees) Assert.Equal(Math.Pow(k, power), f.Evaluate(k), 1e-9);
            Assert.Equal(1, f.Evaluate(1), 1e-9);
            // The error found by sampling is the one reported.
            double sampled = Enumerable.Range(0, 20_001).Max(i => Math.Abs(f.Evaluate(i / 20_000.0) - Math.Pow(i / 20_000.0, power)));
            Assert.InRange(sampled, f.MaxError * 0.99, f.MaxError * (1 + 1e-6));
        }
    }

    [Fact]
    public void A_power_of_one_needs_no_knee()
    {
        var f = PiecewisePower.Fit(1, 3);
        Assert.Equal([0.0], f.Knees.ToArray());
        Assert.Equal([1.0], f.Slopes.ToArray());
        Assert.Equal(0, f.MaxError);
    }

    private sealed class Tolerance(double eps) : IEqualityComparer<double>
    {
        public bool Equals(double a, double b) => Math.Abs(a - b) <= eps;
        public int GetHashCode(double value) => 0;
    }
}
