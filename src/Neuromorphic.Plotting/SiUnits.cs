using System.Globalization;

namespace Neuromorphic.Plotting;

/// <summary>Formats a quantity with an SI prefix (1.5e-6 J as "1.5 µJ"), for axis ticks and labels.</summary>
public static class SiUnits
{
    private static readonly (int Exponent, string Prefix)[] Prefixes =
    [
        (-15, "f"), (-12, "p"), (-9, "n"), (-6, "µ"), (-3, "m"), (0, ""), (3, "k"), (6, "M"), (9, "G"),
    ];

    public static string Format(double value, string unit, int significantDigits = 3)
    {
        if (value == 0 || !double.IsFinite(value)) return $"{value.ToString(CultureInfo.InvariantCulture)} {unit}";
        // Round first so 999.96e-6 becomes "1 mJ" rather than "1e+03 µJ".
        double rounded = double.Parse(value.ToString("G" + significantDigits, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        int exponent = (int)Math.Floor(Math.Log10(Math.Abs(rounded)) / 3) * 3;
        exponent = Math.Clamp(exponent, Prefixes[0].Exponent, Prefixes[^1].Exponent);
        string prefix = Array.Find(Prefixes, p => p.Exponent == exponent).Prefix;
        double scaled = rounded / Math.Pow(10, exponent);
        return $"{scaled.ToString("G" + significantDigits, CultureInfo.InvariantCulture)} {prefix}{unit}";
    }
}
