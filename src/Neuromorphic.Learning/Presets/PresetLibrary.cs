using System.Reflection;
using System.Text.Json;

namespace Neuromorphic.Learning;

/// <summary>
/// Loads network presets: the built-in ones (JSON files embedded from Presets/*.json) by name, or any
/// file by path. Loading validates strictly: System.Text.Json reads the file into the records of
/// <see cref="PresetJson"/>, whose rules are then checked once; an unknown field, a wrong type, a missing value, a
/// value out of range or shapes that do not chain raise a <see cref="PresetFormatException"/> naming the file, the
/// JSON path and what was expected.
/// </summary>
public static class PresetLibrary
{
    const string ResourcePrefix = "Neuromorphic.Learning.Presets.";
    const string ResourceSuffix = ".json";

    /// <summary>Names of the built-in presets, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(PresetLibrary).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(ResourceSuffix, StringComparison.Ordinal))
        .Select(n => n[ResourcePrefix.Length..^ResourceSuffix.Length])
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>A built-in preset name (see <see cref="Names"/>) or the path of a preset JSON file.</summary>
    public static NetworkPreset Load(string nameOrPath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nameOrPath);
        if (Names.Contains(nameOrPath)) return Parse(BuiltInJson(nameOrPath), $"built-in preset '{nameOrPath}'");
        if (File.Exists(nameOrPath)) return Parse(File.ReadAllText(nameOrPath), Path.GetFullPath(nameOrPath));
        throw new FileNotFoundException(
            $"'{nameOrPath}' is neither a built-in preset ({string.Join(", ", Names)}) nor an existing file.", nameOrPath);
    }

    /// <summary>The JSON text of a built-in preset.</summary>
    public static string BuiltInJson(string name)
    {
        using var stream = typeof(PresetLibrary).Assembly.GetManifestResourceStream(ResourcePrefix + name + ResourceSuffix)
            ?? throw new ArgumentException($"No built-in preset '{name}'; the built-in presets are {string.Join(", ", Names)}.", nameof(name));
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Parses and validates preset JSON; <paramref name="source"/> names it in errors.</summary>
    public static NetworkPreset Parse(string json, string source)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = false });
        }
        catch (JsonException e)
        {
            throw new PresetFormatException(source, e.Path ?? "$",
                $"not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}): {e.Message}", e);
        }
        using (document)
        {
            RejectDuplicateKeys(document.RootElement, "$", source);
            var errors = new PresetErrors(source, document.RootElement);
            PresetJson? preset;
            try
            {
                preset = document.RootElement.Deserialize<PresetJson>(PresetJson.Options);
            }
            catch (JsonException e)
            {
                throw errors.Explain(e.Path ?? "$", e);
            }
            return (preset ?? throw errors.Explain("$")).ToPreset(errors);
        }
    }

    /// <summary>JsonDocument keeps every duplicate and lookups return the last one, so a repeated key would silently
    /// override the first: refuse it, at any depth, in document order, before any field is read (so a duplicate inside
    /// an unknown field is named as the duplicate it is).</summary>
    static void RejectDuplicateKeys(JsonElement element, string path, string source)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in element.EnumerateObject())
            {
                string child = PresetErrors.Child(path, property.Name);
                if (!seen.Add(property.Name))
                    throw new PresetFormatException(source, child, $"duplicate key '{property.Name}'");
                RejectDuplicateKeys(property.Value, child, source);
            }
        }
        else if (element.ValueKind == JsonValueKind.Array)
        {
            int i = 0;
            foreach (var item in element.EnumerateArray()) RejectDuplicateKeys(item, $"{path}[{i++}]", source);
        }
    }

    /// <summary>Longest accepted preset name.</summary>
    public const int MaxNameLength = 100;

    /// <summary>The accepted form of a preset name, for messages.</summary>
    public const string NameForm = "1 to 100 characters: letters, digits, '-', '_' and '.', not starting with '.' and without '..'";

    /// <summary>Why <paramref name="name"/> cannot be a preset name (it becomes the run directory runs/NAME-seedN, so it
    /// must not be a path), or null when it can.</summary>
    public static string? NameProblem(string name)
    {
        if (name.Length == 0) return "the name is empty";
        if (name.Length > MaxNameLength) return $"the name has {name.Length} characters, more than {MaxNameLength}";
        if (name[0] == '.') return "the name starts with '.'";
        if (name.Contains("..", StringComparison.Ordinal)) return "the name contains '..'";
        foreach (char ch in name)
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_' or '.'))
                return $"the name contains '{ch}' (U+{(int)ch:X4})";
        return null;
    }
}
