namespace Neuromorphic.Datasets;

/// <summary>
/// The single error type for unreadable dataset files. Users usually point the program at a
/// folder they downloaded themselves, so every message names the file, what was expected and
/// what was found, instead of surfacing a bare EndOfStreamException or IndexOutOfRange.
/// </summary>
public sealed class DatasetFormatException : Exception
{
    public DatasetFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"{filePath}: {problem}", innerException)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The file (or directory) the problem was found in.</summary>
    public string FilePath { get; }

    /// <summary>The message without the file name prefix.</summary>
    public string Problem { get; }
}
