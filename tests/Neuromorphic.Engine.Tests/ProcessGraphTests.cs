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
    public async Task A_model_may_run_a_process_inside_the_actor_of_the_one_feeding_it()
    {
        var seen = new List<float[]>();
        // One actor runs a and b: ×6, where two models would each have multiplied by 2 and 3.
        var network = Description().Build(process => process switch
        {
            InputProcess p => new SourceActor(p.Name, [Blocks.Of(1, 2), Blocks.Of(3, 4)], p.Outputs[0].SampleShape),
            ScaleProcess { Name: "a" } p => new MapActor(p.Name, x => x * 6, inputShape: [2], outputShape: [2]),
            ScaleProcess => null,
            OutputProcess p => new SinkActor(p.Name, e => seen.Add(Blocks.Values(e)), sampleShape: p.Inputs[0].SampleShape),
            _ => throw new NotSupportedException(),
        });

        await network.RunAsync(seed: 1);

        Assert.Equal(["input", "a", "output"], network.Actors.Select(a => a.Name));
        Assert.Equal([[6f, 12f], [18f, 24f]], seen);
    }

    [Fact]
    public void A_process_runs_in_its_feeders_actor_only_where_that_actor_feeds_nothing_else()
    {
        // input → a → {b, output}: a's actor cannot take b's output in place of the one the output reads.
        var graph = new ProcessGraph();
        var input = graph.Add(new InputProcess("input"));
        var a = graph.Add(new ScaleProcess("a"));
        var b = graph.Add(new ScaleProcess("b"));
        var output = graph.Add(new OutputProcess("output"));
        graph.Connect(input, 0, a, 0);
        graph.Connect(a, 0, b, 0);
        graph.Connect(a, 0, output, 0);
        graph.MarkOutput(b, 0);

        var e = Assert.Throws<InvalidOperationException>(() => graph.Build(process => process switch
        {
            InputProcess p => new SourceActor(p.Name, Blocks.Counting(1, 2)),
            OutputProcess p => new SinkActor(p.Name, _ => { }),
            ScaleProcess { Name: "a" } p => new MapActor(p.Name, x => x),
            _ => null,
        }));

        Assert.Contains("No model was given for ScaleProcess 'b'", e.Message);
        Assert.Contains("ScaleProcess 'a' has other consumers", e.Message);
    }

    [Fact]
    public void A_shared_actor_is_checked_against_the_first_processs_inputs_and_the_last_ones_outputs()
    {
        var graph = new ProcessGraph();
        var input = graph.Add(new InputProcess("input", [4]));
        var wide = graph.Add(new ScaleProcess("wide", [4]));
        var pool = graph.Add(new PoolProcess("pool"));
        var output = graph.Add(new OutputProcess("output", [2]));
        graph.Connect(input, 0, wide, 0);
        graph.Connect(wide, 0, pool, 0);
        graph.Connect(pool, 0, output, 0);
        Func<ProcessNode, Actor?> Models(int[] outputShape) => process => process switch
        {
            InputProcess p => new SourceActor(p.Name, Blocks.Counting(1, 4), [4]),
            OutputProcess p => new SinkActor(p.Name, _ => { }, sampleShape: [2]),
            ScaleProcess p => new MapActor(p.Name, x => x, inputShape: [4], outputShape: outputShape),
            _ => null,
        };

        var network = graph.Build(Models([2]));
        var e = Assert.Throws<InvalidOperationException>(() => graph.Build(Models([4])));

        Assert.Equal(["input", "wide", "output"], network.Actors.Select(a => a.Name));
        Assert.Contains("The model of ScaleProcess 'wide' (and PoolProcess 'pool')", e.Message);
        Assert.Contains("takes [4] on output port 0 ('out'), not [2]", e.Message);
    }

    /// <summary>Halves its input: [4] in, [2] out.</summary>
    private sealed class PoolProcess(string name) : ProcessNode(name, [new PortSpec("in", [4])], [new PortSpec("out", [2])]);

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
