using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Neuromorphic.Cli;

/// <summary>
/// The files of a run directory: preset.json (the exact preset used), run.json (command, seed, commit,
/// machine, date), metrics.json (everything measured), checkpoints, plots. JSON is written atomically.
/// </summary>
public static class RunDirectory
{
    public const string RunInfoFile = "run.json";
    public const string MetricsFile = "metrics.json";
    public const string HardwareFile = "hardware.json";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void WriteJson<T>(string directory, string file, T value) =>
        WriteAtomically(Path.Combine(directory, file), JsonSerializer.Serialize(value, Json));

    public static void WriteAtomically(string path, string text)
    {
        string temp = path + ".tmp";
        File.WriteAllText(temp, text);
        File.Move(temp, path, overwrite: true);
    }

    public static RunInfo Describe(string command, IReadOnlyList<string> args, int seed) => new(
        Command: "neuromorphic " + string.Join(' ', new[] { command }.Concat(args)),
        Seed: seed,
        Commit: GitCommit(),
        StartedUtc: DateTime.UtcNow,
        Machine: $"{CpuName()}, {Environment.ProcessorCount} cores, {Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024))} GiB",
        Runtime: System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        Gemm: Neuromorphic.Tensors.Gemm.Sgemm.Current.Name);

    public static string GitCommit()
    {
        try
        {
            var psi = new ProcessStartInfo("git", "rev-parse --short=12 HEAD")
            {
                RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryPaths.Root,
            };
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit(2000);
            if (p.ExitCode != 0 || output.Length == 0) return "unknown";
            psi.Arguments = "status --porcelain --untracked-files=no";
            using var s = Process.Start(psi)!;
            bool dirty = s.StandardOutput.ReadToEnd().Trim().Length > 0;
            s.WaitForExit(2000);
            return dirty ? output + "+dirty" : output;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "unknown";
        }
    }

    static string CpuName() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";
}

public sealed record RunInfo(string Command, int Seed, string Commit, DateTime StartedUtc, string Machine, string Runtime, string Gemm);
