namespace Neuromorphic.Learning;

/// <summary>A preset file that cannot be used: names the file, the JSON path and what was expected.</summary>
public sealed class PresetFormatException : Exception
{
    public PresetFormatException(string source, string jsonPath, string problem, Exception? inner = null)
        : base($"{source}: {jsonPath}: {problem}", inner)
        => (PresetSource, JsonPath, Problem) = (source, jsonPath, problem);

    /// <summary>The file path or "built-in preset 'name'".</summary>
    public string PresetSource { get; }
    /// <summary>Where in the document, e.g. "$.layers[1].kernelSize".</summary>
    public string JsonPath { get; }
    public string Problem { get; }
}
