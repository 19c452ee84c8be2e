using Neuromorphic.Engine;

namespace Neuromorphic.Engine.Tests;

/// <summary>One description, run by different models of its processes through the one builder.</summary>
public class ProcessGraphTests
{
    /// <summary>A process that scales its input: its models differ in how (here, by what factor).</summary>
    private sealed class ScaleProcess(string name, int[]? shape = null) : ProcessNode(name, [new PortSpec("in", shape)], [new PortSpec("out", shape)]);

    // input → a → b → output
    private static ProcessGraph Description()
    {
        var graph = new ProcessGraph();
        var input = graph.Add(new InputProcess("input", [2]));
        var a = graph.Add(new ScaleProcess("a", [2]));
        var b = graph.Add(new ScaleProcess("b", [2]));
        var output = graph.Add(new OutputProcess("output", [2]));
        graph.Connect(input, 0, a, 0);
        graph.Connect(a, 0, b, 0);
        graph.Connect(b, 0, output, 0);
        return graph;
    }

    private static async Task<List<float[]>> Run(ProcessGraph description, float factor)
    {
        var seen = new List<float[]>();
        var network = description.Build(process => process switch
        {
            InputProcess p => new SourceActor(p.Name, [Blocks.Of(1, 2), Blocks.Of(3, 4)], p.Outputs[0].SampleShape),
            ScaleProcess p => new MapActor(p.Name, x => x * factor, inputShape: [2], outputShape: [2]),
            OutputProcess p => new SinkActor(p.Name, e => seen.Add(Blocks.Values(e)), sampleShape: p.Inputs[0].SampleShape),
            _ => throw new NotSupportedException(),
        });
        await network.RunAsync(seed: 1);
        return seen;
    }

    [Fact]
    public async Task The_same_description_runs_with_either_model()
    {
        var description = Description();

        var doubled = await Run(description, 2);
        var tripled = await Run(description, 3);

        Assert.Equal([[4f, 8f], [12f, 16f]], doubled);
        Assert.Equal([[9f, 18f], [27f, 36f]], tripled);
    }

    [Fact]
    public void Actors_take_the_processes_names_in_their_order()
    {
        var network = Description().Build(process => process switch
        {
            InputProcess p => new SourceActor(p.Name, Blocks.Counting(1, 2)),
            OutputProcess p => new SinkActor(p.Name, _ => { }),
            _ => new MapActor(process.Name, x => x),
        });

        Assert.Equal(["input", "a", "b", "output"], network.Actors.Select(a => a.Name));
    }

    [Fact]
    public async Task Recurrent_edges_and_declared_outputs_are_carried()
    {
        var graph = new ProcessGraph();
        var input = graph.Add(new InputProcess("input"));
        var sum = graph.Add(new Accumulate("sum"));
        var output = graph.Add(new OutputProcess("output"));
        graph.Connect(input, 0, sum, 0);
        graph.ConnectRecurrent(sum, 0, sum, 1, Blocks.Of(0));
        graph.Connect(sum, 1, output, 0);
        graph.MarkOutput(sum, 2);
        var seen = new List<float>();
        var network = graph.Build(process => process switch
        {
            InputProcess p => new SourceActor(p.Name, [Blocks.Of(1), Blocks.Of(2), Blocks.Of(3)]),
            OutputProcess p => new SinkActor(p.Name, e => seen.Add(Blocks.Values(e)[0])),
            _ => new SumActor(process.Name, inputs: 2, outputs: 3),
        });

        await network.RunAsync(seed: 1);

        // A running sum: each step adds its input to the previous step's output (0 at step 0).
        Assert.Equal([1f, 3f, 6f], seen);
    }

    private sealed class Accumulate(string name) : ProcessNode(name, PortSpec.Numbered("in", 2), PortSpec.Numbered("out", 3));

    [Fact]
    public void A_model_that_renames_its_process_is_refused_naming_both()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Description().Build(process => process switch
        {
            InputProcess p => new SourceActor(p.Name, Blocks.Counting(1, 2)),
            OutputProcess p => new SinkActor(p.Name, _ => { }),
            _ => new MapActor(process.Name + "-x", x => x),
        }));

        Assert.Contains("ScaleProcess 'a'", e.Message);
        Assert.Contains("is named 'a-x'", e.Message);
    }

    [Fact]
    public void A_model_with_other_ports_is_refused()
    {
        var ports = Assert.Throws<InvalidOperationException>(() => Description().Build(process => process switch
        {
            InputProcess p => new SourceActor(p.Name, Blocks.Counting(1, 2)),
            OutputProcess p => new SinkActor(p.Name, _ => { }),
            _ => new SumActor(process.Name, inputs: 2),
        }));
        var shape = Assert.Throws<InvalidOperationException>(() => Description().Build(process => process switch
        {
            InputProcess p => new SourceActor(p.Name, Blocks.Counting(1, 2)),
            OutputProcess p => new SinkActor(p.Name, _ => { }),
            _ => new MapActor(process.Name, x => x, inputShape: [3]),
        }));

        Assert.Contains("has 2 input ports, not 1", ports.Message);
        Assert.Contains("takes [3] on input port 0 ('in'), not [2]", shape.Message);
    }

    [Fact]
    public void An_edge_to_a_missing_port_or_process_is_refused_when_described()
    {
        var graph = Description();
        var a = graph.Processes[1];
        var stranger = new ScaleProcess("stranger");

        Assert.Throws<ArgumentOutOfRangeException>(() => graph.Connect(a, 1, graph.Processes[2], 0));
        Assert.Throws<InvalidOperationException>(() => graph.Connect(a, 0, stranger, 0));
        Assert.Throws<ArgumentException>(() => graph.Add(a));
    }
}
