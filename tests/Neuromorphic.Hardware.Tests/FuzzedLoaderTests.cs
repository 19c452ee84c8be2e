using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Randomly damaged copies of the shipped files (seeded) either load or fail with a located
/// <see cref="HardwareModelException"/> with a one-line message; no other exception type escapes, no case takes
/// long, and no parse allocates more than <see cref="AllocationCap"/>.</summary>
public class FuzzedLoaderTests
{
    private const int MutantsPerFile = 2000;

    // A parse of a 5 KB chip file allocates some 100 KB; a mutant may not make that grow past a few MiB.
    private const long AllocationCap = 4L * ChipModelLoader.MaxFileBytes;
    private static readonly TimeSpan CaseBound = TimeSpan.FromSeconds(2);

    [Fact]
    public void Mutated_and_truncated_files_only_raise_located_errors()
    {
        var files = Directory.GetFiles(TinyChip.ModelsFolder(), "*.yaml").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);
        Assert.True(files.Length * MutantsPerFile >= 10_000);
        int failures = 0, loaded = 0;
        long maxAllocated = 0;
        var rng = new Random(20240601);
        var total = System.Diagnostics.Stopwatch.StartNew();
        foreach (var file in files)
        {
            string original = File.ReadAllText(file);
            for (int n = 0; n < MutantsPerFile; n++)
            {
                string mutant = Mutate(original, rng);
                var watch = System.Diagnostics.Stopwatch.StartNew();
                long before = GC.GetAllocatedBytesForCurrentThread();
                try
                {
                    ChipModelLoader.Parse(mutant, "mutant.yaml");
                    loaded++;
                }
                catch (HardwareModelException e)
                {
                    failures++;
                    Assert.Equal("mutant.yaml", e.File);
                    int lineCount = mutant.Split('\n').Length;
                    Assert.InRange(e.Line, 1, lineCount + 1);
                    Assert.False(string.IsNullOrEmpty(e.Field));
                    Assert.False(string.IsNullOrWhiteSpace(e.Problem));
                    Assert.DoesNotContain('\n', e.Message);
                    Assert.DoesNotContain('\r', e.Message);
                }
                catch (Exception e)
                {
                    Assert.Fail($"{Path.GetFileName(file)} mutant {n} threw {e.GetType().Name}: {e.Message}\n---\n{mutant}");
                }
                long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
                maxAllocated = Math.Max(maxAllocated, allocated);
                Assert.True(allocated <= AllocationCap, $"{Path.GetFileName(file)} mutant {n} allocated {allocated} bytes");
                Assert.True(watch.Elapsed < CaseBound, $"{Path.GetFileName(file)} mutant {n} took {watch.Elapsed}");
            }
        }
        // The mutations must actually break files most of the time, or the test proves little.
        Assert.True(failures > files.Length * MutantsPerFile / 2, $"only {failures} failures, {loaded} loaded");
        TestContext.Current.SendDiagnosticMessage(
            $"{files.Length * MutantsPerFile} chip mutants: {failures} refused, {loaded} loaded, most allocated {maxAllocated} bytes, {total.Elapsed.TotalSeconds:0.0} s");
    }

    private static readonly string[] Junk = [":", "-", "[", "]", "{", "}", "&a", "*a", "!tag", "'", "\"", "#", " ", "\t", "\n", "0", "-1", "pJ", "ns", "1e999", "~", "null", ",", "?", "|", ">", "%", "@", "µ"];

    // Values a hostile or broken file might hold where a number belongs.
    private static readonly string[] Numbers = ["1e308", "-1e308", "1e-308", "4.9e-324", "NaN", "Infinity", "-Infinity", "-1", "-0", "0",
        "1e20", "9223372036854775808", "2147483648", "99999999999", "1e999", "0x10", "1_000_000_000_000"];

    private static readonly System.Text.RegularExpressions.Regex Number = new(@"\d+(\.\d+)?([eE][-+]?\d+)?");

    internal static string Mutate(string text, Random rng)
    {
        int edits = 1 + rng.Next(4);
        for (int i = 0; i < edits && text.Length > 0; i++)
        {
            int pos = rng.Next(text.Length);
            switch (rng.Next(12))
            {
                case 0: text = text.Remove(pos, 1); break;                                   // delete a character
                case 1: text = text.Insert(pos, text[pos].ToString()); break;               // duplicate a character
                case 2: text = text.Remove(pos, 1).Insert(pos, Junk[rng.Next(Junk.Length)]); break; // alter a character
                case 3: text = text[..pos]; break;                                           // truncate
                case 4:
                case 5:
                {
                    // Replace one number with a huge, tiny, negative or non-finite value.
                    var matches = Number.Matches(text);
                    if (matches.Count == 0) break;
                    var m = matches[rng.Next(matches.Count)];
                    text = text.Remove(m.Index, m.Length).Insert(m.Index, Numbers[rng.Next(Numbers.Length)]);
                    break;
                }
                case 6:
                {
                    // Flip one bit of the UTF-8 bytes (may leave invalid UTF-8, decoded with replacement characters).
                    byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
                    bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
                    text = System.Text.Encoding.UTF8.GetString(bytes);
                    break;
                }
                case 7:
                {
                    // Insert a run of random bytes, read as Latin-1 characters (control characters included).
                    var junk = new char[1 + rng.Next(16)];
                    for (int j = 0; j < junk.Length; j++) junk[j] = (char)rng.Next(256);
                    text = text.Insert(pos, new string(junk));
                    break;
                }
                default:
                {
                    var lines = text.Split('\n').ToList();
                    int l = rng.Next(lines.Count);
                    switch (rng.Next(4))
                    {
                        case 0: lines.RemoveAt(l); break;                                    // delete a line
                        case 1: lines.Insert(l, lines[l]); break;                            // duplicate a line
                        case 2: lines[l] = new string(' ', rng.Next(5)) + lines[l].TrimStart(); break; // re-indent
                        default: lines.Insert(rng.Next(lines.Count), lines[l]); break;       // move a copy elsewhere
                    }
                    text = string.Join('\n', lines);
                    break;
                }
            }
        }
        return text;
    }
}
