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
    public void General_is_printf_g(double value, string printf) => Assert.Equal(printf, SanafeText.General(value));

    [Theory]
    [InlineData(1.1e-08, "1.100000e-08")]
    [InlineData(0.0, "0.000000e+00")]
    [InlineData(1.2391e-03, "1.239100e-03")]
    [InlineData(-3.003142e-03, "-3.003142e-03")]
    [InlineData(1e100, "1.000000e+100")]
    public void Scientific_is_printf_e(double value, string printf) => Assert.Equal(printf, SanafeText.Scientific(value));
}
