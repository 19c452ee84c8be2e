using Neuromorphic.Engine;

namespace Neuromorphic.Engine.Tests;

public class ValidationTests
{
    private static string SingleError(Network net) => Assert.Single(Assert.Throws<GraphValidationException>(net.Validate).Errors);

    [Fact]
    public void A_dangling_input_port_is_named()
    {
        var net = new Network();
        var relay = net.Add(new MapActor("relay", x => x));
        var add = net.Add(new SumActor("add", inputs: 2));
        var src = net.Add(new SourceActor("src", Blocks.Counting(1)));
        net.Connect(src, 0, relay, 0);
        net.Connect(relay, 0, add, 0);
        net.MarkOutput(add, 0);

        var error = SingleError(net);

        Assert.Contains("'add' input port 1 ('in1') is not connected", error);
    }

    [Fact]
    public void A_shape_mismatch_names_both_ends()
    {
        var net = new Network();
        var src = net.Add(new SourceActor("src", Blocks.Counting(1), sampleShape: [4]));
        var layer = net.Add(new MapActor("layer", x => x, inputShape: [3]));
        net.Connect(src, 0, layer, 0);
        net.MarkOutput(layer, 0);

        var error = SingleError(net);

        Assert.Contains("'src' port 0 ('out') -> 'layer' port 0 ('in')", error);
        Assert.Contains("[4]", error);
        Assert.Contains("[3]", error);
    }

    [Fact]
    public void Duplicate_names_are_rejected()
    {
        var net = new Network();
        var src = net.Add(new SourceActor("src", Blocks.Counting(1)));
        var a = net.Add(new MapActor("layer", x => x));
        var b = net.Add(new MapActor("layer", x => x));
        net.Connect(src, 0, a, 0);
        net.Connect(a, 0, b, 0);
        net.MarkOutput(b, 0);

        Assert.Contains("Duplicate actor name 'layer'", SingleError(net));
    }

    [Fact]
    public void An_unconnected_output_must_be_marked_as_a_network_output()
    {
        var net = new Network();
        var src = net.Add(new SourceActor("src", Blocks.Counting(1)));
        var layer = net.Add(new MapActor("layer", x => x));
        net.Connect(src, 0, layer, 0);

        Assert.Contains("'layer' output port 0 ('out') is not connected", SingleError(net));
        net.MarkOutput(layer, 0);
        net.Validate();
    }

    [Fact]
    public void Two_edges_into_one_input_port_are_rejected()
    {
        var net = new Network();
        var src = net.Add(new SourceActor("src", Blocks.Counting(1)));
        var layer = net.Add(new MapActor("layer", x => x));
        net.Connect(src, 0, layer, 0);
        net.Connect(src, 0, layer, 0);
        net.MarkOutput(layer, 0);

        Assert.Contains("'layer' input port 0 ('in') has 2 incoming edges", SingleError(net));
    }

    [Fact]
    public void A_forward_cycle_is_rejected_but_the_same_cycle_with_a_recurrent_edge_is_accepted()
    {
        Network Build(bool recurrent)
        {
            var net = new Network();
            var src = net.Add(new SourceActor("src", Blocks.Counting(1)));
            var a = net.Add(new SumActor("a", inputs: 2));
            var b = net.Add(new SumActor("b", inputs: 1));
            net.Connect(src, 0, a, 0);
            net.Connect(a, 0, b, 0);
            if (recurrent) net.ConnectRecurrent(b, 0, a, 1, Blocks.Of(0));
            else net.Connect(b, 0, a, 1);
            return net;
        }

        var error = SingleError(Build(recurrent: false));
        Assert.Contains("cycle through 'a' -> 'b'", error);
        Build(recurrent: true).Validate();
    }

    [Fact]
    public void Connecting_a_missing_port_names_the_actor()
    {
        var net = new Network();
        var src = net.Add(new SourceActor("src", Blocks.Counting(1)));
        var layer = net.Add(new MapActor("layer", x => x));
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => net.Connect(src, 0, layer, 3));
        Assert.Contains("'layer' has 1 input ports; input port 3", ex.Message);
    }

    [Fact]
    public async Task Emitting_a_block_of_the_wrong_shape_fails_the_run_naming_the_port()
    {
        var net = new Network();
        var src = net.Add(new SourceActor("src", Blocks.Counting(2, width: 4)));
        var layer = net.Add(new MapActor("layer", x => x, outputShape: [8]));
        var sink = net.Add(new Collector().Sink());
        net.Connect(src, 0, layer, 0);
        net.Connect(layer, 0, sink, 0);

        var ex = await Assert.ThrowsAsync<ActorFailedException>(() => net.RunAsync(1).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("'layer' output port 0 ('out') declares sample shape [8] but was given [4]", ex.InnerException!.Message);
    }
}
