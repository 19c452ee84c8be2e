using System.Diagnostics;
using System.Reflection;

// The tool writes through System.Console, which the in-process runner redirects: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Neuromorphic.Cli.Tests;

/// <summary>What one invocation of the tool printed and returned.</summary>
public sealed record CliResult(int ExitCode, string Out, string Err)
{
    public string[] ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";
}

/// <summary>
/// Runs the `neuromorphic` tool. <see cref="Run"/> calls its real entry point (Program.cs's top-level statements,
/// generic host included) in this process with the console redirected; <see cref="RunProcess"/> starts it as a
/// child process, `dotnet neuromorphic.dll`, as a user would.
/// </summary>
public static class Cli
{
    /// <summary>Exit code the in-process runner reports when the tool let an exception escape.</summary>
    public const int Crashed = -1000;

    static readonly Assembly Tool = typeof(Neuromorphic.Cli.Failures).Assembly;
    static readonly object Gate = new();

    public static string RepoRoot => RepositoryPaths.Root;

    /// <summary>Trains the smallest real run (mnist-small on 100 sample images, one read-out epoch) into <paramref name="run"/>.</summary>
    public static void TrainTiny(string run)
    {
        var r = Run("train", "--preset", "mnist-small", "--limit-train", "100", "--limit-test", "50", "--classifier-epochs", "1", "--out", run);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    public static CliResult Run(params string[] args)
    {
        var entry = Tool.EntryPoint ?? throw new InvalidOperationException("neuromorphic.dll has no entry point.");
        lock (Gate)
        {
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            var (oldOut, oldErr) = (Console.Out, Console.Error);
            Console.SetOut(stdout);
            Console.SetError(stderr);
            int code;
            try
            {
                object? result = entry.Invoke(null, [args]);
                code = result switch
                {
                    int i => i,
                    Task<int> t => t.GetAwaiter().GetResult(),
                    _ => 0,
                };
            }
            catch (Exception e)
            {
                // An exception that escapes the tool is a crash (the user would see a stack trace): keep it visible.
                var inner = e is TargetInvocationException { InnerException: { } ie } ? ie : e;
                stderr.WriteLine("UNHANDLED " + inner);
                code = Crashed;
            }
            finally
            {
                Console.Out.Flush();
                Console.Error.Flush();
                Console.SetOut(oldOut);
                Console.SetError(oldErr);
            }
            return new CliResult(code, stdout.ToString(), stderr.ToString());
        }
    }

    /// <summary>Runs `dotnet neuromorphic.dll ARGS` (the build output of the project reference) in the repository root.</summary>
    public static CliResult RunProcess(params string[] args) => External.Run(ProcessStart(args), TimeSpan.FromSeconds(120));

    /// <summary>How `dotnet neuromorphic.dll ARGS` is started, output redirected, in the repository root.</summary>
    public static ProcessStartInfo ProcessStart(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoRoot,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Tool.Location);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    /// <summary>The one line a user mistake must produce: exit code 2, a single `error:` line on stderr, no stack trace.</summary>
    public static void AssertUserError(CliResult r, params string[] mustMention)
    {
        Assert.True(r.ExitCode == 2, $"expected exit code 2 for a user mistake\n{r}");
        Assert.True(r.ErrLines.Length == 1, $"expected exactly one line on stderr\n{r}");
        Assert.StartsWith("error: ", r.ErrLines[0]);
        Assert.DoesNotContain("   at ", r.Err);
        Assert.DoesNotContain("Exception", r.Err);
        foreach (var m in mustMention) Assert.Contains(m, r.ErrLines[0]);
    }
}

/// <summary>Child processes with a time limit; the output is read concurrently so a full pipe cannot block.</summary>
public static class External
{
    public static CliResult Run(ProcessStartInfo psi, TimeSpan limit)
    {
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {psi.FileName}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(limit))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{psi.FileName} {string.Join(' ', psi.ArgumentList)} did not finish within {limit.TotalSeconds:F0} s.\n" +
                                       $"stdout: {stdout.Result}\nstderr: {stderr.Result}");
        }
        p.WaitForExit();
        return new CliResult(p.ExitCode, stdout.Result, stderr.Result);
    }
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("neuromorphic-cli-tests-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
