namespace Neuromorphic.Learning;

/// <summary>A preset file that cannot be used: names the file, the JSON path and what was expected, on one line.</summary>
public sealed class PresetFormatException : Exception
{
    public PresetFormatException(string source, string jsonPath, string problem, Exception? inner = null)
        : base(OneLine($"{source}: {jsonPath}: {problem}"), inner)
        => (PresetSource, JsonPath, Problem) = (source, jsonPath, problem);

    /// <summary>The file path or "built-in preset 'name'".</summary>
    public string PresetSource { get; }
    /// <summary>Where in the document, e.g. "$.layers[1].kernelSize".</summary>
    public string JsonPath { get; }
    public string Problem { get; }

    /// <summary>The message echoes keys and strings from the file: control characters (a key may hold an escaped
    /// newline) are written as \uXXXX so the message stays one line in a log.</summary>
    static string OneLine(string text)
    {
        if (!text.Any(IsBreaking)) return text;
        var sb = new System.Text.StringBuilder(text.Length + 16);
        foreach (char ch in text)
            if (IsBreaking(ch)) sb.Append($"\\u{(int)ch:x4}");
            else sb.Append(ch);
        return sb.ToString();
    }

    static bool IsBreaking(char ch) => char.IsControl(ch) || ch is '\u2028' or '\u2029';
}
