using System.Globalization;

namespace Neuromorphic.Hardware.Cores;

/// <summary>Numbers written the way SANA-FE's C++ streams write them, so that the two tools' outputs can be diffed:
/// the default format (%g, 6 significant digits) and the scientific one (%e, 6 decimals, two-digit exponent).</summary>
internal static class SanafeText
{
    public static string General(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        if (value == 0) return double.IsNegative(value) ? "-0" : "0";
        // %g: the exponent after rounding to 6 significant digits picks fixed or scientific notation; trailing zeros go.
        string e = value.ToString("E5", CultureInfo.InvariantCulture);
        int at = e.IndexOf('E');
        int exponent = int.Parse(e[(at + 1)..], CultureInfo.InvariantCulture);
        if (exponent < -4 || exponent >= 6)
            return TrimZeros(e[..at]) + "e" + (exponent < 0 ? "-" : "+") + Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
        return TrimZeros(value.ToString("F" + (5 - exponent).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
    }

    private static string TrimZeros(string number) => number.Contains('.') ? number.TrimEnd('0').TrimEnd('.') : number;

    public static string Scientific(double value)
    {
        if (double.IsNaN(value)) return "nan";
        if (double.IsInfinity(value)) return value > 0 ? "inf" : "-inf";
        string e = value.ToString("E6", CultureInfo.InvariantCulture); // d.ddddddE+ddd
        int at = e.IndexOf('E');
        int exp = int.Parse(e[(at + 1)..], CultureInfo.InvariantCulture);
        return e[..at] + "e" + (exp < 0 ? "-" : "+") + Math.Abs(exp).ToString("00", CultureInfo.InvariantCulture);
    }
}
