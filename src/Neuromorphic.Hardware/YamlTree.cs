using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Neuromorphic.Hardware;

/// <summary>A YAML node with the line it starts on. Built from YamlDotNet's event parser so that every node keeps
/// its position; anchors, aliases, tags and duplicate keys are refused, since the files read here never need them.</summary>
internal abstract record YNode(int Line);
internal sealed record YScalar(int Line, string Value, bool Quoted) : YNode(Line);
internal sealed record YMap(int Line, IReadOnlyList<KeyValuePair<YScalar, YNode>> Entries) : YNode(Line)
{
    /// <summary>The value of <paramref name="key"/>, or null when the mapping has no such key (keys are unique).</summary>
    public YNode? Find(string key)
    {
        foreach (var (k, v) in Entries)
            if (k.Value == key) return v;
        return null;
    }
}
internal sealed record YSeq(int Line, IReadOnlyList<YNode> Items) : YNode(Line);

/// <summary>The bounds of one kind of file: how many nodes it may hold, how long a key may be, and the words the
/// messages use for it ("chip file"), so that each format explains its own limit.</summary>
internal sealed record YamlLimits(string Kind, int MaxNodes, int MaxKeyLength, string NodesHint)
{
    /// <summary>The chip files of <see cref="ChipModelLoader"/>; messages unchanged from before other formats came.</summary>
    public static YamlLimits ChipFile { get; } = new("chip file", ChipModelLoader.MaxNodes, ChipModelLoader.MaxTextLength,
        "a chip file has about 100 (one per key and value)");
}

internal static class YamlTree
{
    private const int MaxDepth = 32;

    /// <summary>Parses one chip file's YAML document.</summary>
    public static YNode Parse(string text, string file) => Parse(text, file, YamlLimits.ChipFile);

    /// <summary>Parses one YAML document. Any problem, whatever its kind, becomes a <see cref="HardwareModelException"/>
    /// with the line of the event where it was found.</summary>
    public static YNode Parse(string text, string file, YamlLimits limits)
    {
        int lastLine = 1;
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.MoveNext();
            Expect<StreamStart>(parser, file, ref lastLine);
            if (!parser.MoveNext() || parser.Current is StreamEnd)
                throw new HardwareModelException(file, 1, "(document)", "the file is empty");
            if (parser.Current is not DocumentStart)
                throw new HardwareModelException(file, LineOf(parser.Current), "(syntax)", "expected a YAML document");
            parser.MoveNext();
            int nodes = 0;
            YNode root = ReadNode(parser, file, limits, 0, ref lastLine, ref nodes);
            Expect<DocumentEnd>(parser, file, ref lastLine);
            if (!parser.MoveNext())
                throw new HardwareModelException(file, lastLine, "(syntax)", "the YAML stream ends early");
            if (parser.Current is not StreamEnd)
                throw new HardwareModelException(file, LineOf(parser.Current), "(document)",
                    $"a {limits.Kind} holds one YAML document; a second one starts here");
            return root;
        }
        catch (HardwareModelException)
        {
            throw;
        }
        catch (YamlException e)
        {
            int line = e.Start.Line > 0 ? Clamp(e.Start.Line) : lastLine;
            throw new HardwareModelException(file, line, "(syntax)", "YAML syntax error: " + Simplify(e.Message), e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The parser should only throw YamlException; anything else is still reported with the best line known.
            throw new HardwareModelException(file, lastLine, "(syntax)", "YAML could not be parsed: " + e.Message, e);
        }
    }

    private static string Simplify(string message)
    {
        // YamlDotNet prefixes messages with "(Line: 3, Col: 5, Idx: 40) - (Line: ...): "; we give the line ourselves.
        int i = message.LastIndexOf("): ", StringComparison.Ordinal);
        return i >= 0 && message.StartsWith('(') ? message[(i + 3)..] : message;
    }

    private static int Clamp(long line) => (int)Math.Clamp(line, 1, int.MaxValue);
    private static int LineOf(ParsingEvent? e) => e is null ? 1 : Clamp(e.Start.Line);

    private static void Expect<T>(Parser parser, string file, ref int lastLine) where T : ParsingEvent
    {
        if (parser.Current is not T)
            throw new HardwareModelException(file, parser.Current is null ? lastLine : LineOf(parser.Current), "(syntax)",
                $"unexpected YAML {parser.Current?.GetType().Name ?? "end"}");
        lastLine = LineOf(parser.Current);
    }

    private static YNode ReadNode(Parser parser, string file, YamlLimits limits, int depth, ref int lastLine, ref int nodes)
    {
        var ev = parser.Current ?? throw new HardwareModelException(file, lastLine, "(syntax)", "the YAML stream ends early");
        lastLine = LineOf(ev);
        if (depth > MaxDepth)
            throw new HardwareModelException(file, lastLine, "(syntax)", $"nesting deeper than {MaxDepth} levels");
        if (++nodes > limits.MaxNodes)
            throw new HardwareModelException(file, lastLine, "(document)",
                $"more than {limits.MaxNodes} YAML nodes; {limits.NodesHint}");
        if (ev is AnchorAlias)
            throw new HardwareModelException(file, lastLine, "(syntax)", $"YAML aliases (*name) are not supported in {limits.Kind}s");
        if (ev is NodeEvent { Anchor.IsEmpty: false })
            throw new HardwareModelException(file, lastLine, "(syntax)", $"YAML anchors (&name) are not supported in {limits.Kind}s");
        if (ev is NodeEvent { Tag.IsEmpty: false } tagged && !(ev is Scalar && tagged.Tag.Value == "!"))
            throw new HardwareModelException(file, lastLine, "(syntax)", $"YAML tags (!tag) are not supported in {limits.Kind}s");
        switch (ev)
        {
            case Scalar s:
                parser.MoveNext();
                return new YScalar(lastLine, s.Value, s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted);
            case SequenceStart:
            {
                int line = lastLine;
                var items = new List<YNode>();
                parser.MoveNext();
                while (parser.Current is not SequenceEnd)
                    items.Add(ReadNode(parser, file, limits, depth + 1, ref lastLine, ref nodes));
                parser.MoveNext();
                return new YSeq(line, items);
            }
            case MappingStart:
            {
                int line = lastLine;
                var entries = new List<KeyValuePair<YScalar, YNode>>();
                var seen = new Dictionary<string, int>(StringComparer.Ordinal);
                parser.MoveNext();
                while (parser.Current is not MappingEnd)
                {
                    YNode key = ReadNode(parser, file, limits, depth + 1, ref lastLine, ref nodes);
                    if (key is not YScalar k)
                        throw new HardwareModelException(file, key.Line, "(syntax)", "mapping keys must be plain words");
                    if (k.Value.Length > limits.MaxKeyLength)
                        throw new HardwareModelException(file, k.Line, "(syntax)",
                            $"a key of {k.Value.Length} characters; field names are short words (at most {limits.MaxKeyLength} characters)");
                    if (seen.TryGetValue(k.Value, out int first))
                        throw new HardwareModelException(file, k.Line, k.Value,
                            $"the key '{k.Value}' appears twice in one mapping (first on line {first})");
                    seen[k.Value] = k.Line;
                    YNode value = ReadNode(parser, file, limits, depth + 1, ref lastLine, ref nodes);
                    entries.Add(new(k, value));
                }
                parser.MoveNext();
                return new YMap(line, entries);
            }
            default:
                throw new HardwareModelException(file, lastLine, "(syntax)", $"unexpected YAML {ev.GetType().Name}");
        }
    }
}
