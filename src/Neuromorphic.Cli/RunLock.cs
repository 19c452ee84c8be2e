using Neuromorphic.Cli.Commands;

namespace Neuromorphic.Cli;

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

    /// <summary>Creates the directory if needed and locks it for the lifetime of the returned object.</summary>
    public static RunLock Acquire(string runDirectory)
    {
        Directory.CreateDirectory(runDirectory);
        string path = Path.Combine(runDirectory, FileName);
        try
        {
            return new RunLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e)
        {
            throw new UserErrorException($"run directory '{runDirectory}' is in use by another neuromorphic process (it holds {path}); wait for it to finish or use another directory.", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
