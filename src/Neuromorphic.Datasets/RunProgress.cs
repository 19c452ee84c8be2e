namespace Neuromorphic.Datasets;

/// <summary>Where a long run (a download, training, a simulation) reports how far it is. The CLI draws a bar on a
/// terminal and writes log lines elsewhere.</summary>
public interface IRunProgress
{
    /// <summary>A phase has begun; <paramref name="total"/> is in <paramref name="unit"/> (images, epochs, bytes).</summary>
    void Begin(string phase, long total, string unit);
    /// <summary><paramref name="done"/> of the current phase's total are finished.</summary>
    void Advance(long done);
    void End(string summary);
    void Log(string line);
}

/// <summary>Reports nothing.</summary>
public sealed class SilentProgress : IRunProgress
{
    public static SilentProgress Instance { get; } = new();
    public void Begin(string phase, long total, string unit) { }
    public void Advance(long done) { }
    public void End(string summary) { }
    public void Log(string line) { }
}
