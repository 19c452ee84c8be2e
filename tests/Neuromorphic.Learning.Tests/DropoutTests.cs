namespace Neuromorphic.Learning.Tests;

public class DropoutTests
{
    [Theory]
    [InlineData(0.5f, 1000)]
    [InlineData(0.2f, 4099)]   // odd length: the scalar tail runs too
    [InlineData(0.9f, 20000)]
    public void Drops_a_fraction_p_and_scales_survivors_by_one_over_one_minus_p(float p, int n)
    {
        var x = Enumerable.Repeat(3f, n).ToArray();
        LinearReadout.ApplyDropout(x, p, seed: 42);
        int dropped = x.Count(v => v == 0f);
        Assert.All(x.Where(v => v != 0f), v => Assert.Equal(3f / (1f - p), v, 5));
        // Binomial: within 5 standard deviations of n·p.
        double sd = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(dropped, n * p - 5 * sd, n * p + 5 * sd);
    }

    [Fact]
    public void The_mask_depends_only_on_the_seed()
    {
        var a = Enumerable.Range(0, 5000).Select(i => (float)i + 1).ToArray();
        var b = (float[])a.Clone();
        var c = (float[])a.Clone();
        LinearReadout.ApplyDropout(a, 0.5f, 7);
        LinearReadout.ApplyDropout(b, 0.5f, 7);
        LinearReadout.ApplyDropout(c, 0.5f, 8);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
        // Neighbouring positions are not correlated.
        int bothDropped = Enumerable.Range(0, a.Length - 1).Count(i => a[i] == 0 && a[i + 1] == 0);
        Assert.InRange(bothDropped, 0.25 * 4999 - 200, 0.25 * 4999 + 200);
    }

    [Fact]
    public void The_scalar_tail_continues_the_vector_lanes_and_streams_differ()
    {
        var longer = Enumerable.Range(0, 48).Select(i => (float)i + 1).ToArray();
        var shorter = longer.Take(41).ToArray();
        var other = (float[])longer.Clone();
        LinearReadout.ApplyDropout(longer, 0.5f, 11, stream: 5);
        LinearReadout.ApplyDropout(shorter, 0.5f, 11, stream: 5);   // values 32..40 go through the scalar tail
        LinearReadout.ApplyDropout(other, 0.5f, 11, stream: 6);
        Assert.Equal(longer.Take(41), shorter);
        Assert.NotEqual(longer, other);
        Assert.Throws<ArgumentException>(() => LinearReadout.ApplyDropout(other, 0.5f, 11, stream: -1));
    }
}
