using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Cli.Commands;

namespace Neuromorphic.Cli.Tests;

/// <summary>`train` and its run directory: a run is not trained over without --resume or --overwrite, --overwrite
/// removes only the tool's files, one process at a time writes a directory, and a run killed (kill -9) at any
/// point of any phase resumes to the same model.ckpt, byte for byte, as a run never interrupted.</summary>
public class RunDirectoryTests(ITestOutputHelper output)
{
    static readonly string[] Tiny = ["train", "--preset", "mnist-small", "--limit-train", "100", "--limit-test", "50", "--classifier-epochs", "1"];

    static CliResult Train(string run, params string[] more) => Cli.Run([.. Tiny, "--out", run, .. more]);

    static void Succeeded(CliResult r) => Assert.True(r.ExitCode == 0, r.ToString());

    [Fact]
    public void A_second_training_into_the_same_directory_is_refused_until_resume_or_overwrite()
    {
        using var tmp = new TempDir();
        string run = tmp.File("run");
        Succeeded(Train(run));
        File.WriteAllText(Path.Combine(run, "notes.txt"), "the user's own file");
        File.WriteAllText(Path.Combine(run, "evaluation.json"), "{}");
        Directory.CreateDirectory(Path.Combine(run, "plots"));
        File.WriteAllText(Path.Combine(run, "plots", "old.png"), "");

        Cli.AssertUserError(Train(run), run, "already holds a run (model.ckpt)", "--resume", "--overwrite");
        Cli.AssertUserError(Train(run, "--resume", "--overwrite"), "--resume", "--overwrite");
        Cli.AssertUserError(Train(run, "--resume", "--limit-train", "50"), "--limit-train 100, this run asks for 50");
        Cli.AssertUserError(Train(run, "--resume", "--seed", "3"), "--seed 0, this run asks for 3");

        Succeeded(Train(run, "--overwrite"));
        Assert.True(File.Exists(Path.Combine(run, "notes.txt")), "--overwrite removed a file the tool did not write");
        Assert.False(File.Exists(Path.Combine(run, "evaluation.json")));
        Assert.False(Directory.Exists(Path.Combine(run, "plots")));
        Assert.True(File.Exists(Path.Combine(run, "model.ckpt")));
    }

    [Fact]
    public void A_folder_of_other_files_is_not_a_run_directory_and_resume_needs_a_checkpoint()
    {
        using var tmp = new TempDir();
        string folder = tmp.File("thesis");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "thesis.tex"), "");
        Cli.AssertUserError(Train(folder), "holds no run", "thesis.tex");
        Cli.AssertUserError(Train(folder, "--overwrite"), "holds no run");
        Assert.Equal([".lock", "thesis.tex"], Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        Cli.AssertUserError(Train(tmp.File("empty"), "--resume"), "--resume", "no checkpoint to resume from");
    }

    [Fact]
    public void Metrics_in_the_earlier_flat_layout_read_back_the_same_and_a_missing_work_count_is_refused()
    {
        using var tmp = new TempDir();
        string run = tmp.File("run");
        Succeeded(Train(run));
        string path = Path.Combine(run, RunDirectory.MetricsFile);
        string written = File.ReadAllText(path);
        var current = RunDirectory.ReadMetrics(run)!;
        Assert.True(current.HebbianPasses[0].Actors["hebb0"].Work.DenseMacs > 0);

        // The layout written until 2026-12-06: an actor's work counts beside its own counters, not under "work".
        var flat = JsonNode.Parse(written)!;
        foreach (var pass in flat["hebbianPasses"]!.AsArray())
            foreach (var (_, actor) in pass!["actors"]!.AsObject())
            {
                var a = actor!.AsObject();
                var work = a["work"]!.AsObject();
                a.Remove("work");
                foreach (var (name, value) in work.ToList())
                {
                    work.Remove(name);
                    a[name] = value;
                }
            }
        Assert.DoesNotContain("\"work\"", flat.ToJsonString());
        File.WriteAllText(path, flat.ToJsonString());
        Assert.Equal(JsonSerializer.Serialize(current, RunDirectory.Json), JsonSerializer.Serialize(RunDirectory.ReadMetrics(run), RunDirectory.Json));

        // Either layout, a count left out is a damaged file, not a zero.
        var damaged = JsonNode.Parse(written)!;
        damaged["hebbianPasses"]![0]!["actors"]!["hebb0"]!["work"]!.AsObject().Remove("spikes");
        File.WriteAllText(path, damaged.ToJsonString());
        var e = Assert.Throws<UserErrorException>(() => RunDirectory.ReadMetrics(run));
        Assert.Contains("spikes", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_locked_run_directory_is_refused_naming_it()
    {
        using var tmp = new TempDir();
        string run = tmp.File("run");
        using (RunLock.Acquire(run))
        {
            Cli.AssertUserError(Train(run), run, "in use");
            Assert.Throws<UserErrorException>(() => RunLock.Acquire(run));
        }
        Succeeded(Train(run)); // released on dispose
    }

    /// <summary>A training child process whose output lines are timed as they arrive.</summary>
    sealed class Child : IDisposable
    {
        readonly Process _process;
        readonly Stopwatch _clock = Stopwatch.StartNew();
        public readonly List<(TimeSpan At, string Line)> Lines = [];
        public readonly TaskCompletionSource Reached = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Child(string? waitFor, params string[] args)
        {
            _process = Process.Start(Cli.ProcessStart(args))!;
            _process.ErrorDataReceived += (_, _) => { };
            _process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                lock (Lines) Lines.Add((_clock.Elapsed, e.Data));
                if (waitFor is not null && e.Data.Contains("] " + waitFor)) Reached.TrySetResult();
            };
            _process.BeginOutputReadLine();
            _process.BeginErrorReadLine();
        }

        public bool HasExited => _process.HasExited;
        public void Kill() { _process.Kill(entireProcessTree: true); _process.WaitForExit(); }
        public int Wait() { Assert.True(_process.WaitForExit(TimeSpan.FromSeconds(120)), "child did not finish"); _process.WaitForExit(); return _process.ExitCode; }
        public TimeSpan At(string prefix) { lock (Lines) return Lines.First(l => l.Line.Contains("] " + prefix)).At; }
        public TimeSpan End { get { lock (Lines) return Lines[^1].At; } }
        public void Dispose() { if (!_process.HasExited) Kill(); _process.Dispose(); }
    }

    [Fact]
    public async Task A_run_killed_at_random_points_of_each_phase_resumes_to_the_same_model_bytes()
    {
        using var tmp = new TempDir();
        string[] args = ["train", "--preset", "mnist-small", "--limit-train", "300", "--limit-test", "100", "--classifier-epochs", "12", "--checkpoint-every", "3"];
        string straight = tmp.File("straight");
        TimeSpan[] starts, ends;
        using (var child = new Child(null, [.. args, "--out", straight]))
        {
            Assert.Equal(0, child.Wait());
            // Where each phase starts and ends in an uninterrupted run on this machine: kill points are drawn inside them.
            starts = [child.At("hebbian"), child.At("features (train)"), child.At("read-out")];
            ends = [starts[1], starts[2], child.End];
        }
        byte[] expected = File.ReadAllBytes(Path.Combine(straight, "model.ckpt"));
        string[] phases = ["hebbian", "features (train)", "read-out"];
        var rng = new Random(20240611);
        for (int i = 0; i < phases.Length; i++)
        {
            string run = "";
            TimeSpan delay = default;
            // The machine's speed varies (2 shared cores): a child that finished before the kill is run again with an
            // earlier kill point, never counted as a pass.
            bool killed = false;
            for (int attempt = 0; !killed; attempt++)
            {
                Assert.True(attempt < 4, $"the child finished before it could be killed in '{phases[i]}' four times");
                run = tmp.File($"killed-{i}-{attempt}");
                delay = (ends[i] - starts[i]) * ((0.1 + 0.4 * rng.NextDouble()) / (1 << attempt));
                using var child = new Child(phases[i], [.. args, "--out", run]);
                await child.Reached.Task.WaitAsync(TimeSpan.FromSeconds(120));
                // In the Hebbian phase the kill comes after its first checkpoint: before it there is nothing to resume.
                while (i == 0 && !File.Exists(Path.Combine(run, "checkpoint.ckpt")) && !child.HasExited) await Task.Delay(5);
                await Task.Delay(delay);
                if (i == 0 && !child.HasExited) Assert.Throws<UserErrorException>(() => RunLock.Acquire(run)); // the child holds the directory
                if (child.HasExited) continue;
                child.Kill();
                // A kill that lands once the model is written (the child was finishing) interrupts nothing: again, earlier.
                killed = !File.Exists(Path.Combine(run, "model.ckpt"));
            }
            RunLock.Acquire(run).Dispose(); // a killed process leaves no lock behind
            Assert.False(File.Exists(Path.Combine(run, "model.ckpt")));
            string checkpoint = Path.Combine(run, "checkpoint.ckpt");
            Assert.True(File.Exists(checkpoint), $"no checkpoint after a kill {delay.TotalMilliseconds:F0} ms into '{phases[i]}'");
            output.WriteLine($"killed {delay.TotalMilliseconds:F0} ms into '{phases[i]}': {Neuromorphic.Learning.Checkpoint.Read(checkpoint).Header with { Run = null }}");

            var resumed = Cli.RunProcess([.. args, "--out", run, "--resume"]);
            Assert.True(resumed.ExitCode == 0, resumed.ToString());
            Assert.True(expected.AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(run, "model.ckpt"))),
                $"model.ckpt after a kill in '{phases[i]}' and --resume differs from the uninterrupted run's");
        }
    }
}
