using System.Diagnostics;
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

    static string RunPython(string script, params string[] args)
    {
        string python = Requires.PythonNir();
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["PYTHONPATH"] = Path.Combine(Shared, "python");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "python did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"python failed: {stderr.Result}");
        return stdout;
    }

    [Theory]
    [MemberData(nameof(NirReaderTests.SharedGraphs), MemberType = typeof(NirReaderTests))]
    public void Every_node_type_edge_and_parameter_equals_what_the_official_package_reads(string file)
    {
        string path = Path.Combine(Shared, "graphs", file);
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
