using System.Diagnostics;

namespace Neuromorphic.Testing;

/// <summary>Runs the official NIR Python package (../shared/nir/python) on a file: what it reads, as JSON.</summary>
public static class OfficialNir
{
    // Every node (nested graphs too) with its type and fields (arrays as float64 shape and values, strings as they are),
    // the edges in order and the graph's metadata. argv[2] is "1" for the official reader's type checks.
    const string DumpScript = """
        import json, sys
        import numpy as np
        import nir
        g = nir.read(sys.argv[1], type_check=sys.argv[2] == "1")
        def arr(x):
            a = np.asarray(x, dtype=np.float64)
            return {"shape": list(a.shape), "data": a.ravel().tolist()}
        def text(v):
            if isinstance(v, dict): return {k: text(x) for k, x in v.items()}
            return v.decode() if isinstance(v, bytes) else str(v)
        def graph(g):
            nodes = {}
            for name, node in g.nodes.items():
                kind = type(node).__name__
                if kind == "NIRGraph":
                    nodes[name] = {"type": kind, "graph": graph(node)}
                    continue
                fields = {}
                for key, value in vars(node).items():
                    if key in ("input_type", "output_type", "metadata") or value is None: continue
                    fields[key] = value if isinstance(value, str) else arr(value)
                if kind == "Input": fields["shape"] = arr(node.input_type["input"])
                if kind == "Output": fields["shape"] = arr(node.output_type["output"])
                if kind == "Flatten" and node.input_type["input"] is not None: fields["input_type"] = arr(node.input_type["input"])
                nodes[name] = {"type": kind, "fields": fields}
            return {"nodes": nodes, "edges": [list(e) for e in g.edges], "metadata": text(g.metadata)}
        print(json.dumps(graph(g)))
        """;

    /// <summary>The official package's reading of <paramref name="path"/>, as JSON text.</summary>
    public static string Dump(string path, bool typeCheck) => Run(DumpScript, path, typeCheck ? "1" : "0");

    public static string Run(string script, params string[] args)
    {
        string python = Requires.PythonNir();
        var start = new ProcessStartInfo(python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["PYTHONPATH"] = Path.Combine(Requires.SharedNir(), "python");
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(120_000), "python did not finish in 2 minutes");
        Assert.True(process.ExitCode == 0, $"python failed: {stderr.Result}");
        return stdout;
    }
}
