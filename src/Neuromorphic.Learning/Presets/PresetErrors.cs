using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Neuromorphic.Learning;

/// <summary>
/// The errors of one preset file, each naming the file, the JSON path and what was expected. System.Text.Json says
/// where it refused the document, in its own words; <see cref="Explain"/> reads the document and the contract
/// (<see cref="PresetJson.Options"/>) at that path and says what was expected and what was found there, in the words
/// presets have always used: "missing value: expected a whole number", "expected a number, found the string \"5\"",
/// "unknown field 'stride'; expected only ...".
/// </summary>
internal sealed class PresetErrors(string source, JsonElement root)
{
    public PresetFormatException Error(string path, string problem, Exception? inner = null) => new(source, path, problem, inner);

    public int AtLeast(int value, int min, string path) =>
        value >= min ? value : throw Error(path, $"expected a whole number >= {min}, found {value}");

    public int? AtLeast(int? value, int min, string path) => value is { } v ? AtLeast(v, min, path) : null;

    /// <summary>A number below <paramref name="min"/> is quoted as the file writes it.</summary>
    public float AtLeast(float value, float min, string path) => value >= min
        ? value
        : throw Error(path, $"expected a number >= {min.ToString(CultureInfo.InvariantCulture)}, found {Locate(path).Element.GetRawText()}");

    public float? AtLeast(float? value, float min, string path) => value is { } v ? AtLeast(v, min, path) : null;

    /// <summary>
    /// The one check of a preset's learning rates, the Hebbian layers' lr (spec §2 step 8) and the read-out's Adam lr
    /// alike: a finite number >= 0 ("file: $.layers[0].learningRate: expected a number >= 0, found -1").
    /// </summary>
    public float LearningRate(float value, string path) => AtLeast(value, 0, path);

    /// <summary>What is wrong at <paramref name="path"/>: a JSON path where System.Text.Json refused the document
    /// (<paramref name="inner"/>), explained at its deepest part that the contract knows, or where a record stands that
    /// cannot be used (a layer without a type, a null array item).</summary>
    public PresetFormatException Explain(string path, Exception? inner = null) => Problem(Locate(path)) is { } found
        ? Error(found.Path, found.Problem, inner)
        : Error(path, inner?.Message ?? "not a valid preset", inner);

    /// <summary>The JSON path of member <paramref name="name"/> of the object at <paramref name="path"/>: $.a.b, or
    /// $['a b'] for a key that is not a plain identifier (keys come from the file and may hold anything).</summary>
    public static string Child(string path, string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? $"{path}.{name}"
            : $"{path}['{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";

    /// <summary>A place in the document with the contract of what belongs there; <paramref name="IsMember"/>: the value
    /// of an object's member (where null means missing), not an array item or the root.</summary>
    readonly record struct Node(JsonElement Element, JsonTypeInfo Type, string Path, bool IsMember);

    /// <summary>Follows <paramref name="path"/> ($.a.b[2].c) from the root as far as the document and the contract
    /// both go; a key that is not a plain identifier ($['a b']) is never the contract's, so the walk stops there.</summary>
    Node Locate(string path)
    {
        var node = new Node(root, PresetJson.Options.GetTypeInfo(typeof(PresetJson)), "$", IsMember: false);
        int at = 1;
        while (at < path.Length)
        {
            var (element, type) = (node.Element, Concrete(node.Type, node.Element));
            if (path[at] == '[' && element.ValueKind == JsonValueKind.Array && type.ElementType is { } itemType)
            {
                int end = path.IndexOf(']', at);
                if (end < 0 || !int.TryParse(path.AsSpan(at + 1, end - at - 1), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                    || index >= element.GetArrayLength())
                    break;
                node = new(element[index], PresetJson.Options.GetTypeInfo(itemType), $"{node.Path}[{index}]", IsMember: false);
                at = end + 1;
            }
            else if (path[at] == '.' && element.ValueKind == JsonValueKind.Object)
            {
                int end = path.IndexOfAny(['.', '['], at + 1);
                if (end < 0) end = path.Length;
                string name = path[(at + 1)..end];
                var member = type.Properties.FirstOrDefault(p => p.Name == name);
                if (member is null || !element.TryGetProperty(name, out var value)) break;
                node = new(value, PresetJson.Options.GetTypeInfo(member.PropertyType), Child(node.Path, name), IsMember: true);
                at = end;
            }
            else break;
        }
        return node;
    }

    /// <summary>The record that the <c>type</c> or <c>kind</c> in <paramref name="element"/> picks, or
    /// <paramref name="type"/> itself.</summary>
    static JsonTypeInfo Concrete(JsonTypeInfo type, JsonElement element) =>
        type.PolymorphismOptions is { } polymorphism && element.ValueKind == JsonValueKind.Object
            && element.TryGetProperty(polymorphism.TypeDiscriminatorPropertyName, out var kind) && kind.ValueKind == JsonValueKind.String
            && polymorphism.DerivedTypes.FirstOrDefault(d => d.TypeDiscriminator is string s && s == kind.GetString()) is { DerivedType: { } derived }
            ? PresetJson.Options.GetTypeInfo(derived)
            : type;

    static (string Path, string Problem)? Problem(Node node)
    {
        var (element, type, path, isMember) = node;
        string expected = Expected(type);
        if (element.ValueKind == JsonValueKind.Null)
            return (path, isMember ? $"missing value: expected {expected}" : $"expected {expected}, found null");
        return type.Kind switch
        {
            JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object => MemberProblem(element, type, path),
            JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array => null,
            JsonTypeInfoKind.Object or JsonTypeInfoKind.Enumerable => (path, Found(expected, element)),
            _ => ValueProblem(element, Nullable.GetUnderlyingType(type.Type) ?? type.Type) is { } problem ? (path, problem) : null,
        };
    }

    /// <summary>In an object: a missing or unknown <c>type</c>/<c>kind</c>, then the first missing member in the
    /// record's order, then the first unknown field in the file's order.</summary>
    static (string Path, string Problem)? MemberProblem(JsonElement element, JsonTypeInfo type, string path)
    {
        var known = new List<string>();
        if (type.PolymorphismOptions is { } polymorphism)
        {
            string name = polymorphism.TypeDiscriminatorPropertyName;
            known.Add(name);
            string[] kinds = polymorphism.DerivedTypes.Select(d => d.TypeDiscriminator).OfType<string>().ToArray();
            if (!element.TryGetProperty(name, out var kind) || kind.ValueKind == JsonValueKind.Null)
                return (Child(path, name), "missing value: expected a string");
            if (kind.ValueKind != JsonValueKind.String) return (Child(path, name), Found("a string", kind));
            if (!kinds.Contains(kind.GetString()))
            {
                string oneOf = kinds.Length == 2 ? $"\"{kinds[0]}\" or \"{kinds[1]}\"" : $"one of {string.Join(", ", kinds)}";
                return (Child(path, name), $"expected {oneOf}, found '{kind.GetString()}'");
            }
            type = Concrete(type, element);
        }
        var members = type.Properties.OrderBy(p => p.AssociatedParameter?.Position ?? int.MaxValue).ToArray();
        foreach (var member in members.Where(m => m.IsRequired))
        {
            if (!element.TryGetProperty(member.Name, out var value) || value.ValueKind == JsonValueKind.Null)
                return (Child(path, member.Name), $"missing value: expected {Expected(PresetJson.Options.GetTypeInfo(member.PropertyType))}");
        }
        known.AddRange(members.Select(m => m.Name));
        foreach (var property in element.EnumerateObject())
        {
            if (!known.Contains(property.Name))
                return (Child(path, property.Name), $"unknown field '{property.Name}'; expected only {string.Join(", ", known.Order(StringComparer.Ordinal))}");
        }
        return null;
    }

    /// <summary>A number, string or boolean that does not fit its member: the checks of the reader presets always had
    /// (a whole number fits an int; a number is finite and fits a float).</summary>
    static string? ValueProblem(JsonElement value, Type type)
    {
        bool fits = value.ValueKind switch
        {
            JsonValueKind.Number when type == typeof(int) => value.TryGetInt32(out _),
            JsonValueKind.Number when type == typeof(float) => value.TryGetDouble(out double d) && double.IsFinite(d),
            JsonValueKind.String => type == typeof(string),
            JsonValueKind.True or JsonValueKind.False => type == typeof(bool),
            _ => false,
        };
        if (!fits) return Found(Expected(type), value);
        // A double such as 1e300 is finite but overflows the float the preset holds.
        return type == typeof(float) && !float.IsFinite((float)value.GetDouble())
            ? $"expected a number within ±{float.MaxValue.ToString(CultureInfo.InvariantCulture)}, found {value.GetRawText()}"
            : null;
    }

    static string Expected(JsonTypeInfo type) => type.Kind switch
    {
        JsonTypeInfoKind.Object => "an object",
        JsonTypeInfoKind.Enumerable => "an array",
        _ => Expected(Nullable.GetUnderlyingType(type.Type) ?? type.Type),
    };

    static string Expected(Type type) =>
        type == typeof(int) ? "a whole number"
        : type == typeof(float) ? "a number"
        : type == typeof(bool) ? "true or false"
        : type == typeof(string) ? "a string"
        : throw new NotSupportedException($"A preset member of type {type} has no words for what it expects.");

    static string Found(string expected, JsonElement value) => $"expected {expected}, found {Describe(value)}";

    static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{Shorten(v.GetString()!)}\"",
        JsonValueKind.Number => $"the number {Shorten(v.GetRawText())}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {v.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    /// <summary>Values echoed in messages are cut, so a stray megabyte of text does not become the message.</summary>
    static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
