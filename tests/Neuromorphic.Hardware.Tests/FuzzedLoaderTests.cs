using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Randomly damaged copies of the shipped files (seeded) either load or fail with a located
/// <see cref="HardwareModelException"/>; no other exception type escapes.</summary>
public class FuzzedLoaderTests
{
    private const int MutantsPerFile = 800;

    [Fact]
    public void Mutated_and_truncated_files_only_raise_located_errors()
    {
        var files = Directory.GetFiles(TinyChip.ModelsFolder(), "*.yaml").Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(files);
        int failures = 0, loaded = 0;
        var rng = new Random(20240601);
        foreach (var file in files)
        {
            string original = File.ReadAllText(file);
            for (int n = 0; n < MutantsPerFile; n++)
            {
                string mutant = Mutate(original, rng);
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
                }
                catch (Exception e)
                {
                    Assert.Fail($"{Path.GetFileName(file)} mutant {n} threw {e.GetType().Name}: {e.Message}\n---\n{mutant}");
                }
            }
        }
        // The mutations must actually break files most of the time, or the test proves little.
        Assert.True(failures > files.Length * MutantsPerFile / 2, $"only {failures} failures, {loaded} loaded");
    }

    private static readonly string[] Junk = [":", "-", "[", "]", "{", "}", "&a", "*a", "!tag", "'", "\"", "#", " ", "\t", "\n", "0", "-1", "pJ", "ns", "1e999", "~", "null", ",", "?", "|", ">", "%", "@", "µ"];

    private static string Mutate(string text, Random rng)
    {
        int edits = 1 + rng.Next(4);
        for (int i = 0; i < edits && text.Length > 0; i++)
        {
            int pos = rng.Next(text.Length);
            switch (rng.Next(8))
            {
                case 0: text = text.Remove(pos, 1); break;                                   // delete a character
                case 1: text = text.Insert(pos, text[pos].ToString()); break;               // duplicate a character
                case 2: text = text.Remove(pos, 1).Insert(pos, Junk[rng.Next(Junk.Length)]); break; // alter a character
                case 3: text = text[..pos]; break;                                           // truncate
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
