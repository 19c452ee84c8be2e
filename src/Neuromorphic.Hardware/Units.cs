using System.Globalization;

namespace Neuromorphic.Hardware;

/// <summary>The physical dimension a field of a chip file carries. Values are converted to SI
/// (J, s, W, Hz, m) except memory, which is converted to bits.</summary>
public enum Dimension { Energy, Time, Power, Frequency, Length, Memory }

/// <summary>Parses quantities written with their unit, such as <c>23.6 pJ</c>, <c>3.5 ns</c>, <c>128 KiB</c>.</summary>
public static class Units
{
    private static readonly Dictionary<string, (Dimension Dim, double Factor)> Table = Build();

    private static Dictionary<string, (Dimension, double)> Build()
    {
        var t = new Dictionary<string, (Dimension, double)>(StringComparer.Ordinal);
        void Add(Dimension d, string baseUnit, params (string Prefix, double F)[] prefixes)
        {
            foreach (var (p, f) in prefixes) t[p + baseUnit] = (d, f);
        }
        (string, double)[] small = [("f", 1e-15), ("p", 1e-12), ("n", 1e-9), ("u", 1e-6), ("µ", 1e-6), ("μ", 1e-6), ("m", 1e-3), ("", 1)];
        Add(Dimension.Energy, "J", small);
        Add(Dimension.Time, "s", small);
        Add(Dimension.Power, "W", [.. small, ("k", 1e3)]);
        Add(Dimension.Frequency, "Hz", ("", 1), ("k", 1e3), ("M", 1e6), ("G", 1e9));
        Add(Dimension.Length, "m", ("p", 1e-12), ("n", 1e-9), ("u", 1e-6), ("µ", 1e-6), ("μ", 1e-6), ("m", 1e-3), ("", 1));
        // Memory in bits. Binary prefixes (KiB) and decimal ones (kB) are both accepted and mean what they say.
        t["bit"] = (Dimension.Memory, 1);
        t["b"] = (Dimension.Memory, 1);
        t["kbit"] = (Dimension.Memory, 1e3);
        t["Kibit"] = (Dimension.Memory, 1024);
        t["Mbit"] = (Dimension.Memory, 1e6);
        t["Mibit"] = (Dimension.Memory, 1024.0 * 1024);
        t["B"] = (Dimension.Memory, 8);
        t["kB"] = (Dimension.Memory, 8e3);
        t["KiB"] = (Dimension.Memory, 8 * 1024.0);
        t["MB"] = (Dimension.Memory, 8e6);
        t["MiB"] = (Dimension.Memory, 8 * 1024.0 * 1024);
        t["GB"] = (Dimension.Memory, 8e9);
        t["GiB"] = (Dimension.Memory, 8 * 1024.0 * 1024 * 1024);
        return t;
    }

    /// <summary>Example unit shown in error messages.</summary>
    public static string Example(Dimension d) => Words(d).Example;

    private static string Describe(Dimension d) => Words(d).Description;

    /// <summary>What error messages call a dimension, and an example quantity of it.</summary>
    private static (string Description, string Example) Words(Dimension d) => d switch
    {
        Dimension.Energy => ("an energy (J)", "23.6 pJ"),
        Dimension.Time => ("a time (s)", "3.5 ns"),
        Dimension.Power => ("a power (W)", "0.5 mW"),
        Dimension.Frequency => ("a frequency (Hz)", "1 GHz"),
        Dimension.Length => ("a length (m)", "14 nm"),
        _ => ("a memory size (bit, B, KiB, ...)", "128 KiB"),
    };

    /// <summary>Parses "number unit" into the SI value (bits for memory). Returns false with a reason on failure.</summary>
    public static bool TryParse(string text, Dimension expected, out double value, out string error)
    {
        value = 0;
        error = "";
        string s = text.Trim();
        int split = 0;
        while (split < s.Length && (char.IsDigit(s[split]) || s[split] is '.' or '-' or '+' or 'e' or 'E'))
        {
            // An 'e' only belongs to the number when a digit or sign follows (so "5 eV" style units still split).
            if (s[split] is 'e' or 'E' && (split + 1 >= s.Length || !(char.IsDigit(s[split + 1]) || s[split + 1] is '-' or '+')))
                break;
            split++;
        }
        string number = s[..split].Trim();
        string unit = s[split..].Trim();
        if (number.Length == 0)
        {
            error = $"expected a number with a unit, e.g. '{Example(expected)}', got '{text}'";
            return false;
        }
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double x) || !double.IsFinite(x))
        {
            error = $"'{number}' is not a finite number";
            return false;
        }
        if (unit.Length == 0)
        {
            error = $"the unit is missing: write e.g. '{Example(expected)}'";
            return false;
        }
        if (!Table.TryGetValue(unit, out var u))
        {
            error = $"unknown unit '{unit}'; expected {Describe(expected)}, e.g. '{Example(expected)}'";
            return false;
        }
        if (u.Dim != expected)
        {
            error = $"'{unit}' is a unit of {u.Dim.ToString().ToLowerInvariant()}, but this field is {Describe(expected)}, e.g. '{Example(expected)}'";
            return false;
        }
        value = x * u.Factor;
        if (!double.IsFinite(value))
        {
            error = $"'{text}' is out of range";
            return false;
        }
        return true;
    }

    /// <summary>Formats an SI value with an engineering prefix, e.g. 2.36e-11 J → "23.6 pJ".</summary>
    public static string Format(double value, string unit)
    {
        if (value == 0 || !double.IsFinite(value)) return $"{value.ToString("G4", CultureInfo.InvariantCulture)} {unit}";
        (double F, string P)[] prefixes = [(1e9, "G"), (1e6, "M"), (1e3, "k"), (1, ""), (1e-3, "m"), (1e-6, "µ"), (1e-9, "n"), (1e-12, "p"), (1e-15, "f")];
        double a = Math.Abs(value);
        foreach (var (f, p) in prefixes)
            if (a >= f * 0.9995)
                return $"{(value / f).ToString("0.###", CultureInfo.InvariantCulture)} {p}{unit}";
        return $"{(value / 1e-15).ToString("0.###", CultureInfo.InvariantCulture)} f{unit}";
    }

    /// <summary>Formats a bit count as KiB/MiB where it divides nicely, else as bits.</summary>
    public static string FormatBits(double bits)
    {
        double bytes = bits / 8;
        if (bytes >= 1024 * 1024) return $"{(bytes / 1024 / 1024).ToString("0.##", CultureInfo.InvariantCulture)} MiB";
        if (bytes >= 1024) return $"{(bytes / 1024).ToString("0.##", CultureInfo.InvariantCulture)} KiB";
        return $"{bits.ToString("0", CultureInfo.InvariantCulture)} bit";
    }
}
