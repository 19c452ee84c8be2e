using System.Globalization;

namespace Neuromorphic.Interop.Nir;

/// <summary>Input for a NIR graph's Input node, one array of values per time step (one sample).</summary>
public static class NirStimulus
{
    /// <summary>The largest input file read (256 MiB of text).</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>
    /// A CSV file with one row per time step. With <paramref name="columns"/> null, each row holds the Input node's
    /// <paramref name="inputLength"/> values (row-major over its shape); otherwise the listed columns (0-based) are
    /// taken, in that order, so a trace file with the input in column 0 can drive a one-neuron graph.
    /// </summary>
    public static List<float[]> ReadCsv(string path, int inputLength, IReadOnlyList<int>? columns = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such input file.", path);
        long bytes = new FileInfo(path).Length;
        if (bytes > MaxFileBytes) throw new NirFormatException($"{path}: expected an input file of at most {MaxFileBytes:N0} bytes, found {bytes:N0}.");
        if (columns is not null && columns.Count != inputLength)
            throw new NirFormatException($"{path}: {columns.Count} columns chosen for an Input node of {inputLength} values.");
        var steps = new List<float[]>();
        int line = 0;
        foreach (string text in File.ReadLines(path))
        {
            line++;
            if (text.Length == 0) continue;
            var cells = text.Split(',');
            int needed = columns is null ? inputLength : columns.Max() + 1;
            if (columns is null ? cells.Length != inputLength : cells.Length < needed)
                throw new NirFormatException($"{path}:{line}: expected {(columns is null ? "" : "at least ")}{needed} comma-separated values " +
                    $"({(columns is null ? "one per input of the graph's Input node" : "to reach the chosen columns")}), found {cells.Length}.");
            var values = new float[inputLength];
            for (int i = 0; i < inputLength; i++)
            {
                int c = columns?[i] ?? i;
                if (!float.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
                    throw new NirFormatException($"{path}:{line}: column {c}: expected a finite number, found '{cells[c]}'.");
            }
            steps.Add(values);
        }
        if (steps.Count == 0) throw new NirFormatException($"{path}: expected one row per time step, found no rows.");
        return steps;
    }

    /// <summary>Independent Poisson spike trains: each input spikes in each step with probability <paramref name="rate"/>,
    /// drawn from one seeded stream so the same seed gives the same trains.</summary>
    public static List<float[]> Poisson(int inputLength, int steps, double rate, long seed)
    {
        if (!(rate >= 0 && rate <= 1)) throw new ArgumentOutOfRangeException(nameof(rate), $"a spike probability per step is 0..1, not {rate}.");
        var random = new Random(unchecked((int)seed ^ (int)(seed >> 32)));
        var trains = new List<float[]>(steps);
        for (int t = 0; t < steps; t++)
        {
            var x = new float[inputLength];
            for (int i = 0; i < inputLength; i++) x[i] = random.NextDouble() < rate ? 1 : 0;
            trains.Add(x);
        }
        return trains;
    }
}
