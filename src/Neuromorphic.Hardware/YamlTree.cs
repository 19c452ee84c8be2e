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

/// <summary>A list read item by item: each item of the list at <paramref name="Path"/> (the mapping keys from the root,
/// joined by dots: "network.edges") goes to <paramref name="Take"/> with its index as soon as it is parsed, and the
/// list keeps it only when Take returns true. A file's long lists (a network's millions of edges) are then never all in
/// memory as nodes at once: keeping them made the collector trace tens of millions of live objects, and reading slow.</summary>
internal sealed record StreamedList(string Path, Func<int, YNode, bool> Take);

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
    public static YNode Parse(string text, string file, YamlLimits limits) => Parse(new StringReader(text), file, limits);

    /// <summary>Parses one YAML document from <paramref name="reader"/>, handing the items of the
    /// <paramref name="streamed"/> lists over as they come.</summary>
    public static YNode Parse(TextReader reader, string file, YamlLimits limits, IReadOnlyList<StreamedList>? streamed = null)
    {
        var parser = new Parser(reader);
        var read = new NodeReader(parser, file, limits, streamed ?? []);
        try
        {
            parser.MoveNext();
            read.Expect<StreamStart>();
            if (!parser.MoveNext() || parser.Current is StreamEnd)
                throw new HardwareModelException(file, 1, "(document)", "the file is empty");
            if (parser.Current is not DocumentStart)
                throw new HardwareModelException(file, LineOf(parser.Current), "(syntax)", "expected a YAML document");
            parser.MoveNext();
            YNode root = read.Node(0, "");
            read.Expect<DocumentEnd>();
            if (!parser.MoveNext())
                throw new HardwareModelException(file, read.LastLine, "(syntax)", "the YAML stream ends early");
            if (parser.Current is not StreamEnd)
                throw new HardwareModelException(file, LineOf(parser.Current), "(document)",
                    $"a {limits.Kind} holds one YAML document; a second one starts here");
            return root;
        }
        catch (HardwareModelException)
        {
            throw;
        }
        catch (IOException e)
        {
            // The reader failed under the parser: not the YAML's fault. (A file opened by BoundedTextFile reports its own
            // read errors; this covers any other reader. A streamed list's reader does no I/O, so the error is the text's.)
            throw new HardwareModelException(file, 0, "(file)", "cannot read the file: " + e.Message, e);
        }
        catch (YamlException e)
        {
            int line = e.Start.Line > 0 ? Clamp(e.Start.Line) : read.LastLine;
            throw new HardwareModelException(file, line, "(syntax)", "YAML syntax error: " + Simplify(e.Message), e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The parser should only throw YamlException; anything else is still reported with the best line known.
            throw new HardwareModelException(file, read.LastLine, "(syntax)", "YAML could not be parsed: " + e.Message, e);
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

    /// <summary>Builds nodes from the parser's events, remembering the line of the last event for messages.</summary>
    private sealed class NodeReader(Parser parser, string file, YamlLimits limits, IReadOnlyList<StreamedList> streamed)
    {
        private int nodes;

        public int LastLine { get; private set; } = 1;

        public void Expect<T>() where T : ParsingEvent
        {
            if (parser.Current is not T)
                throw new HardwareModelException(file, parser.Current is null ? LastLine : LineOf(parser.Current), "(syntax)",
                    $"unexpected YAML {parser.Current?.GetType().Name ?? "end"}");
            LastLine = LineOf(parser.Current);
        }

        /// <summary>The node at the current event. <paramref name="path"/> is its keys from the root joined by dots,
        /// or null below a list or deeper than any streamed list.</summary>
        public YNode Node(int depth, string? path)
        {
            var ev = parser.Current ?? throw new HardwareModelException(file, LastLine, "(syntax)", "the YAML stream ends early");
            int line = LastLine = LineOf(ev);
            if (depth > MaxDepth)
                throw new HardwareModelException(file, line, "(syntax)", $"nesting deeper than {MaxDepth} levels");
            if (++nodes > limits.MaxNodes)
                throw new HardwareModelException(file, line, "(document)",
                    $"more than {limits.MaxNodes} YAML nodes; {limits.NodesHint}");
            if (ev is AnchorAlias)
                throw new HardwareModelException(file, line, "(syntax)", $"YAML aliases (*name) are not supported in {limits.Kind}s");
            if (ev is NodeEvent { Anchor.IsEmpty: false })
                throw new HardwareModelException(file, line, "(syntax)", $"YAML anchors (&name) are not supported in {limits.Kind}s");
            if (ev is NodeEvent { Tag.IsEmpty: false } tagged && !(ev is Scalar && tagged.Tag.Value == "!"))
                throw new HardwareModelException(file, line, "(syntax)", $"YAML tags (!tag) are not supported in {limits.Kind}s");
            switch (ev)
            {
                case Scalar s:
                    parser.MoveNext();
                    return new YScalar(line, s.Value, s.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted);
                case SequenceStart:
                {
                    var take = path is null ? null : Streamed(path);
                    var items = new List<YNode>();
                    parser.MoveNext();
                    for (int i = 0; parser.Current is not SequenceEnd; i++)
                    {
                        int kept = nodes;
                        var item = Node(depth + 1, null);
                        if (take is null || take(i, item)) items.Add(item);
                        else nodes = kept; // the limit bounds the nodes held at once
                    }
                    parser.MoveNext();
                    return new YSeq(line, items);
                }
                case MappingStart:
                {
                    var entries = new List<KeyValuePair<YScalar, YNode>>();
                    var seen = new Dictionary<string, int>(StringComparer.Ordinal);
                    parser.MoveNext();
                    while (parser.Current is not MappingEnd)
                    {
                        YNode key = Node(depth + 1, null);
                        if (key is not YScalar k)
                            throw new HardwareModelException(file, key.Line, "(syntax)", "mapping keys must be plain words");
                        if (k.Value.Length > limits.MaxKeyLength)
                            throw new HardwareModelException(file, k.Line, "(syntax)",
                                $"a key of {k.Value.Length} characters; field names are short words (at most {limits.MaxKeyLength} characters)");
                        if (seen.TryGetValue(k.Value, out int first))
                            throw new HardwareModelException(file, k.Line, k.Value,
                                $"the key '{k.Value}' appears twice in one mapping (first on line {first})");
                        seen[k.Value] = k.Line;
                        YNode value = Node(depth + 1, Below(path, k.Value));
                        entries.Add(new(k, value));
                    }
                    parser.MoveNext();
                    return new YMap(line, entries);
                }
                default:
                    throw new HardwareModelException(file, line, "(syntax)", $"unexpected YAML {ev.GetType().Name}");
            }
        }

        /// <summary>The path of <paramref name="key"/>'s value in the mapping at <paramref name="path"/>, while it may
        /// still lead to a streamed list; null past that.</summary>
        private string? Below(string? path, string key)
        {
            if (path is null || key.Contains('.', StringComparison.Ordinal)) return null; // a dotted key is not two keys
            string below = path.Length == 0 ? key : path + "." + key;
            foreach (var list in streamed)
                if (list.Path == below || list.Path.StartsWith(below + ".", StringComparison.Ordinal)) return below;
            return null;
        }

        private Func<int, YNode, bool>? Streamed(string path)
        {
            foreach (var list in streamed)
                if (list.Path == path) return list.Take;
            return null;
        }
    }
}
