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
        if (value == Math.Floor(value) && Math.Abs(value) < 1e6) return ((long)value).ToString(CultureInfo.InvariantCulture);
        // .NET's G6 follows %g's rules (fixed notation for exponents -4..5, trailing zeros dropped); only the
        // exponent's letter differs.
        return value.ToString("G6", CultureInfo.InvariantCulture).Replace('E', 'e');
    }

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
