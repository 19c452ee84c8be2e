using Neuromorphic.Engine;
using PureHDF;

namespace Neuromorphic.Interop.Nir;

/// <summary>
/// Writes a <see cref="NirGraph"/> as a NIR file, in the layout the official NIR package (nir.write / nir.read) uses:
/// a root `version` string and a `node` group of type NIRGraph holding `nodes` (one group per node, with a `type`
/// string and the node's fields), `edges` (an (n, 2) array of node names, in order) and `metadata` (strings; a key
/// "a/b" becomes group a, dataset b). Like the official writer it stores no input_type/output_type for graphs; the
/// shapes NIR keeps are Input/Output `shape`, Conv `input_shape` and Flatten `input_type`. Integer fields are int64.
/// Arrays are float32 (what the published graphs mostly hold) unless a value would change in float32, then float64,
/// so reading a file and writing it back loses nothing. The file is replaced atomically.
/// </summary>
public static class NirWriter
{
    /// <summary>The NIR version whose layout this writer follows (that of the official package it was checked against).</summary>
    public const string FormatVersion = "1.0.7";

    /// <summary>Writes <paramref name="graph"/> to <paramref name="path"/>. A graph the format cannot hold (an edge to a node
    /// that does not exist, a name with '/', a parameter whose data does not fill its shape) throws an
    /// <see cref="ArgumentException"/> naming the node and field, before anything is written. The folder must exist;
    /// an existing file is replaced only once the new one is complete.</summary>
    public static void Write(NirGraph graph, string path)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var file = new H5File { ["version"] = FormatVersion, ["node"] = Node(graph, "") };
        string full = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(full) ?? ".";
        // A mistyped output path is an error, not a new folder.
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{path}: the folder {folder} does not exist, so the NIR file cannot be written.");
        if (Directory.Exists(full)) throw new IOException($"{path} is a folder; give the path of the NIR file to write.");
        // PureHDF seeks back and reads what it wrote, which AtomicFile's write-only stream does not allow: it writes to memory first.
        using var memory = new MemoryStream();
        file.Write(memory);
        AtomicFile.Write(full, stream => memory.WriteTo(stream));
    }

    static H5Group Node(NirNode node, string name)
    {
        var group = new H5Group { ["type"] = node.Type };
        foreach (var (field, value) in node.Parameters) group[field] = Tensor(value, name, field);
        switch (node)
        {
            case NirGraph graph: AddGraph(group, graph, name); break;
            case NirInput input: group["shape"] = Longs(input.Shape, name, "shape"); break;
            case NirOutput output: group["shape"] = Longs(output.Shape, name, "shape"); break;
            case NirConv1d conv: AddConv(group, conv, name, 1); break;
            case NirConv2d conv: AddConv(group, conv, name, 2); break;
            case NirSumPool2d pool: AddPool(group, pool.KernelSize, pool.Stride, pool.Padding, name); break;
            case NirAvgPool2d pool: AddPool(group, pool.KernelSize, pool.Stride, pool.Padding, name); break;
            case NirFlatten flatten:
                group["start_dim"] = (long)flatten.StartDim;
                group["end_dim"] = (long)flatten.EndDim;
                if (flatten.InputType is { } shape) group["input_type"] = Longs(shape, name, "input_type");
                break;
            case NirAffine or NirLinear or NirScale or NirDelay or NirThreshold or NirIF or NirLIF or NirLI or NirCubaLIF or NirCubaLI
                or NirIntegrator:
                break; // all their fields are parameters
            default:
                throw Fail(name, "type", $"a NIR node type, found {node.GetType().Name} ('{node.Type}'), which this writer does not know");
        }
        return group;
    }

    static void AddGraph(H5Group group, NirGraph graph, string name)
    {
        var nodes = new H5Group();
        foreach (var (child, node) in graph.Nodes)
        {
            string path = name.Length == 0 ? child : $"{name}/{child}";
            // HDF5 names cannot hold '/' and "." is the group itself.
            if (child.Length == 0 || child.Contains('/') || child == ".")
                throw Fail(path, "name", "a node name that is not empty, not '.', and has no '/'");
            nodes[child] = Node(node, path);
        }
        group["nodes"] = nodes;

        var edges = new string[graph.Edges.Count * 2];
        for (int i = 0; i < graph.Edges.Count; i++)
        {
            var (from, to) = graph.Edges[i];
            foreach (string end in new[] { from, to })
                if (!graph.Nodes.ContainsKey(end))
                    throw Fail(name, "edges", $"edge {i} ({from} -> {to}) to name a node of the graph; '{end}' is not one");
            (edges[2 * i], edges[2 * i + 1]) = (from, to);
        }
        // The official writer's layout: (n, 2) strings; an empty list is (0,).
        group["edges"] = new H5Dataset(edges, fileDims: edges.Length == 0 ? [0UL] : [(ulong)graph.Edges.Count, 2UL]);

        if (graph.Metadata.Count > 0) group["metadata"] = Metadata(graph.Metadata, name);
    }

    static H5Group Metadata(IReadOnlyDictionary<string, string> metadata, string name)
    {
        var root = new H5Group();
        foreach (var (key, value) in metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            string[] parts = key.Split('/');
            if (parts.Any(p => p.Length == 0 || p == "."))
                throw Fail(name, "metadata", $"keys of names joined by '/', none empty or '.', found '{key}'");
            var group = root;
            for (int i = 0; i < parts.Length - 1; i++)
            {
                if (!group.TryGetValue(parts[i], out object? next)) group[parts[i]] = next = new H5Group();
                group = next as H5Group
                    ?? throw Fail(name, "metadata", $"key '{key}' not to go below '{string.Join('/', parts[..(i + 1)])}', which has a value itself");
            }
            if (group.ContainsKey(parts[^1]))
                throw Fail(name, "metadata", $"key '{key}' to have no keys below it, as it has a value itself");
            group[parts[^1]] = value ?? throw Fail(name, "metadata", $"a value for key '{key}', found null");
        }
        return root;
    }

    static void AddConv(H5Group group, NirConvolution conv, string name, int dims)
    {
        // Conv1d keeps scalars (the official reader builds its input type from a scalar input_shape); Conv2d pairs.
        object PerDim(int[] values, string field)
        {
            if (values.Length != dims) throw Fail(name, field, $"{dims} value(s), one per spatial dimension, found {values.Length}");
            return dims == 1 ? (long)values[0] : Longs(values, name, field);
        }
        if (conv.SpatialInputShape is { } spatial) group["input_shape"] = PerDim(spatial, "input_shape");
        group["stride"] = PerDim(conv.Stride, "stride");
        group["padding"] = conv.PaddingMode switch
        {
            null => PerDim(conv.Padding, "padding"),
            "same" or "valid" => conv.PaddingMode,
            _ => throw Fail(name, "padding", $"numbers or 'same' or 'valid', found '{conv.PaddingMode}'"),
        };
        group["dilation"] = PerDim(conv.Dilation, "dilation");
        if (conv.Groups < 1) throw Fail(name, "groups", $"a positive integer, found {conv.Groups}");
        group["groups"] = (long)conv.Groups;
    }

    static void AddPool(H5Group group, int[] kernel, int[] stride, int[] padding, string name)
    {
        foreach (var (field, values) in new[] { ("kernel_size", kernel), ("stride", stride), ("padding", padding) })
        {
            if (values.Length != 2) throw Fail(name, field, $"2 values (height, width), found {values.Length}");
            group[field] = Longs(values, name, field);
        }
    }

    static long[] Longs(int[] values, string name, string field) =>
        values is null ? throw Fail(name, field, "an array, found null") : Array.ConvertAll(values, v => (long)v);

    static H5Dataset Tensor(NirTensor tensor, string name, string field)
    {
        if (tensor?.Data is null || tensor.Shape is null) throw Fail(name, field, "an array, found null");
        if (tensor.Shape.Any(d => d < 0)) throw Fail(name, field, $"a shape of sizes >= 0, found {tensor.ShapeText}");
        long count = tensor.Shape.Aggregate(1L, (a, b) => a * b);
        if (tensor.Data.Length != count) throw Fail(name, field, $"{count} values for shape {tensor.ShapeText}, found {tensor.Data.Length}");
        ulong[] dims = Array.ConvertAll(tensor.Shape, d => (ulong)d);
        // float32 unless that would change a value (NaN stays NaN).
        bool single = tensor.Data.All(x => (double)(float)x == x || double.IsNaN(x));
        return single
            ? new H5Dataset(Array.ConvertAll(tensor.Data, x => (float)x), fileDims: dims)
            : new H5Dataset(tensor.Data, fileDims: dims);
    }

    static ArgumentException Fail(string node, string field, string expected)
    {
        string where = node.Length == 0 ? "graph" : $"node '{node}'";
        return new ArgumentException($"NIR {where} field '{field}': expected {expected}.");
    }
}
