using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary><see cref="RepeatedSum"/> against the additions it stands for, done one by one.</summary>
public sealed class RepeatedSumTests
{
    private static double OneByOne(double e, long count)
    {
        double x = 0;
        for (long i = 0; i < count; i++) x += e;
        return x;
    }

    [Theory]
    [InlineData(24.0e-12)] // Loihi's synaptic event in SANA-FE's loihi.yaml
    [InlineData(35.5e-12)]
    [InlineData(0.1)]
    [InlineData(1.0)] // a power of two: every sum exact until 2^53
    [InlineData(0.75)]
    [InlineData(3.0e-300)]
    [InlineData(-7.3e-12)]
    [InlineData(1.0000000000009095)] // 1 + 2^-40, 41 significant bits: the sums reach the binade where e lies halfway between two
    [InlineData(3.0000000000291038)] // 3 + 2^-35
    public void Equals_adding_one_event_at_a_time(double e)
    {
        foreach (long count in (long[])[0, 1, 2, 3, 7, 100, 1023, 1024, 1025, 65_537, 1_000_003])
            Assert.Equal(OneByOne(e, count), RepeatedSum.Of(e, count));
    }

    [Fact]
    public void Equals_adding_one_event_at_a_time_for_random_costs()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 300; trial++)
        {
            double e = Math.ScaleB(1 + random.NextDouble(), random.Next(-60, 10));
            long count = random.Next(0, 200_000);
            Assert.Equal(OneByOne(e, count), RepeatedSum.Of(e, count));
        }
    }

    [Fact]
    public void Jumps_through_the_binade_where_every_addition_is_a_tie()
    {
        // e = 1 + 2^-20 lies halfway between two sums from 2^33 on, where each sum rounds to an even one. The 2·10^10
        // additions done one at a time (a C loop, gcc -O1, 22 s) end at 0x1.2a05f9ffff8p+34.
        Assert.Equal(BitConverter.Int64BitsToDouble(0x4212A05F9FFFF800), RepeatedSum.Of(1.00000095367431640625, 20_000_000_000));
    }

    [Fact]
    public void Differs_from_the_product_where_the_roundings_add_up()
    {
        // Ten million additions of 0.1 drift from 10^6 by about 1.6e-4; the product is exact to its last bit.
        double sum = RepeatedSum.Of(0.1, 10_000_000);
        Assert.Equal(OneByOne(0.1, 10_000_000), sum);
        Assert.NotEqual(0.1 * 10_000_000, sum);
        Assert.InRange(Math.Abs(sum - 1e6), 1e-5, 1e-3);
    }
}
