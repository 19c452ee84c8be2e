using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Neuromorphic.Engine;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Application;

/// <summary>
/// The files of a run directory: preset.json (the exact preset used), run.json (command, seed, commit,
/// machine, date), metrics.json (everything measured), checkpoints, plots. JSON is written atomically.
/// </summary>
public static class RunDirectory
{
    public const string RunInfoFile = "run.json";
    public const string MetricsFile = "metrics.json";
    public const string HardwareFile = "hardware.json";
    public const string EvaluationFile = "evaluation.json";
    /// <summary>Which model each derived file was made from: file name → the model's checksum at the time.</summary>
    public const string ProvenanceFile = "provenance.json";

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        // No "Infinity" or "NaN" is ever written: a non-finite number reaching a run file is a bug and fails loudly.
        // A record read back must be whole: every constructor parameter present, no null where none is allowed, no
        // field its writer does not write.
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    /// <summary>Every file and folder a run directory may hold that this tool writes (train, evaluate, simulate,
    /// spiking, plot, report); --overwrite removes these and nothing else.</summary>
    public static readonly string[] RunFiles =
    [
        SoftHebbTrainer.PresetFile, RunInfoFile, MetricsFile, SoftHebbTrainer.CheckpointFile,
        SoftHebbTrainer.ModelFile, EvaluationFile, HardwareFile, RunPlots.SpikingFile, RunPlots.SpikingTracesFile,
        RunReportWriter.ReportFile, "plots", ProvenanceFile, NirExportFile,
    ];

    /// <summary>Where `nir export` writes a run's spiking network as a NIR graph unless told otherwise.</summary>
    public const string NirExportFile = "model.nir";

    /// <summary>Refuses to start a run over another one unless resuming or overwriting, and a folder of other files
    /// in any case; --overwrite deletes the earlier run's files (with the temporary files of their atomic writes).</summary>
    public static void Prepare(string directory, bool resume, bool overwrite)
    {
        var entries = Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).OfType<string>()
            .Where(n => n != RunLock.FileName).ToList();
        bool IsRunFile(string name) => RunFiles.Any(f => name == f
            || (name.StartsWith(f + ".") || name.StartsWith("." + f + ".")) && name.EndsWith(".tmp"));
        var ours = entries.Where(IsRunFile).ToList();
        if (entries.Count > 0 && ours.Count == 0)
            throw new UserErrorException($"'{directory}' is not empty and holds no run (e.g. {entries.Order().First()}); give --out an empty or new directory.");
        if (resume) return;
        // A run has started once it has a checkpoint; the JSON files of one that failed before are simply replaced.
        string? started = new[] { SoftHebbTrainer.ModelFile, SoftHebbTrainer.CheckpointFile }.FirstOrDefault(ours.Contains);
        if (started is not null && !overwrite)
            throw new UserErrorException($"'{directory}' already holds a run ({started}); pass --resume to continue it or --overwrite to start afresh.");
        if (!overwrite) return;
        foreach (string name in ours)
        {
            string path = Path.Combine(directory, name);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
            else File.Delete(path);
        }
    }

    /// <summary>A run file read into its record, or null when the run has none.</summary>
    /// <param name="upgrade">Brings a file of an earlier layout to the current one before it is read, or null.</param>
    public static T? Read<T>(string directory, string file, Action<JsonNode>? upgrade = null) where T : class
    {
        string path = Path.Combine(directory, file);
        if (!File.Exists(path)) return null;
        try
        {
            string text = File.ReadAllText(path);
            if (upgrade is null) return JsonSerializer.Deserialize<T>(text, Json) ?? throw new JsonException("the file holds null");
            var root = JsonNode.Parse(text) ?? throw new JsonException("the file holds null");
            upgrade(root);
            return root.Deserialize<T>(Json) ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e) { throw Damaged(path, e); }
    }

    /// <summary>A run's metrics.json, or null when the run has none. Files written before each actor's work counts were
    /// nested under "work" (until 2026-12-06; finished search trials among them) are read too.</summary>
    public static TrainingResult? ReadMetrics(string directory) => Read<TrainingResult>(directory, MetricsFile, NestWorkCounts);

    /// <summary>The JSON names of <see cref="WorkCounts"/>' fields, as this file's options write them.</summary>
    static readonly string[] WorkCountNames = [.. typeof(WorkCounts).GetProperties().Where(p => p.GetMethod is { IsPublic: true })
        .Select(p => Json.PropertyNamingPolicy!.ConvertName(p.Name))];

    /// <summary>Moves an actor's work counts from beside its own counters (the earlier layout) under "work".</summary>
    static void NestWorkCounts(JsonNode root)
    {
        if (root["hebbianPasses"] is not JsonArray passes) return;
        foreach (var pass in passes)
        {
            if (pass?["actors"] is not JsonObject actors) continue;
            foreach (var (_, actor) in actors)
            {
                if (actor is not JsonObject a || a.ContainsKey("work")) continue;
                var work = new JsonObject();
                foreach (string name in WorkCountNames)
                    if (a.TryGetPropertyValue(name, out var value))
                    {
                        a.Remove(name);
                        work[name] = value;
                    }
                a["work"] = work;
            }
        }
    }

    /// <summary>Reading the fields of run files that parse but do not hold what their writer writes (edited by hand,
    /// or from another version) fails with one error naming the run and what was being made.</summary>
    public static T Reading<T>(string directory, string what, Func<T> read)
    {
        try { return read(); }
        // ArgumentException: the plots refuse values no writer produces (NaN, negative counts, arrays of unequal length).
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or JsonException or ArgumentException)
        {
            throw new UserErrorException(
                $"{directory}: its files do not hold what {what} needs ({e.Message}); rerun the command that wrote them.", e);
        }
    }

    static UserErrorException Damaged(string path, JsonException e) =>
        new($"{path} is not a valid run file ({e.Message}); rerun the command that writes it.", e);

    /// <summary>The SHA-256 (hex) of the run's model.ckpt, which names the model that derived files were made from.</summary>
    public static string ModelChecksum(string run)
    {
        string path = Path.Combine(run, SoftHebbTrainer.ModelFile);
        if (!File.Exists(path)) throw new UserErrorException($"{run} holds no trained model ({path} is missing); train it first.");
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    /// <summary>Writes a file derived from the run's model (metrics, evaluation, chip results, spiking results) and
    /// records the model's checksum beside it, so a file left from another model is never shown as this one's.</summary>
    public static void WriteDerived<T>(string run, string file, T value)
    {
        WriteJson(run, file, value);
        var provenance = Read<Dictionary<string, string>>(run, ProvenanceFile) ?? [];
        provenance[file] = ModelChecksum(run);
        WriteJson(run, ProvenanceFile, new SortedDictionary<string, string>(provenance, StringComparer.Ordinal));
    }

    /// <summary>Refuses a run whose derived files were made from another model than the one it now holds; returns
    /// the model's checksum.</summary>
    public static string CheckDerived(string run)
    {
        string model = ModelChecksum(run);
        var provenance = Read<Dictionary<string, string>>(run, ProvenanceFile);
        if (provenance is null) return model;
        var stale = provenance.Where(p => p.Value != model && File.Exists(Path.Combine(run, p.Key))).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
        if (stale.Count > 0)
            throw new UserErrorException(
                $"{run}: {string.Join(", ", stale)} {(stale.Count == 1 ? "was" : "were")} made from another model than its model.ckpt " +
                $"(sha256 {model[..12]}); rerun the commands that write {(stale.Count == 1 ? "it" : "them")} (evaluate, simulate, spiking softhebb) or delete {(stale.Count == 1 ? "it" : "them")}.");
        return model;
    }

    public static void WriteJson<T>(string directory, string file, T value) =>
        WriteAtomically(Path.Combine(directory, file), JsonSerializer.Serialize(value, Json));

    public static void WriteAtomically(string path, string text) => Neuromorphic.Engine.AtomicFile.WriteAllText(path, text);

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
