using System.Globalization;

namespace Neuromorphic.Hardware.Cores;

/// <summary>Loihi's stochastic compartment as SANA-FE models it: a recorded sequence of random integers (a file of one a
/// line, the soma unit's <c>noise</c> attribute). Each update of a neuron on the unit takes the next number, wrapping to
/// the first after the last; it keeps the number's low <c>noise_bits</c> bits (7 unless given), negative when bit 8 is
/// set, and adds it to the potential after the leak and the 1/64 truncation.</summary>
internal sealed class LoihiNoise
{
    /// <summary>Largest noise file read (64 MiB).</summary>
    public const long MaxFileBytes = 64L << 20;

    /// <summary>The most noise bits: Loihi's noise is a signed number below 256 in magnitude.</summary>
    public const int MaxBits = 8;

    private const long SignBit = 0x100;

    private LoihiNoise(string path, double[] values) => (Path, Values) = (path, values);

    /// <summary>The file the sequence came from, in full.</summary>
    public string Path { get; }

    /// <summary>Each number as it is added to a potential.</summary>
    public double[] Values { get; }

    /// <summary>Reads the sequence named by a soma unit's <c>noise</c> attribute, relative to the architecture file's
    /// folder; errors name the file and line at fault (the architecture's when the noise file cannot be read).</summary>
    public static LoihiNoise Load(string name, int bits, string archFile, int line)
    {
        if (bits < 0 || bits > MaxBits)
            throw new HardwareModelException(archFile, line, "noise_bits", $"Loihi's noise keeps 0 to {MaxBits} bits, found {bits}");
        string folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(archFile)) ?? ".";
        string path = System.IO.Path.GetFullPath(name, folder);
        if (!File.Exists(path))
            throw new HardwareModelException(archFile, line, "noise",
                $"the noise sequence '{name}' is not a file (looked for {path}); give a file of whole numbers, one a line, relative to the architecture file's folder");
        long mask = (1L << bits) - 1;
        var values = new List<double>();
        using var text = BoundedTextFile.Open(path, MaxFileBytes, "noise sequence");
        int number = 0;
        while (text.ReadLine() is { } entry)
        {
            number++;
            if (!int.TryParse(entry.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int raw))
                throw new HardwareModelException(path, number, "noise",
                    $"expected a whole number from {int.MinValue} to {int.MaxValue} (SANA-FE reads an int), found '{HardwareModelException.Excerpt(entry.Trim(), 40)}'");
            long v = raw & mask;
            if ((raw & SignBit) != 0) v |= ~mask; // sign-extended, as Loihi's noise is signed
            values.Add(v);
        }
        if (values.Count == 0)
            throw new HardwareModelException(path, 0, "noise", "the noise sequence holds no numbers");
        return new LoihiNoise(path, values.ToArray());
    }
}

/// <summary>Where one unit's neurons are in the noise sequence: each soma unit of each core reads it from the start.</summary>
internal sealed class NoiseCursor(LoihiNoise noise)
{
    private int next;

    public double Next()
    {
        double v = noise.Values[next];
        next = next + 1 == noise.Values.Length ? 0 : next + 1;
        return v;
    }
}
