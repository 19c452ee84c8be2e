using PureHDF;
using PureHDF.VOL.Native;

namespace Neuromorphic.Interop.Nir;

/// <summary>
/// Reads a NIR graph (an HDF5 file: a `node` group of type NIRGraph holding `nodes` and `edges`) into
/// <see cref="NirGraph"/>. Every problem is one <see cref="NirFormatException"/> naming the file, node and field.
/// </summary>
public static class NirReader
{
    /// <summary>The most elements one dataset may hold (16 Mi: 128 MiB as float64); checked before reading.</summary>
    public const long MaxElementsPerDataset = 16L << 20;
    /// <summary>The most elements a whole file may make us read (64 Mi: 512 MiB as float64).</summary>
    public const long MaxElementsPerFile = 64L << 20;
    /// <summary>The largest file read at all (1 GiB); the largest published NIR graphs are a few MiB.</summary>
    public const long MaxFileBytes = 1L << 30;
    /// <summary>How deep graphs may nest; deeper is taken as a malformed (or hostile) file.</summary>
    public const int MaxDepth = 32;

    public static NirGraph Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such NIR file.", path);
        long bytes = new FileInfo(path).Length;
        if (bytes > MaxFileBytes)
            throw new NirFormatException($"{path}: expected a NIR file of at most {MaxFileBytes:N0} bytes (the reader's cap), found {bytes:N0}.");
        NativeFile file;
        try
        {
            file = H5File.OpenRead(path);
        }
        catch (Exception e)
        {
            throw new NirFormatException($"{path}: not an HDF5 file, so not a NIR graph ({e.Message.Split('\n')[0]}).", e);
        }
        using (file)
        {
            var context = new Context(path);
            if (!Exists(file, "node", context, "")) throw context.Fail("", "node", "a group 'node' holding the graph (the file has none)");
            return context.Guard("", "node", () =>
            {
                if (file.Get("node") is not IH5Group root) throw context.Fail("", "node", "a group, found a dataset");
                if (ReadNode(root, "", context, 0) is not NirGraph graph)
                    throw context.Fail("", "type", "the top node to be a NIRGraph");
                return graph;
            });
        }
    }

    sealed class Context(string path)
    {
        public string Path { get; } = path;
        public long ElementsRead;

        public NirFormatException Fail(string node, string field, string expected, Exception? inner = null)
        {
            string where = node.Length == 0 ? " graph" : $" node '{node}'";
            return new($"{Path}:{where} field '{field}': expected {expected}.", inner);
        }

        /// <summary>Runs <paramref name="read"/>, turning a failure inside PureHDF into one error at this node and field.</summary>
        public T Guard<T>(string node, string field, Func<T> read)
        {
            try
            {
                return read();
            }
            catch (OutOfMemoryException e)
            {
                // PureHDF sizes some buffers (variable-length strings) from lengths in the file; a corrupt length
                // asks for more than an array can hold. The dataset caps cannot see these, so say what happened.
                throw Fail(node, field, $"sizes the file can hold (a length in it asks for more memory than there is: {e.Message.Split('\n')[0]})", e);
            }
            catch (Exception e) when (e is not (NirFormatException or OperationCanceledException))
            {
                throw Fail(node, field, $"a readable HDF5 object ({e.GetType().Name}: {e.Message.Split('\n')[0]})", e);
            }
        }
    }

    static bool Exists(IH5Group group, string name, Context context, string node) =>
        context.Guard(node, name, () => group.LinkExists(name));

    static NirNode ReadNode(IH5Group group, string name, Context context, int depth)
    {
        if (depth > MaxDepth) throw context.Fail(name, "nodes", $"graphs nested at most {MaxDepth} deep");
        string type = ReadString(group, name, "type", context);
        var r = new NodeReader(group, name, context);
        switch (type)
        {
            case "NIRGraph": return ReadGraph(group, name, context, depth);
            case "Input": return new NirInput(r.Ints("shape"));
            case "Output": return new NirOutput(r.Ints("shape"));
            case "Affine":
            {
                var weight = r.Tensor("weight", minRank: 2, maxRank: 2);
                var bias = r.Tensor("bias", minRank: 1, maxRank: 1);
                r.ExpectShape("bias", bias, weight.Shape[..1]);
                return new NirAffine(weight, bias);
            }
            case "Linear": return new NirLinear(r.Tensor("weight", minRank: 1, maxRank: 2));
            case "Scale": return new NirScale(r.Tensor("scale"));
            case "Conv1d": return ReadConv(r, 1, (s, w, st, p, m, d, g, b) => new NirConv1d(s, w, st, p, m, d, g, b));
            case "Conv2d": return ReadConv(r, 2, (s, w, st, p, m, d, g, b) => new NirConv2d(s, w, st, p, m, d, g, b));
            case "SumPool2d": return new NirSumPool2d(r.PerDim("kernel_size", 2), r.PerDim("stride", 2), r.PerDim("padding", 2));
            case "AvgPool2d": return new NirAvgPool2d(r.PerDim("kernel_size", 2), r.PerDim("stride", 2), r.PerDim("padding", 2));
            case "Flatten":
                return new NirFlatten(r.Int("start_dim"), r.Int("end_dim"), r.Has("input_type") ? r.Ints("input_type") : null);
            case "Delay": return new NirDelay(r.Tensor("delay"));
            case "Threshold": return new NirThreshold(r.Tensor("threshold"));
            case "I": return new NirIntegrator(r.Tensor("r"));
            case "IF":
            {
                var threshold = r.Tensor("v_threshold");
                return new NirIF(r.Neuron("r", threshold), threshold, r.Optional("v_reset", threshold, 0));
            }
            case "LIF":
            {
                var threshold = r.Tensor("v_threshold");
                return new NirLIF(r.Neuron("tau", threshold), r.Neuron("r", threshold), r.Neuron("v_leak", threshold), threshold,
                    r.Optional("v_reset", threshold, 0));
            }
            case "LI":
            {
                var leak = r.Tensor("v_leak");
                return new NirLI(r.Neuron("tau", leak), r.Neuron("r", leak), leak);
            }
            case "CubaLIF":
            {
                var threshold = r.Tensor("v_threshold");
                return new NirCubaLIF(r.Neuron("tau_mem", threshold), r.Neuron("tau_syn", threshold), r.Neuron("r", threshold),
                    r.Neuron("v_leak", threshold), threshold, r.Optional("v_reset", threshold, 0), r.Optional("w_in", threshold, 1));
            }
            case "CubaLI":
            {
                var leak = r.Tensor("v_leak");
                return new NirCubaLI(r.Neuron("tau_mem", leak), r.Neuron("tau_syn", leak), r.Neuron("r", leak), leak,
                    r.Optional("w_in", leak, 1));
            }
            default:
                throw context.Fail(name, "type", "a NIR node type (Input, Output, Affine, Linear, Scale, Conv1d, Conv2d, SumPool2d, " +
                    $"AvgPool2d, Flatten, Delay, Threshold, IF, LIF, LI, CubaLIF, CubaLI, I, NIRGraph), found '{type}'");
        }
    }

    delegate NirNode ConvFactory(int[]? spatial, NirTensor weight, int[] stride, int[] padding, string? mode, int[] dilation,
        int groups, NirTensor bias);

    static NirNode ReadConv(NodeReader r, int dims, ConvFactory make)
    {
        var weight = r.Tensor("weight", minRank: dims + 2, maxRank: dims + 2);
        var bias = r.Tensor("bias");
        // Writers store a scalar 0 for "no bias"; otherwise one per output channel.
        if (!bias.IsScalar) r.ExpectShape("bias", bias, weight.Shape[..1]);
        int[]? spatial = r.Has("input_shape") ? r.PerDim("input_shape", dims) : null;
        string? mode = r.IsString("padding") ? r.String("padding") : null;
        if (mode is not (null or "same" or "valid")) throw r.Fail("padding", $"numbers or 'same' or 'valid', found '{mode}'");
        int[] padding = mode is null ? r.PerDim("padding", dims) : new int[dims];
        int groups = r.Int("groups");
        if (groups < 1) throw r.Fail("groups", $"a positive integer, found {groups}");
        return make(spatial, weight, r.PerDim("stride", dims), padding, mode, r.PerDim("dilation", dims), groups, bias);
    }

    static NirGraph ReadGraph(IH5Group group, string name, Context context, int depth)
    {
        if (!Exists(group, "nodes", context, name)) throw context.Fail(name, "nodes", "a group of nodes (the graph has none)");
        var nodesGroup = context.Guard(name, "nodes", () => group.Get("nodes")) as IH5Group
            ?? throw context.Fail(name, "nodes", "a group, found a dataset");
        var nodes = new Dictionary<string, NirNode>(StringComparer.Ordinal);
        foreach (var child in context.Guard(name, "nodes", () => nodesGroup.Children().ToList()))
        {
            string childName = name.Length == 0 ? child.Name : $"{name}/{child.Name}";
            if (child is not IH5Group childGroup) throw context.Fail(childName, "type", "a group for each node, found a dataset");
            nodes[child.Name] = ReadNode(childGroup, childName, context, depth + 1);
        }

        var r = new NodeReader(group, name, context);
        var edges = new List<(string, string)>();
        if (r.Has("edges"))
        {
            var (flat, shape) = r.Strings("edges");
            // An empty edge list is stored as shape (0,); otherwise (n, 2).
            if (flat.Length > 0 && (shape.Length != 2 || shape[1] != 2))
                throw r.Fail("edges", $"pairs of node names, shape (n, 2), found shape ({string.Join(", ", shape)})");
            for (int i = 0; i + 1 < flat.Length; i += 2)
            {
                foreach (string end in new[] { flat[i], flat[i + 1] })
                    if (!nodes.ContainsKey(end))
                        throw r.Fail("edges", $"edge {i / 2} ({flat[i]} -> {flat[i + 1]}) to name a node of this graph; '{end}' is not one " +
                            $"(nodes: {string.Join(", ", nodes.Keys.Order(StringComparer.Ordinal))})");
                edges.Add((flat[i], flat[i + 1]));
            }
        }
        return new NirGraph(nodes, edges, ReadMetadata(group, name, context));
    }

    /// <summary>The optional `metadata` group as text (strings as they are, numbers joined), nested groups as "a/b" keys.</summary>
    static Dictionary<string, string> ReadMetadata(IH5Group group, string name, Context context)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Exists(group, "metadata", context, name)) return metadata;
        if (context.Guard(name, "metadata", () => group.Get("metadata")) is not IH5Group meta) return metadata;
        Collect(meta, "");
        return metadata;

        void Collect(IH5Group g, string prefix)
        {
            foreach (var child in context.Guard(name, "metadata", () => g.Children().ToList()))
            {
                string key = prefix + child.Name;
                if (child is IH5Group sub) Collect(sub, key + "/");
                else
                {
                    var r = new NodeReader(g, name, context);
                    metadata[key] = r.IsString(child.Name)
                        ? string.Join(", ", r.Strings(child.Name).Flat)
                        : r.IsNumber(child.Name) ? string.Join(", ", r.Tensor(child.Name).Data) : "(not shown)";
                }
            }
        }
    }

    static string ReadString(IH5Group group, string node, string field, Context context)
    {
        var r = new NodeReader(group, node, context);
        if (!r.Has(field)) throw context.Fail(node, field, "the node's type name (the node has no 'type')");
        if (!r.IsString(field)) throw context.Fail(node, field, "a string");
        return r.String(field);
    }

    /// <summary>Reads one node's fields, each failure naming the node and the field.</summary>
    sealed class NodeReader(IH5Group group, string node, Context context)
    {
        public NirFormatException Fail(string field, string expected) => context.Fail(node, field, expected);

        public bool Has(string field) => Exists(group, field, context, node);

        IH5Dataset Dataset(string field)
        {
            if (!Has(field)) throw Fail(field, "a value (the field is missing)");
            return context.Guard(node, field, () => group.Get(field)) as IH5Dataset ?? throw Fail(field, "a dataset, found a group");
        }

        public bool IsString(string field)
        {
            var d = Dataset(field);
            return context.Guard(node, field, () => d.Type.Class is H5DataTypeClass.String or H5DataTypeClass.VariableLength);
        }

        public bool IsNumber(string field)
        {
            var d = Dataset(field);
            return context.Guard(node, field, () => d.Type.Class is H5DataTypeClass.FixedPoint or H5DataTypeClass.FloatingPoint);
        }

        /// <summary>The dataset's shape, after checking its size against the caps, before anything is read.</summary>
        int[] Shape(IH5Dataset d, string field)
        {
            ulong[] dims = context.Guard(node, field, () => d.Space.Dimensions);
            long count = 1;
            foreach (ulong dim in dims)
            {
                if (dim > (ulong)MaxElementsPerDataset) { count = long.MaxValue; break; }
                count *= (long)dim;
                if (count > MaxElementsPerDataset) break;
            }
            if (count > MaxElementsPerDataset)
                throw Fail(field, $"at most {MaxElementsPerDataset:N0} elements (the reader's cap), found shape ({string.Join(", ", dims)})");
            context.ElementsRead += count;
            if (context.ElementsRead > MaxElementsPerFile)
                throw Fail(field, $"a file of at most {MaxElementsPerFile:N0} elements in all (the reader's cap)");
            return dims.Select(x => (int)x).ToArray();
        }

        public string String(string field)
        {
            var (flat, shape) = Strings(field);
            if (flat.Length != 1 || shape.Length > 1) throw Fail(field, $"one string, found shape ({string.Join(", ", shape)})");
            return flat[0];
        }

        public (string[] Flat, int[] Shape) Strings(string field)
        {
            var d = Dataset(field);
            if (!IsString(field)) throw Fail(field, "strings");
            int[] shape = Shape(d, field);
            string[] flat = shape.Length == 0
                ? [context.Guard(node, field, () => d.Read<string>())]
                : context.Guard(node, field, () => d.Read<string[]>());
            return (flat, shape);
        }

        public NirTensor Tensor(string field, int minRank = 0, int maxRank = int.MaxValue)
        {
            var d = Dataset(field);
            var type = context.Guard(node, field, () => d.Type);
            int[] shape = Shape(d, field);
            double[] data = context.Guard(node, field, () => (type.Class, type.Size) switch
            {
                (H5DataTypeClass.FloatingPoint, 8) => d.Read<double[]>(),
                (H5DataTypeClass.FloatingPoint, 4) => Array.ConvertAll(d.Read<float[]>(), x => (double)x),
                (H5DataTypeClass.FixedPoint, _) => Integers(d, type),
                _ => throw Fail(field, $"numbers (float32, float64 or integers), found {type.Class} of {type.Size} bytes"),
            });
            if (shape.Length < minRank || shape.Length > maxRank)
                throw Fail(field, $"an array of rank {(minRank == maxRank ? $"{minRank}" : $"{minRank} to {maxRank}")}, found shape ({string.Join(", ", shape)})");
            if (data.Length != Math.Max(1, shape.Aggregate(1L, (a, b) => a * b)) && shape.All(x => x > 0))
                throw Fail(field, $"{shape.Aggregate(1L, (a, b) => a * b)} values for shape ({string.Join(", ", shape)}), read {data.Length}");
            return new NirTensor(data, shape);
        }

        static double[] Integers(IH5Dataset d, IH5DataType type) => (type.Size, type.FixedPoint.IsSigned) switch
        {
            (8, true) => Array.ConvertAll(d.Read<long[]>(), x => (double)x),
            (8, false) => Array.ConvertAll(d.Read<ulong[]>(), x => (double)x),
            (4, true) => Array.ConvertAll(d.Read<int[]>(), x => (double)x),
            (4, false) => Array.ConvertAll(d.Read<uint[]>(), x => (double)x),
            (2, true) => Array.ConvertAll(d.Read<short[]>(), x => (double)x),
            (2, false) => Array.ConvertAll(d.Read<ushort[]>(), x => (double)x),
            (1, true) => Array.ConvertAll(d.Read<sbyte[]>(), x => (double)x),
            _ => Array.ConvertAll(d.Read<byte[]>(), x => (double)x),
        };

        /// <summary>A neuron parameter: the same shape as the node's reference parameter (NIR requires it), or a scalar.</summary>
        public NirTensor Neuron(string field, NirTensor like)
        {
            var t = Tensor(field);
            if (!t.IsScalar && !like.IsScalar) ExpectShape(field, t, like.Shape);
            return t;
        }

        /// <summary>A parameter NIR lets writers leave out, filled as the official reader does.</summary>
        public NirTensor Optional(string field, NirTensor like, double value) =>
            Has(field) ? Neuron(field, like) : NirTensor.Filled(like, value);

        public void ExpectShape(string field, NirTensor t, int[] shape)
        {
            if (!t.Shape.SequenceEqual(shape))
                throw Fail(field, $"shape ({string.Join(", ", shape)}), found ({string.Join(", ", t.Shape)})");
        }

        public int Int(string field)
        {
            var t = Tensor(field, maxRank: 1);
            if (t.Count != 1) throw Fail(field, $"one integer, found {t.Count} values");
            return ToInt(field, t.Data[0]);
        }

        public int[] Ints(string field)
        {
            var t = Tensor(field, maxRank: 1);
            return t.Data.Select(x => ToInt(field, x)).ToArray();
        }

        /// <summary>One integer per spatial dimension; a single value applies to all (as NIR writers allow).</summary>
        public int[] PerDim(string field, int dims)
        {
            int[] values = Ints(field);
            if (values.Length == 1) return Enumerable.Repeat(values[0], dims).ToArray();
            if (values.Length != dims) throw Fail(field, $"{dims} integers (one per spatial dimension), found {values.Length}");
            return values;
        }

        int ToInt(string field, double x) =>
            x == Math.Floor(x) && x is >= int.MinValue and <= int.MaxValue ? (int)x : throw Fail(field, $"integers, found {x}");
    }
}
