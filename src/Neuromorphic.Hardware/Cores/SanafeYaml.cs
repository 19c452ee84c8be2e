using System.Globalization;
using System.Text.RegularExpressions;

namespace Neuromorphic.Hardware.Cores;

/// <summary>What both SANA-FE readers need from a parsed YAML tree: typed access that turns every wrong shape or
/// value into a <see cref="HardwareModelException"/> naming file, line and field.</summary>
internal sealed partial class SanafeYaml(string file)
{
    public string File { get; } = file;

    public HardwareModelException Error(YNode node, string field, string problem) => new(File, node.Line, field, problem);
    public HardwareModelException Error(int line, string field, string problem) => new(File, line, field, problem);

    /// <summary>Runs a reader so that a bug in validation still surfaces as a located error rather than as a crash.</summary>
    public static T Guard<T>(string file, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (HardwareModelException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new HardwareModelException(file, 1, "(document)", "internal error while reading: " + e.Message, e);
        }
    }

    public YMap Map(YNode node, string field) =>
        node as YMap ?? throw Error(node, field, $"expected a mapping (key: value lines), found {Describe(node)}");

    public YSeq Seq(YNode node, string field) =>
        node as YSeq ?? throw Error(node, field, $"expected a list, found {Describe(node)}");

    public YScalar Scalar(YNode node, string field) =>
        node as YScalar ?? throw Error(node, field, $"expected a single value, found {Describe(node)}");

    public static string Describe(YNode node) => node switch
    {
        YScalar s => $"'{s.Value}'",
        YSeq q => $"a list of {q.Items.Count} items",
        _ => "a mapping",
    };

    public YNode Required(YMap map, string key, string field) =>
        map.Find(key) ?? throw Error(map, field + "." + key, $"the required key '{key}' is missing");

    /// <summary>Blocks come as a list or, for a single block, as the mapping itself.</summary>
    public static IReadOnlyList<YNode> ListOrSingle(YNode node) => node is YSeq s ? s.Items : [node];

    /// <summary>An empty value (<c>key:</c> with nothing after it, <c>~</c>, <c>null</c>) where a block may be left out.</summary>
    public static bool IsEmpty(YNode node) => node is YScalar { Quoted: false, Value: "" or "~" or "null" or "Null" or "NULL" };

    /// <summary>Attributes as SANA-FE accepts them: a mapping, a list of one-key mappings (<c>[a: 1, b: 2]</c>), or
    /// nothing at all.</summary>
    public IReadOnlyList<KeyValuePair<YScalar, YNode>> Attributes(YNode node, string field)
    {
        if (IsEmpty(node)) return [];
        if (node is YMap m) return m.Entries;
        if (node is not YSeq s)
            throw Error(node, field, $"expected attributes (a mapping or a list of 'key: value' items), found {Describe(node)}");
        var list = new List<KeyValuePair<YScalar, YNode>>(s.Items.Count);
        foreach (var item in s.Items)
        {
            if (item is not YMap im)
                throw Error(item, field, $"expected a 'key: value' item in the attribute list, found {Describe(item)}");
            list.AddRange(im.Entries);
        }
        return list;
    }

    public string Text(YNode node, string field) => Scalar(node, field).Value;

    public double Number(YNode node, string field)
    {
        string text = Scalar(node, field).Value;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && double.IsFinite(v))
            return v;
        throw Error(node, field, $"expected a finite number, found '{text}'");
    }

    /// <summary>An energy or latency: SANA-FE's files give them in joules and seconds, never negative.</summary>
    public double Cost(YNode node, string field)
    {
        double v = Number(node, field);
        if (v < 0) throw Error(node, field, $"expected a cost of 0 or more (joules or seconds), found '{((YScalar)node).Value}'");
        return v;
    }

    public int Int(YNode node, string field, int min, int max)
    {
        string text = Scalar(node, field).Value;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v != Math.Floor(v)
            || v < min || v > max)
            throw Error(node, field, $"expected a whole number from {min} to {max}, found '{text}'");
        return (int)v;
    }

    public bool Bool(YNode node, string field) => Text(node, field).ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        var t => throw Error(node, field, $"expected true or false, found '{t}'"),
    };

    /// <summary>A model attribute: a scalar or a (nested) list; SANA-FE's models take no mappings as values.</summary>
    public AttributeValue Value(YNode node, string field) => node switch
    {
        YScalar s => AttributeValue.Scalar(s.Value, s.Line),
        YSeq q => AttributeValue.List(q.Items.Select(i => Value(i, field)).ToArray(), q.Line),
        _ => throw Error(node, field, "expected a value or a list of values; a mapping is not accepted as an attribute value here"),
    };

    [GeneratedRegex(@"^(.*)\[(\d+)\.\.(\d+)\]$", RegexOptions.CultureInvariant)]
    private static partial Regex RangeName();

    /// <summary>Expands <c>foo[a..b]</c> into foo[a], …, foo[b]; any other name stands for itself.</summary>
    public IReadOnlyList<string> ExpandName(YNode node, string field, int maxCopies)
    {
        string name = Text(node, field);
        var m = RangeName().Match(name);
        if (!m.Success) return [name];
        if (!int.TryParse(m.Groups[2].Value, CultureInfo.InvariantCulture, out int a)
            || !int.TryParse(m.Groups[3].Value, CultureInfo.InvariantCulture, out int b) || b < a)
            throw Error(node, field, $"the range in '{name}' must be [first..last] with first ≤ last");
        if ((long)b - a + 1 > maxCopies)
            throw Error(node, field, $"the range in '{name}' makes {(long)b - a + 1} copies; at most {maxCopies} are accepted here");
        string stem = m.Groups[1].Value;
        return Enumerable.Range(a, b - a + 1).Select(i => stem + "[" + i.ToString(CultureInfo.InvariantCulture) + "]").ToArray();
    }

    /// <summary>Parses "a..b" (inclusive) or a single "i", both non-negative; null when the text is neither.</summary>
    public static (int First, int Last)? Offsets(string text)
    {
        int dots = text.IndexOf("..", StringComparison.Ordinal);
        if (dots < 0)
            return TryOffset(text, out int i) ? (i, i) : null;
        return TryOffset(text[..dots], out int a) && TryOffset(text[(dots + 2)..], out int b) ? (a, b) : null;
    }

    /// <summary>Parses "a.b", two whole numbers (a core's 'tile.core', a netlist's neuron 'group.neuron'); null otherwise.</summary>
    public static (int A, int B)? Pair(string text)
    {
        int dot = text.IndexOf('.', StringComparison.Ordinal);
        return dot >= 0 && Offsets(text[..dot]) is { } a && a.First == a.Last && Offsets(text[(dot + 1)..]) is { } b && b.First == b.Last
            ? (a.First, b.First) : null;
    }

    private static bool TryOffset(string text, out int value) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>A number as the writers put it: shortest text that reads back to the same double.</summary>
    public static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    public static string Format(int v) => v.ToString(CultureInfo.InvariantCulture);
}
