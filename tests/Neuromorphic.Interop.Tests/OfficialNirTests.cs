using System.Text.Json;
using Neuromorphic.Interop.Nir;

namespace Neuromorphic.Interop.Tests;

/// <summary>Checks against the official NIR Python package (../shared/nir/python): what it reads, and files it is made to write.</summary>
public class OfficialNirTests
{
    // Type checks are off: lif_rockpool.nir's Output says (1, 1, 1) after a LIF of (1), which the official
    // reader rejects by default. Prints each node's type, each array field (shape and values as float64) and the edges, as JSON.
    const string DumpScript = """
        import json, sys
        import numpy as np
        import nir
        g = nir.read(sys.argv[1], type_check=False)
        def arr(x):
            a = np.asarray(x, dtype=np.float64)
            return {"shape": list(a.shape), "data": a.ravel().tolist()}
        nodes = {}
        for name, node in g.nodes.items():
            fields = {}
            for key, value in vars(node).items():
                if isinstance(value, np.ndarray) and value.dtype.kind in "fiu":
                    fields[key] = arr(value)
            if type(node).__name__ == "Input":
                fields["shape"] = arr(node.input_type["input"])
            if type(node).__name__ == "Output":
                fields["shape"] = arr(node.output_type["output"])
            nodes[name] = {"type": type(node).__name__, "fields": fields}
        print(json.dumps({"nodes": nodes, "edges": [list(e) for e in g.edges]}))
        """;

    static string Shared => Requires.SharedNir();

    static string RunPython(string script, params string[] args) => OfficialNir.Run(script, args);

    // One node of every NIR type, a nested graph and a recurrent edge, written by the official package (gzip, as it does).
    const string EveryTypeScript = """
        import sys, numpy as np, nir
        a = lambda *v: np.array(v, dtype=np.float64)
        n3 = np.ones(3)
        inner = nir.NIRGraph(nodes={"in": nir.Input(np.array([2])), "lif": nir.LIF(tau=a(0.01, 0.02), r=np.ones(2), v_leak=np.zeros(2), v_threshold=np.ones(2)), "out": nir.Output(np.array([2]))},
                             edges=[("in", "lif"), ("lif", "out")])
        nodes = {
            "input": nir.Input(np.array([3])), "output": nir.Output(np.array([3])), "sub": inner,
            "affine": nir.Affine(weight=np.ones((3, 3)), bias=a(1, 2, 3)), "linear": nir.Linear(weight=np.eye(3)),
            "scale": nir.Scale(scale=a(1, 2, 3)),
            "conv1d": nir.Conv1d(input_shape=10, weight=np.ones((4, 2, 3)), stride=1, padding=1, dilation=1, groups=1, bias=np.zeros(4)),
            "conv2d": nir.Conv2d(input_shape=(8, 8), weight=np.ones((4, 2, 3, 3)), stride=2, padding=(1, 1), dilation=1, groups=1, bias=np.zeros(4)),
            "sumpool": nir.SumPool2d(kernel_size=np.array([2, 2]), stride=np.array([2, 2]), padding=np.array([0, 0])),
            "avgpool": nir.AvgPool2d(kernel_size=np.array([2, 2]), stride=np.array([2, 2]), padding=np.array([0, 0])),
            "flatten": nir.Flatten(input_type={"input": np.array([4, 2, 2])}, start_dim=0, end_dim=-1),
            "delay": nir.Delay(delay=a(0.001, 0.002, 0.003)), "threshold": nir.Threshold(threshold=n3),
            "if": nir.IF(r=n3, v_threshold=n3), "li": nir.LI(tau=n3 * 0.01, r=n3, v_leak=n3 * 0),
            "cubali": nir.CubaLI(tau_mem=n3 * 0.01, tau_syn=n3 * 0.005, r=n3, v_leak=n3 * 0, w_in=n3 * 2),
            "cubalif": nir.CubaLIF(tau_mem=n3 * 0.01, tau_syn=n3 * 0.005, r=n3, v_leak=n3 * 0, v_threshold=n3, w_in=n3 * 2),
            "i": nir.I(r=n3),
        }
        g = nir.NIRGraph(nodes=nodes, edges=[("input", "affine"), ("affine", "cubalif"), ("cubalif", "affine"), ("cubalif", "output")],
                     metadata={"source": "test"}, type_check=False)
        nir.write(sys.argv[1], g)
        """;

    [Theory]
    [MemberData(nameof(NirReaderTests.SharedGraphs), MemberType = typeof(NirReaderTests))]
    public void Every_node_type_edge_and_parameter_equals_what_the_official_package_reads(string file) =>
        AssertReadsAsOfficial(Path.Combine(Shared, "graphs", file));

    [Fact]
    public void Every_node_type_the_official_package_writes_reads_back_equal()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nir-every-{Guid.NewGuid():N}.nir");
        try
        {
            RunPython(EveryTypeScript, path);
            AssertReadsAsOfficial(path);

            var graph = NirReader.Read(path);
            Assert.Equal(18, graph.Nodes.Count);
            var sub = Assert.IsType<NirGraph>(graph.Nodes["sub"]);
            Assert.Equal([0.01, 0.02], Assert.IsType<NirLIF>(sub.Nodes["lif"]).Tau.Data);
            Assert.Equal([("in", "lif"), ("lif", "out")], sub.Edges);
            Assert.Equal("test", graph.Metadata["source"]);
            Assert.Equal([("cubalif", "affine")], graph.RecurrentEdges());
            var conv = Assert.IsType<NirConv2d>(graph.Nodes["conv2d"]);
            Assert.Equal([2, 2], conv.Stride);
            Assert.Equal([4, 4, 4], conv.OutputShape!);
            Assert.Equal([4, 10], Assert.IsType<NirConv1d>(graph.Nodes["conv1d"]).OutputShape!);
            Assert.Equal([2.0, 2, 2], Assert.IsType<NirCubaLI>(graph.Nodes["cubali"]).WIn.Data);
            Assert.Equal([16], Assert.IsType<NirFlatten>(graph.Nodes["flatten"]).OutputShape!);
            foreach (var type in new[] { typeof(NirAvgPool2d), typeof(NirSumPool2d), typeof(NirScale), typeof(NirLinear), typeof(NirDelay),
                         typeof(NirThreshold), typeof(NirIF), typeof(NirLI), typeof(NirCubaLIF), typeof(NirIntegrator) })
                Assert.Contains(graph.Nodes.Values, n => n.GetType() == type);
        }
        finally
        {
            File.Delete(path);
        }
    }

    static void AssertReadsAsOfficial(string path)
    {
        string file = Path.GetFileName(path);
        using var official = JsonDocument.Parse(RunPython(DumpScript, path));
        var graph = NirReader.Read(path);

        var edges = official.RootElement.GetProperty("edges").EnumerateArray()
            .Select(e => (e[0].GetString()!, e[1].GetString()!)).ToList();
        Assert.Equal(edges, graph.Edges);

        var nodes = official.RootElement.GetProperty("nodes");
        Assert.Equal(nodes.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal), graph.Nodes.Keys.Order(StringComparer.Ordinal));
        int compared = 0;
        foreach (var (name, node) in graph.Nodes)
        {
            var expected = nodes.GetProperty(name);
            Assert.Equal(expected.GetProperty("type").GetString(), node.Type == "NIRGraph" ? "NIRGraph" : node.Type);
            var fields = expected.GetProperty("fields");
            var ours = node.Parameters.ToList();
            if (node is NirInput input) ours.Add(("shape", new NirTensor(input.Shape.Select(x => (double)x).ToArray(), [input.Shape.Length])));
            if (node is NirOutput output) ours.Add(("shape", new NirTensor(output.Shape.Select(x => (double)x).ToArray(), [output.Shape.Length])));
            foreach (var (field, value) in ours)
            {
                Assert.True(fields.TryGetProperty(field, out var theirs), $"{file}: node {name}: the official package has no {field}");
                Assert.Equal(theirs.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()), value.Shape);
                Assert.Equal(theirs.GetProperty("data").EnumerateArray().Select(x => x.GetDouble()), value.Data);
                compared++;
            }
        }
        Assert.True(compared >= graph.Nodes.Count);
    }

    /// <summary>Copies lif_norse.nir, lets h5py change it (the file is `f`), and reads the result.</summary>
    NirFormatException ReadBroken(string change)
    {
        string path = Path.Combine(Path.GetTempPath(), $"nir-broken-{Guid.NewGuid():N}.nir");
        try
        {
            RunPython($"""
                import shutil, sys
                import h5py
                import numpy as np
                shutil.copy(sys.argv[1], sys.argv[2])
                with h5py.File(sys.argv[2], "r+") as f:
                    n = f["node/nodes"]
                {string.Join('\n', change.Split('\n').Select(l => "    " + l))}
                """, Path.Combine(Shared, "graphs", "lif_norse.nir"), path);
            var error = Assert.Throws<NirFormatException>(() => NirReader.Read(path));
            Assert.DoesNotContain('\n', error.Message);
            Assert.Contains(path, error.Message);
            return error;
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_unknown_node_type_names_the_node_and_the_type()
    {
        var error = ReadBroken("""del n["1/type"]; n["1/type"] = "Spiky" """);
        Assert.Contains("node '1' field 'type'", error.Message);
        Assert.Contains("'Spiky'", error.Message);
    }

    [Fact]
    public void A_missing_parameter_names_the_node_and_the_field()
    {
        var error = ReadBroken("""del n["1/tau"]""");
        Assert.Contains("node '1' field 'tau'", error.Message);
        Assert.Contains("missing", error.Message);
    }

    [Fact]
    public void A_wrong_shape_names_the_node_the_field_and_the_shape_expected()
    {
        var error = ReadBroken("""del n["1/tau"]; n["1/tau"] = np.ones(3, dtype=np.float32)""");
        Assert.Contains("node '1' field 'tau'", error.Message);
        Assert.Contains("shape (1), found (3)", error.Message);
    }

    [Fact]
    public void An_edge_to_a_node_that_does_not_exist_is_named()
    {
        var error = ReadBroken("""del f["node/edges"]; f["node/edges"] = np.array([[b"input", b"0"], [b"0", b"ghost"]], dtype=object).astype(h5py.string_dtype())""");
        Assert.Contains("field 'edges'", error.Message);
        Assert.Contains("'ghost'", error.Message);
    }

    [Fact]
    public void A_dataset_over_the_cap_is_refused_before_it_is_read()
    {
        // 40000 x 40000 float32, chunked and never written: a tiny file that would ask for 1.6 billion values.
        var error = ReadBroken("""del n["0/weight"]; n.create_dataset("0/weight", shape=(40000, 40000), dtype=np.float32, chunks=(1000, 1000), compression="gzip")""");
        Assert.Contains("node '0' field 'weight'", error.Message);
        Assert.Contains("cap", error.Message);
    }
}
