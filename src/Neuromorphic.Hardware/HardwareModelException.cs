namespace Neuromorphic.Hardware;

/// <summary>A chip description file could not be read: always says which file, which line (1-based; 0 when the
/// file could not be opened at all) and which field (dotted path such as <c>energy.synaptic_op</c>, or
/// <c>(syntax)</c> for a YAML syntax error).</summary>
public sealed class HardwareModelException : Exception
{
    public HardwareModelException(string file, int line, string field, string problem, Exception? inner = null)
        : base($"{file}:{line}: {OneLine(string.IsNullOrEmpty(field) ? "(unnamed)" : field)}: {OneLine(problem)}", inner)
    {
        File = file;
        Line = line;
        Field = OneLine(string.IsNullOrEmpty(field) ? "(unnamed)" : field);
        Problem = OneLine(problem);
    }

    // Values quoted from the file may hold line breaks or control characters ("a\nb" in quotes): shown escaped,
    // so that every message stays one line.
    private static string OneLine(string text)
    {
        if (!text.Any(char.IsControl)) return text;
        var b = new System.Text.StringBuilder(text.Length + 8);
        foreach (char c in text)
            b.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        return b.ToString();
    }

    /// <summary>A value quoted from a file in a message, cut to <paramref name="width"/> characters.</summary>
    internal static string Excerpt(string text, int width) => text.Length <= width ? text : text[..width] + "…";

    public string File { get; }
    public int Line { get; }
    public string Field { get; }
    /// <summary>The explanation alone, without file, line and field.</summary>
    public string Problem { get; }
}

/// <summary>A chip's figures give a cost that cannot be reported (not a finite number, or a rate with no time to
/// divide by); the message names the chip and the figure.</summary>
public sealed class ChipCostException(string message) : Exception(message);
