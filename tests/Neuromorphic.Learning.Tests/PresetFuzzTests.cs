using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Neuromorphic.Learning.Tests;

/// <summary>
/// Seeded mutants of the shipped presets: whatever the bytes, loading gives a preset or a one-line
/// <see cref="PresetFormatException"/> naming the file and a JSON path, never another exception or a hang.
/// </summary>
public partial class PresetFuzzTests
{
    const int Mutants = 12000;
    const string Source = "fuzz.json";

    static readonly string[] Numbers = ["1e400", "-1e400", "1e39", "-3.5e38", "2147483648", "2147483647", "-2147483649", "-1", "0", "-0",
        "1e-400", "0.5", "99999999999999999999", "1E+2", "NaN", "Infinity", "-Infinity", "20000", "65536", "3"];
    static readonly string[] Values = ["\"5\"", "true", "false", "null", "[]", "{}", "[1, 2]", "{\"a\": 1}", "\"\"", "\"../x\"",
        "\"max_4_2_1\"", "\"avg_99_0_0\"", "\"a\\nb\"", "\"\\u0000\""];

    [GeneratedRegex("-?\\d+(\\.\\d+)?([eE][-+]?\\d+)?")]
    private static partial Regex NumberToken();
    [GeneratedRegex("\"[A-Za-z]+\": ")]
    private static partial Regex KeyToken();
    [GeneratedRegex("\"[^\"]*\"(?!:)")]
    private static partial Regex StringValueToken();

    [Fact(Timeout = 120_000)]
    public async Task Mutated_presets_parse_or_fail_with_a_one_line_format_error()
    {
        await Task.Yield(); // the timeout applies to the asynchronous part
        var rng = new Random(20261205);
        var originals = PresetLibrary.Names.Select(PresetLibrary.BuiltInJson).ToArray();
        int parsed = 0, refused = 0;
        for (int i = 0; i < Mutants; i++)
        {
            string json = originals[rng.Next(originals.Length)];
            int ops = 1 + rng.Next(3);
            for (int o = 0; o < ops; o++) json = Mutate(json, rng);
            try
            {
                var preset = PresetLibrary.Parse(json, Source);
                Assert.True(PresetFootprint.Estimate(preset, 1000, 100).TotalBytes > 0, $"mutant {i}: estimate");
                parsed++;
            }
            catch (PresetFormatException e)
            {
                Assert.StartsWith($"{Source}: $", e.Message);
                Assert.StartsWith("$", e.JsonPath);
                Assert.False(e.Message.Any(char.IsControl), $"mutant {i}: {e.Message}");
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"mutant {i} threw {e.GetType().Name}: {e.Message}\n{json}");
            }
        }
        // Both outcomes occur: the mutations are neither all fatal nor all harmless.
        Assert.True(parsed > Mutants / 50 && refused > Mutants / 2, $"parsed {parsed}, refused {refused}");
    }

    static string Mutate(string json, Random rng)
    {
        switch (rng.Next(7))
        {
            case 0: // flip a byte
            {
                if (json.Length == 0) return json;
                var chars = json.ToCharArray();
                int at = rng.Next(chars.Length);
                const string pool = "{}[]\":,.-+eE0123456789 \n\t\\/a\u0001\u00e9";
                chars[at] = rng.Next(4) == 0 ? (char)rng.Next(0, 128) : pool[rng.Next(pool.Length)];
                return new string(chars);
            }
            case 1: // truncate
                return json[..rng.Next(json.Length + 1)];
            case 2: // replace a number with a huge, negative, fractional or NaN-like one
                return ReplaceOne(json, NumberToken(), Numbers[rng.Next(Numbers.Length)], rng);
            case 3: // change a value's type
                return ReplaceOne(json, rng.Next(2) == 0 ? NumberToken() : StringValueToken(), Values[rng.Next(Values.Length)], rng);
            case 4: // duplicate a key (same object, other value)
            {
                var matches = KeyToken().Matches(json);
                if (matches.Count == 0) return json;
                var m = matches[rng.Next(matches.Count)];
                return json.Insert(m.Index, $"{m.Value}{Numbers[rng.Next(Numbers.Length)]}, ");
            }
            case 5: // delete a key
                return Structural(json, rng, (obj, key) => obj.Remove(key));
            default: // add an odd key or give a key a whole other subtree
                return Structural(json, rng, (obj, key) => obj[rng.Next(2) == 0 ? key + "\u0007\n" : key] =
                    JsonNode.Parse(Values[rng.Next(Values.Length)]));
        }
    }

    static string ReplaceOne(string json, Regex token, string replacement, Random rng)
    {
        var matches = token.Matches(json);
        if (matches.Count == 0) return json;
        var m = matches[rng.Next(matches.Count)];
        return new StringBuilder(json).Remove(m.Index, m.Length).Insert(m.Index, replacement).ToString();
    }

    /// <summary>Applies <paramref name="edit"/> to a random member of a random object, when the text is still JSON.</summary>
    static string Structural(string json, Random rng, Action<JsonObject, string> edit)
    {
        JsonNode? root;
        var objects = new List<JsonObject>();
        void Collect(JsonNode? node)
        {
            if (node is JsonObject o) { objects.Add(o); foreach (var (_, v) in o) Collect(v); }
            else if (node is JsonArray a) foreach (var v in a) Collect(v);
        }
        // Not JSON any more, or a duplicate key (JsonObject refuses those when first read): leave it as it is.
        try { root = JsonNode.Parse(json); Collect(root); }
        catch (Exception e) when (e is System.Text.Json.JsonException or ArgumentException) { return json; }
        var target = objects.Where(o => o.Count > 0).ToArray();
        if (target.Length == 0) return json;
        var obj = target[rng.Next(target.Length)];
        edit(obj, obj.ElementAt(rng.Next(obj.Count)).Key);
        return root!.ToJsonString();
    }
}
