
namespace Neuromorphic.Application;

/// <summary>
/// An exclusive lock on a run directory while a process writes it: RUN_DIR/.lock opened with FileShare.None
/// (on Linux an flock the kernel drops when the process dies, so a killed run leaves no stale lock). A second
/// process, or a second handle in this one, gets a <see cref="UserErrorException"/> naming the directory.
/// The file is left in place on release: deleting it would let two processes lock two different files.
/// </summary>
public sealed class RunLock : IDisposable
{
    public const string FileName = ".lock";

    readonly FileStream _file;

    RunLock(FileStream file) => _file = file;

    /// <summary>Locks the directory for the lifetime of the returned object; creates it when <paramref name="create"/>
    /// (a new run), else refuses one that does not exist (commands that read a finished run).</summary>
    /// <param name="wait">How long to wait for another holder to let go (a search's run whose silo is stopping) before refusing.</param>
    public static RunLock Acquire(string runDirectory, bool create = true, TimeSpan wait = default)
    {
        if (!create && !Directory.Exists(runDirectory))
            throw new UserErrorException($"run directory '{runDirectory}' does not exist; train into it first (neuromorphic train --out DIR).");
        Directory.CreateDirectory(runDirectory);
        string path = Path.Combine(runDirectory, FileName);
        var deadline = DateTime.UtcNow + wait;
        while (true)
        {
            try
            {
                return new RunLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
            catch (IOException e)
            {
                throw new UserErrorException($"run directory '{runDirectory}' is in use by another neuromorphic process (it holds {path}); wait for it to finish or use another directory.", e);
            }
        }
    }

    public void Dispose() => _file.Dispose();
}
