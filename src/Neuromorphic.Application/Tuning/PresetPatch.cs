using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Neuromorphic.Learning;

namespace Neuromorphic.Application.Tuning;

/// <summary>Sets preset fields named by paths such as "layers[1].inverseTemperature" or "readout.epochs" in a preset's
/// JSON, then reads the result as any preset is read, so every rule a preset obeys holds for every trial.</summary>
public static partial class PresetPatch
{
    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9]*(\[\d{1,3}\])?(\.[A-Za-z][A-Za-z0-9]*(\[\d{1,3}\])?)*$")]
    private static partial Regex PathSyntax();

    public static void CheckPath(string path, string source, string where)
    {
        if (!PathSyntax().IsMatch(path))
            throw new UserErrorException($"{source}: {where}: expected a preset field such as \"layers[0].learningRate\" or \"readout.epochs\", found \"{path}\".");
    }

    /// <summary>The preset JSON with each (path, value) set; the field's parent must exist in the preset.</summary>
    public static string Apply(string presetJson, IReadOnlyDictionary<string, JsonNode> values, string source)
    {
        var root = JsonNode.Parse(presetJson, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!;
        foreach (var (path, value) in values)
        {
            JsonNode node = root;
            var parts = path.Split('.');
            for (int i = 0; i < parts.Length; i++)
            {
                var (name, index) = Split(parts[i]);
                bool last = i == parts.Length - 1;
                if (node is not JsonObject obj)
                    throw new UserErrorException($"{source}: parameter \"{path}\": \"{string.Join('.', parts[..i])}\" is not an object in the preset.");
                if (last && index is null)
                {
                    obj[name] = value.DeepClone();
                    break;
                }
                var child = obj[name] ?? throw new UserErrorException(
                    $"{source}: parameter \"{path}\": the preset has no field \"{name}\" there (it has {string.Join(", ", obj.Select(p => p.Key))}).");
                if (index is { } k)
                {
                    if (child is not JsonArray array || k >= array.Count)
                        throw new UserErrorException($"{source}: parameter \"{path}\": \"{name}\" has no element {k} in the preset.");
                    if (last) { array[k] = value.DeepClone(); break; }
                    child = array[k]!;
                }
                node = child;
            }
        }
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    static (string Name, int? Index) Split(string part)
    {
        int open = part.IndexOf('[');
        return open < 0 ? (part, null) : (part[..open], int.Parse(part[(open + 1)..^1], CultureInfo.InvariantCulture));
    }

    /// <summary>The patched preset, read and checked like any preset; a value a preset refuses names the trial.</summary>
    public static NetworkPreset Read(string json, string source)
    {
        try { return PresetLibrary.Parse(json, source); }
        catch (PresetFormatException e) { throw new UserErrorException(e.Message, e); }
    }
}
