using System.Diagnostics;
using System.Text;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Cli.Tests;

/// <summary>
/// 10,000 seeded mutants of a finished run directory (its JSON files, preset and model): reading it back for plots and
/// the report either works or ends in one error line with a user or system exit code, never an internal error, a
/// hang or a runaway allocation. The plots' models are built but not drawn, which is what makes 10,000 cases fast.
/// </summary>
[Collection(TinyRunCollection.Name)]
public class RunDirectoryFuzzTests(TinyRun run)
{
    const int Mutants = 10_000;
    const long AllocationCap = 256L << 20;

    static readonly string[] Files =
    [
        RunDirectory.MetricsFile, RunDirectory.RunInfoFile, RunDirectory.HardwareFile, RunDirectory.EvaluationFile,
        RunPlots.SpikingFile, RunPlots.SpikingTracesFile, RunDirectory.ProvenanceFile, SoftHebbTrainer.PresetFile, SoftHebbTrainer.ModelFile,
    ];

    [Fact]
    public void Every_mutant_reads_back_or_fails_with_one_line()
    {
        using var dir = new TempDir();
        var pristine = Files.ToDictionary(f => f, f => File.ReadAllBytes(Path.Combine(run.Run, f)));
        foreach (var (file, bytes) in pristine) File.WriteAllBytes(dir.File(file), bytes);
        var rng = new Random(20261205);
        var outcomes = new Dictionary<string, int>();
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Mutants; i++)
        {
            string file = Files[rng.Next(Files.Length)];
            string path = dir.File(file);
            var (how, mutant) = Mutate(pristine[file], rng);
            if (mutant is null) File.Delete(path); else File.WriteAllBytes(path, mutant);

            long before = GC.GetAllocatedBytesForCurrentThread();
            var case_ = Stopwatch.StartNew();
            string outcome;
            try
            {
                // The weights are read only for the receptive fields: the other files' mutants skip that (the slow part).
                if (file is SoftHebbTrainer.ModelFile or SoftHebbTrainer.PresetFile) RunPlots.Make(dir.Path, ["receptive-fields"]);
                else
                {
                    RunPlots.Make(dir.Path, RunPlots.Kinds.Where(k => k != "receptive-fields"), layOutLabels: false);
                    RunReportWriter.Tables(dir.Path);
                }
                outcome = "read";
            }
            catch (Exception e)
            {
                var (code, message) = Failures.Describe(e);
                Assert.True(code is Failures.UserError or Failures.SystemError,
                    $"mutant {i} ({how} of {file}) ended in exit code {code}: {message}\n{e}");
                Assert.DoesNotContain('\n', message);
                outcome = $"exit {code}";
            }
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < AllocationCap, $"mutant {i} ({how} of {file}) allocated {allocated / (1 << 20)} MiB");
            Assert.True(case_.Elapsed < TimeSpan.FromSeconds(5), $"mutant {i} ({how} of {file}) took {case_.Elapsed}");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;

            File.WriteAllBytes(path, pristine[file]);
        }
        Assert.True(outcomes.GetValueOrDefault("read") > 0 && outcomes.Count > 1, string.Join(", ", outcomes));
        Console.WriteLine($"{Mutants} run-directory mutants in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", outcomes.OrderBy(o => o.Key))}");
    }

    static readonly string[] Replacements =
        ["1e308", "-1e308", "-1", "0", "NaN", "\"Infinity\"", "null", "true", "\"\"", "[]", "{}", "\"x\"", "99999999999999999999", "1.5"];

    /// <summary>One seeded mutation: bytes flipped or replaced, truncation, a number or value replaced, a key
    /// renamed, a line duplicated or dropped, the file emptied, or removed (null).</summary>
    static (string How, byte[]? Bytes) Mutate(byte[] source, Random rng)
    {
        var bytes = (byte[])source.Clone();
        switch (rng.Next(9))
        {
            case 0:
                for (int k = rng.Next(1, 4); k > 0 && bytes.Length > 0; k--) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
                return ("bit flips", bytes);
            case 1:
                return ("truncation", bytes[..rng.Next(bytes.Length + 1)]);
            case 2:
                return ("empty", []);
            case 3:
                return ("removed", null);
            case 4:
                int n = Math.Min(8, bytes.Length);
                rng.NextBytes(bytes.AsSpan(rng.Next(bytes.Length - n + 1), n));
                return ("random bytes", bytes);
        }
        // Text-level mutations (on a binary model file they are byte noise, also worth trying).
        string text = Encoding.UTF8.GetString(source);
        var lines = text.Split('\n').ToList();
        int at = rng.Next(lines.Count);
        switch (rng.Next(4))
        {
            case 0:
            {
                var numbers = System.Text.RegularExpressions.Regex.Matches(text, @"-?\d+(\.\d+)?([eE][-+]?\d+)?");
                if (numbers.Count == 0) break;
                var m = numbers[rng.Next(numbers.Count)];
                return ("number replaced", Encoding.UTF8.GetBytes(text[..m.Index] + Replacements[rng.Next(Replacements.Length)] + text[(m.Index + m.Length)..]));
            }
            case 1:
            {
                var keys = System.Text.RegularExpressions.Regex.Matches(text, "\"[A-Za-z]+\"\\s*:");
                if (keys.Count == 0) break;
                var m = keys[rng.Next(keys.Count)];
                return ("key renamed", Encoding.UTF8.GetBytes(text[..m.Index] + "\"renamed\":" + text[(m.Index + m.Length)..]));
            }
            case 2:
                lines.Insert(at, lines[at]);
                return ("line duplicated", Encoding.UTF8.GetBytes(string.Join('\n', lines)));
        }
        lines.RemoveAt(at);
        return ("line dropped", Encoding.UTF8.GetBytes(string.Join('\n', lines)));
    }
}
