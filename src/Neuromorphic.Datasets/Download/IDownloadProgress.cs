namespace Neuromorphic.Datasets.Download;

/// <summary>Progress of a download, file by file (the CLI's ConsoleProgress implements it).</summary>
public interface IDownloadProgress
{
    /// <summary>A phase (one file) has begun; <paramref name="total"/> is in <paramref name="unit"/> (bytes).</summary>
    void Begin(string phase, long total, string unit);

    /// <summary><paramref name="done"/> of the phase's total are finished.</summary>
    void Advance(long done);

    void End(string summary);

    void Log(string line);
}

/// <summary>Reports nothing.</summary>
public sealed class NoDownloadProgress : IDownloadProgress
{
    public static NoDownloadProgress Instance { get; } = new();

    public void Begin(string phase, long total, string unit)
    {
    }

    public void Advance(long done)
    {
    }

    public void End(string summary)
    {
    }

    public void Log(string line)
    {
    }
}
