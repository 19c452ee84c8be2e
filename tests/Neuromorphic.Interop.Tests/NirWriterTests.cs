using System.Globalization;
using System.Text;
using System.Text.Json;
using Neuromorphic.Interop.Nir;

namespace Neuromorphic.Interop.Tests;

public sealed class NirWriterTests : IDisposable
{
    readonly string folder = Directory.CreateTempSubdirectory("nir-writer-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    static string Shared(string file) => Path.Combine(Requires.SharedNir(), "graphs", file);

    string WriteBack(string file)
    {
        string path = Path.Combine(folder, file);
        NirWriter.Write(NirReader.Read(Shared(file)), path);
        return path;
    }

    [Theory]
    [MemberData(nameof(NirReaderTests.SharedGraphs), MemberType = typeof(NirReaderTests))]
    public void Every_shared_graph_written_back_reads_back_equal(string file)
    {
        var original = NirReader.Read(Shared(file));
        var again = NirReader.Read(WriteBack(file));

        Assert.Equal(Describe(original), Describe(again));
        Assert.Equal(original.Edges, again.Edges);
    }

    [Theory]
    [MemberData(nameof(NirReaderTests.SharedGraphs), MemberType = typeof(NirReaderTests))]
    public void Every_shared_graph_written_back_reads_in_the_official_package_as_the_original(string file)
    {
        // lif_rockpool's Output says (1, 1, 1) after a LIF of (1): the official type checks reject the original too.
        bool typeCheck = file != "lif_rockpool.nir";
        string written = WriteBack(file);

        Assert.Equal(OfficialNir.Dump(Shared(file), typeCheck), OfficialNir.Dump(written, typeCheck));
    }

    [Fact]
    public void A_graph_of_every_node_type_reads_in_the_official_package_with_its_fields()
    {
        var graph = EveryType();
        string path = Path.Combine(folder, "every.nir");
        NirWriter.Write(graph, path);

        using var official = JsonDocument.Parse(OfficialNir.Dump(path, typeCheck: true));
        AssertOfficial(graph, official.RootElement, "");
        // Our reader gives back the same graph.
        Assert.Equal(Describe(graph), Describe(NirReader.Read(path)));
    }

    [Fact]
    public void Arrays_are_float32_unless_a_value_needs_float64()
    {
        string path = Path.Combine(folder, "every.nir");
        NirWriter.Write(EveryType(), path);

        string dtypes = OfficialNir.Run("""
            import sys, h5py
            f = h5py.File(sys.argv[1], "r")
            n = f["node/nodes"]
            print(n["affine/weight"].dtype, n["sub/nodes/lif/tau"].dtype, n["input/shape"].dtype, n["conv2d/groups"].dtype, f["version"][()].decode())
            """, path);

        Assert.Equal($"float32 float64 int64 int64 {NirWriter.FormatVersion}", dtypes.Trim());
    }

    [Fact]
    public void A_folder_that_does_not_exist_is_a_clear_error_and_nothing_is_created()
    {
        string missing = Path.Combine(folder, "no-such-folder");
        var error = Assert.Throws<DirectoryNotFoundException>(() => NirWriter.Write(EveryType(), Path.Combine(missing, "g.nir")));

        Assert.Contains(missing, error.Message);
        Assert.False(Directory.Exists(missing));
    }

    [Fact]
    public void An_existing_file_is_replaced_whole_and_no_temporary_file_is_left()
    {
        string path = Path.Combine(folder, "g.nir");
        File.WriteAllText(path, "an older file, not HDF5");

        NirWriter.Write(EveryType(), path);

        Assert.Equal(Describe(EveryType()), Describe(NirReader.Read(path)));
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    [Fact]
    public void A_graph_the_format_cannot_hold_is_refused_before_the_old_file_is_touched()
    {
        string path = Path.Combine(folder, "g.nir");
        File.WriteAllText(path, "keep me");
        var good = EveryType();
        var ghost = good with { Edges = [.. good.Edges, ("i", "ghost")] };

        var error = Assert.Throws<ArgumentException>(() => NirWriter.Write(ghost, path));

        Assert.Contains("field 'edges'", error.Message);
        Assert.Contains("'ghost'", error.Message);
        Assert.Equal("keep me", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder));
    }

    [Theory]
    [InlineData("shape", "node 'linear' field 'weight'")]
    [InlineData("name", "node 'a/b' field 'name'")]
    [InlineData("metadata", "graph field 'metadata'")]
    [InlineData("stride", "node 'conv2d' field 'stride'")]
    public void Each_refusal_names_the_node_and_the_field(string broken, string named)
    {
        var good = EveryType();
        var nodes = good.Nodes.ToDictionary();
        var metadata = good.Metadata.ToDictionary();
        switch (broken)
        {
            case "shape": nodes["linear"] = new NirLinear(new NirTensor([1, 2, 3], [2, 2])); break;
            case "name": nodes["a/b"] = new NirScale(Scalar(1)); break;
            case "metadata": metadata["source"] = "x"; metadata["source/version"] = "y"; break;
            case "stride": nodes["conv2d"] = ((NirConv2d)nodes["conv2d"]) with { Stride = [1, 1, 1] }; break;
        }

        var error = Assert.Throws<ArgumentException>(() => NirWriter.Write(good with { Nodes = nodes, Metadata = metadata }, Path.Combine(folder, "g.nir")));

        Assert.Contains(named, error.Message);
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public void A_graph_without_edges_reads_back_with_none()
    {
        string path = Path.Combine(folder, "lone.nir");
        var lone = new NirGraph(new Dictionary<string, NirNode> { ["i"] = new NirIntegrator(Vector(1, 2)) }, [], new Dictionary<string, string>());

        NirWriter.Write(lone, path);

        Assert.Equal(Describe(lone), Describe(NirReader.Read(path)));
    }

    static NirTensor Vector(params double[] values) => new(values, [values.Length]);
    static NirTensor Scalar(double value) => new([value], []);
    static NirTensor Filled(double value, params int[] shape) => new(Enumerable.Repeat(value, shape.Aggregate(1, (a, b) => a * b)).ToArray(), shape);
    static NirTensor Ramp(params int[] shape) =>
        new(Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(i => (i % 7 - 3) * 0.25).ToArray(), shape);

    /// <summary>One node of every type, in chains whose shapes agree, so the official reader's type checks pass:
    /// Input (2, 8, 8) through conv, pooling, flatten and every neuron to an Output of 3; a nested graph with its own
    /// metadata; and a second input through a Conv1d with 'same' padding. tau = 0.01 needs float64.</summary>
    static NirGraph EveryType()
    {
        var inner = new NirGraph(new Dictionary<string, NirNode>
        {
            ["in"] = new NirInput([3]),
            ["lif"] = new NirLIF(Vector(0.01, 0.02, 0.03), Filled(1, 3), Filled(0, 3), Filled(1, 3), Filled(0, 3)),
            ["out"] = new NirOutput([3]),
        }, [("in", "lif"), ("lif", "out")], new Dictionary<string, string> { ["role"] = "nested" });
        var nodes = new Dictionary<string, NirNode>
        {
            ["input"] = new NirInput([2, 8, 8]),
            ["conv2d"] = new NirConv2d([8, 8], Ramp(4, 2, 3, 3), [1, 1], [1, 1], null, [1, 1], 1, Vector(0.5, -0.5, 1, 0)),
            ["if"] = new NirIF(Filled(1000, 4, 8, 8), Filled(2, 4, 8, 8), Filled(-2, 4, 8, 8)),
            ["sumpool"] = new NirSumPool2d([2, 2], [2, 2], [0, 0]),
            ["threshold"] = new NirThreshold(Filled(0.5, 4, 4, 4)),
            ["avgpool"] = new NirAvgPool2d([2, 2], [2, 2], [0, 0]),
            ["flatten"] = new NirFlatten(0, -1, [4, 2, 2]),
            ["affine"] = new NirAffine(Ramp(3, 16), Vector(1, 2, 3)),
            ["delay"] = new NirDelay(Vector(0.001, 0.002, 0.004)),
            ["linear"] = new NirLinear(Ramp(3, 3)),
            ["scale"] = new NirScale(Vector(1, 2, 3)),
            ["li"] = new NirLI(Filled(0.5, 3), Filled(1, 3), Filled(0, 3)),
            ["cubalif"] = new NirCubaLIF(Filled(0.5, 3), Filled(0.25, 3), Filled(1, 3), Filled(0, 3), Filled(1, 3), Filled(0, 3), Filled(2, 3)),
            ["cubali"] = new NirCubaLI(Filled(0.5, 3), Filled(0.25, 3), Filled(1, 3), Filled(0, 3), Filled(1, 3)),
            ["sub"] = inner,
            ["i"] = new NirIntegrator(Filled(1, 3)),
            ["output"] = new NirOutput([3]),
            ["input1d"] = new NirInput([2, 10]),
            ["conv1d"] = new NirConv1d([10], Ramp(4, 2, 3), [1], [0], "same", [1], 1, Scalar(0)),
            ["output1d"] = new NirOutput([4, 10]),
        };
        string[] chain = ["input", "conv2d", "if", "sumpool", "threshold", "avgpool", "flatten", "affine", "delay", "linear", "scale", "li",
            "cubalif", "cubali", "sub", "i", "output"];
        var edges = chain.Zip(chain.Skip(1)).Concat([("input1d", "conv1d"), ("conv1d", "output1d")]).ToList();
        return new NirGraph(nodes, edges, new Dictionary<string, string> { ["source"] = "NirWriterTests", ["units/tau"] = "seconds" });
    }

    /// <summary>Each node's fields as the official package reads them equal ours: the same names, shapes and values.</summary>
    static void AssertOfficial(NirGraph graph, JsonElement official, string prefix)
    {
        Assert.Equal(graph.Edges, official.GetProperty("edges").EnumerateArray().Select(e => (e[0].GetString()!, e[1].GetString()!)));
        var metadata = official.GetProperty("metadata");
        Assert.Equal(graph.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal), Flatten(metadata, "").OrderBy(m => m.Key, StringComparer.Ordinal));
        var nodes = official.GetProperty("nodes");
        Assert.Equal(graph.Nodes.Keys.Order(StringComparer.Ordinal), nodes.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        foreach (var (name, node) in graph.Nodes)
        {
            var theirs = nodes.GetProperty(name);
            Assert.Equal(node.Type, theirs.GetProperty("type").GetString());
            if (node is NirGraph sub)
            {
                AssertOfficial(sub, theirs.GetProperty("graph"), $"{prefix}{name}/");
                continue;
            }
            var expected = Fields(node);
            var fields = theirs.GetProperty("fields");
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), fields.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
            foreach (var (field, value) in expected)
            {
                var got = fields.GetProperty(field);
                string where = $"{prefix}{name}.{field}";
                if (value is string text)
                {
                    Assert.True(got.ValueKind == JsonValueKind.String && got.GetString() == text, $"{where}: expected '{text}', found {got}");
                    continue;
                }
                var tensor = (NirTensor)value;
                Assert.True(tensor.Shape.SequenceEqual(got.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32())), $"{where}: shape");
                Assert.True(tensor.Data.SequenceEqual(got.GetProperty("data").EnumerateArray().Select(x => x.GetDouble())), $"{where}: values");
            }
        }
    }

    static IEnumerable<KeyValuePair<string, string>> Flatten(JsonElement metadata, string prefix) =>
        metadata.EnumerateObject().SelectMany(p => p.Value.ValueKind == JsonValueKind.Object
            ? Flatten(p.Value, $"{prefix}{p.Name}/")
            : [new KeyValuePair<string, string>(prefix + p.Name, p.Value.GetString()!)]);

    /// <summary>The fields the official package keeps for a node, with the shapes it keeps them in (Conv1d's are scalars).</summary>
    static Dictionary<string, object> Fields(NirNode node)
    {
        static NirTensor Ints(int[] values) => new(values.Select(x => (double)x).ToArray(), [values.Length]);
        static NirTensor Int(int value) => new([value], []);
        var fields = node.Parameters.ToDictionary(p => p.Name, p => (object)p.Value);
        switch (node)
        {
            case NirInput input: fields["shape"] = Ints(input.Shape); break;
            case NirOutput output: fields["shape"] = Ints(output.Shape); break;
            case NirConvolution conv:
                Func<int[], NirTensor> dims = conv is NirConv1d ? v => Int(v[0]) : Ints;
                if (conv.SpatialInputShape is { } spatial) fields["input_shape"] = dims(spatial);
                fields["stride"] = dims(conv.Stride);
                fields["padding"] = conv.PaddingMode is { } mode ? mode : dims(conv.Padding);
                fields["dilation"] = dims(conv.Dilation);
                fields["groups"] = Int(conv.Groups);
                break;
            case NirSumPool2d sum: Pool(sum.KernelSize, sum.Stride, sum.Padding); break;
            case NirAvgPool2d avg: Pool(avg.KernelSize, avg.Stride, avg.Padding); break;
            case NirFlatten flatten:
                fields["start_dim"] = Int(flatten.StartDim);
                fields["end_dim"] = Int(flatten.EndDim);
                if (flatten.InputType is { } shape) fields["input_type"] = Ints(shape);
                break;
        }
        return fields;

        void Pool(int[] kernel, int[] stride, int[] padding)
        {
            fields["kernel_size"] = Ints(kernel);
            fields["stride"] = Ints(stride);
            fields["padding"] = Ints(padding);
        }
    }

    /// <summary>A graph as text: every node's record properties (arrays in full, doubles round-trip exact), nested graphs
    /// indented, edges in order, metadata by key. Two graphs are equal when their texts are.</summary>
    internal static string Describe(NirGraph graph)
    {
        var text = new StringBuilder();
        Write(graph, "");
        return text.ToString();

        void Write(NirGraph g, string indent)
        {
            foreach (var (name, node) in g.Nodes.OrderBy(n => n.Key, StringComparer.Ordinal))
            {
                text.Append(indent).Append(name).Append(": ").AppendLine(node.Type);
                if (node is NirGraph sub)
                {
                    Write(sub, indent + "  ");
                    continue;
                }
                foreach (var property in node.GetType().GetProperties().Where(p => p.Name != nameof(NirNode.Parameters)).OrderBy(p => p.Name, StringComparer.Ordinal))
                    text.Append(indent).Append("  ").Append(property.Name).Append(" = ").AppendLine(Format(property.GetValue(node)));
            }
            text.Append(indent).Append("edges: ").AppendLine(string.Join(", ", g.Edges.Select(e => $"{e.From}->{e.To}")));
            foreach (var (key, value) in g.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
                text.Append(indent).Append("metadata ").Append(key).Append(" = ").AppendLine(value);
        }

        static string Format(object? value) => value switch
        {
            null => "null",
            NirTensor t => $"{t.ShapeText} [{string.Join(' ', t.Data.Select(x => x.ToString("R", CultureInfo.InvariantCulture)))}]",
            int[] a => $"[{string.Join(' ', a)}]",
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
    }
}
