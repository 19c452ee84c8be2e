namespace Neuromorphic.Hardware;

/// <summary>A chip description file could not be read: always says which file, which line (1-based; 0 when the
/// file could not be opened at all) and which field (dotted path such as <c>energy.synaptic_op</c>, or
/// <c>(syntax)</c> for a YAML syntax error).</summary>
public sealed class HardwareModelException : Exception
{
    public HardwareModelException(string file, int line, string field, string problem, Exception? inner = null)
        : base($"{file}:{line}: {(string.IsNullOrEmpty(field) ? "(unnamed)" : field)}: {problem}", inner)
    {
        File = file;
        Line = line;
        Field = string.IsNullOrEmpty(field) ? "(unnamed)" : field;
        Problem = problem;
    }

    public string File { get; }
    public int Line { get; }
    public string Field { get; }
    /// <summary>The explanation alone, without file, line and field.</summary>
    public string Problem { get; }
}
