using System.Globalization;
using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests.Cores;

/// <summary>Numbers as C's printf writes them (%g and %e), checked against values printf gives.</summary>
public sealed class SanafeTextTests
{
    [Theory]
    [InlineData(5e-09, "5e-09")]
    [InlineData(1.1e-08, "1.1e-08")]
    [InlineData(420.984375, "420.984")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(123456.7, "123457")]
    [InlineData(1234567.0, "1.23457e+06")]
    [InlineData(999999.5, "1e+06")]
    [InlineData(-4.0, "-4")]
    [InlineData(-0.015625, "-0.015625")]
    [InlineData(0.0, "0")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(120000.4, "120000")]
    [InlineData(0.5, "0.5")]
    [InlineData(0.000123456789, "0.000123457")]
    [InlineData(99999.95, "99999.9")]
    [InlineData(-1347.421875, "-1347.42")]
    [InlineData(4.056e-06, "4.056e-06")]
    [InlineData(-2.1221724e-06, "-2.12217e-06")]
    [InlineData(9.9999996e-05, "0.0001")]
    [InlineData(1.5e+21, "1.5e+21")]
    public void General_is_printf_g(double value, string printf) => Assert.Equal(printf, SanafeText.General(value));

    /// <summary>General writes most numbers without .NET's G6 formatter (it was most of potentials.csv's time); the
    /// result must be G6's, digit for digit, in every range and next to ties.</summary>
    [Fact]
    public void General_gives_the_same_text_as_dotnets_G6()
    {
        var random = new Random(7);
        for (int i = 0; i < 600_000; i++)
        {
            double value = (i % 3) switch
            {
                0 => (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 31)), // both notations, and past the fast range
                1 => random.Next(-1 << 24, 1 << 24) / Math.Pow(2, random.Next(0, 20)), // fixed-point potentials
                _ => (random.Next(100_000, 1_000_000) + 0.5) * Math.Pow(10, random.Next(-25, 25)), // near a tie
            };
            string g6 = value == Math.Floor(value) && Math.Abs(value) < 1e6
                ? ((long)value).ToString(CultureInfo.InvariantCulture)
                : value.ToString("G6", CultureInfo.InvariantCulture).Replace('E', 'e');
            if (value == 0) g6 = double.IsNegative(value) ? "-0" : "0";
            string general = SanafeText.General(value);
            if (general != g6) Assert.Fail($"{value:R}: General wrote {general}, G6 {g6}");
        }
        // Next to the powers of ten at the fast path's ends and inside it, where Log10 may round to the next exponent.
        foreach (double power in (double[])[1e-17, 1e-4, 1e6, 1e27, 1e28])
        {
            double value = power;
            for (int i = 0; i < 50; i++) value = Math.BitDecrement(value);
            for (int i = 0; i < 100; i++, value = Math.BitIncrement(value))
            {
                string g6 = value.ToString("G6", CultureInfo.InvariantCulture).Replace('E', 'e');
                Assert.Equal(g6, SanafeText.General(value));
                Assert.Equal("-" + g6, SanafeText.General(-value));
            }
        }
    }

    [Theory]
    [InlineData(1.1e-08, "1.100000e-08")]
    [InlineData(0.0, "0.000000e+00")]
    [InlineData(1.2391e-03, "1.239100e-03")]
    [InlineData(-3.003142e-03, "-3.003142e-03")]
    [InlineData(1e100, "1.000000e+100")]
    public void Scientific_is_printf_e(double value, string printf) => Assert.Equal(printf, SanafeText.Scientific(value));
}
