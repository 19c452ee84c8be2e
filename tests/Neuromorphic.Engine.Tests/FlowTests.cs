using Neuromorphic.Engine;

namespace Neuromorphic.Engine.Tests;

public class FlowTests
{
    [Fact]
    public async Task A_thousand_blocks_arrive_in_order_with_non_decreasing_times()
    {
        var net = new Network();
        var output = new Collector();
        var src = net.Add(new SourceActor("src", Blocks.Counting(1000)));
        var relay = net.Add(new MapActor("relay", x => x + 1));
        var sink = net.Add(output.Sink());
        net.Connect(src, 0, relay, 0);
        net.Connect(relay, 0, sink, 0);

        await net.RunAsync(seed: 1);

        Assert.Equal(Enumerable.Range(0, 1000).Select(k => (long?)k), output.Events.Select(e => e.Sequence));
        for (int k = 0; k < 1000; k++) Assert.Equal(k + 1f, Blocks.Values(output.Events[k])[0]);
        for (int k = 1; k < 1000; k++) Assert.True(output.Events[k].TimeNs > output.Events[k - 1].TimeNs);
        Assert.Equal([ControlKind.EndOfStream], output.Controls);
    }

    [Fact]
    public async Task An_event_earlier_than_its_predecessor_on_a_port_is_rejected()
    {
        var net = new Network();
        var times = new[] { 0.0, 10.0, 5.0, 20.0 };
        var src = net.Add(new SourceActor("src", times.Select(t => new TimedPayload(Blocks.Of(1), t))));
        var relay = net.Add(new MapActor("relay", x => x));
        var sink = net.Add(new Collector().Sink());
        net.Connect(src, 0, relay, 0);
        net.Connect(relay, 0, sink, 0);

        var ex = await Assert.ThrowsAsync<ActorFailedException>(() => net.RunAsync(1).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("relay", ex.ActorName);
        Assert.Equal(2L, ex.FailedEvent?.Sequence);
        var inner = Assert.IsType<InvalidOperationException>(ex.InnerException);
        Assert.Contains("input port 0 ('in')", inner.Message);
        Assert.Contains("t=10 ns", inner.Message);
    }

    [Fact]
    public async Task Two_branches_of_different_speeds_join_by_sequence()
    {
        const int n = 150;
        var net = new Network();
        var output = new Collector();
        var jitter = new Random(7);
        var src = net.Add(new SourceActor("src", Blocks.Counting(n)));
        var fast = net.Add(new MapActor("fast", x => 2 * x));
        var slow = net.Add(new MapActor("slow", x => x + 1, (_, _) => Thread.Sleep(jitter.Next(0, 3))));
        var add = net.Add(new SumActor("add", inputs: 2));
        var sink = net.Add(output.Sink());
        net.Connect(src, 0, fast, 0);
        net.Connect(src, 0, slow, 0);
        net.Connect(fast, 0, add, 0);
        net.Connect(slow, 0, add, 1);
        net.Connect(add, 0, sink, 0);

        await net.RunAsync(1);

        Assert.Equal(n, output.Events.Count);
        for (int k = 0; k < n; k++)
        {
            Assert.Equal(k, output.Events[k].Sequence);
            var values = Blocks.Values(output.Events[k]);
            for (int i = 0; i < values.Length; i++) Assert.Equal(3f * (k + i) + 1, values[i]); // 2x + (x + 1)
        }
    }

    [Fact]
    public async Task Inputs_that_do_not_carry_the_same_sequences_fail_the_join_instead_of_hanging()
    {
        var net = new Network();
        var a = net.Add(new SourceActor("a", Blocks.Counting(5)));
        var b = net.Add(new SourceActor("b", Blocks.Counting(3)));
        var add = net.Add(new SumActor("add", inputs: 2));
        var sink = net.Add(new Collector().Sink());
        net.Connect(a, 0, add, 0);
        net.Connect(b, 0, add, 1);
        net.Connect(add, 0, sink, 0);

        var ex = await Assert.ThrowsAsync<ActorFailedException>(() => net.RunAsync(1).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("add", ex.ActorName);
        Assert.Contains("misaligned", ex.InnerException!.Message);
    }

    [Fact]
    public async Task Controls_travel_in_order_and_switch_plasticity()
    {
        var net = new Network();
        var output = new Collector();
        Payload[] stream =
        [
            Blocks.Of(1), Blocks.Of(1), new Control(ControlKind.PlasticityOff),
            Blocks.Of(1), new Control(ControlKind.EndOfEpoch), Blocks.Of(1),
        ];
        var src = net.Add(new SourceActor("src", stream));
        var learner = net.Add(new NoisyAccumulator("learner"));
        var sink = net.Add(output.Sink());
        net.Connect(src, 0, learner, 0);
        net.Connect(learner, 0, sink, 0);

        var report = await net.RunAsync(3);

        Assert.Equal([(0L, true), (1L, true), (2L, false), (3L, false)], learner.Seen);
        Assert.Equal([ControlKind.PlasticityOff, ControlKind.EndOfEpoch, ControlKind.EndOfStream], learner.Controls);
        Assert.Equal(learner.Controls, output.Controls);
        Assert.Equal(2, report["learner"].Work.WeightUpdates); // only the two plastic blocks, one weight each
        Assert.Equal(Blocks.Values(output.Events[1]), Blocks.Values(output.Events[3])); // frozen after PlasticityOff
    }

    [Fact]
    public async Task A_self_loop_sees_its_previous_step()
    {
        var net = new Network();
        var output = new Collector();
        var src = net.Add(new SourceActor("src", new[] { 1f, 2f, 3f, 4f }.Select(v => Blocks.Of(v))));
        var integrator = net.Add(new SumActor("integrator", inputs: 2));
        var sink = net.Add(output.Sink());
        net.Connect(src, 0, integrator, 0);
        net.ConnectRecurrent(integrator, 0, integrator, 1, initial: Blocks.Of(0));
        net.Connect(integrator, 0, sink, 0);

        await net.RunAsync(1).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([1f, 3f, 6f, 10f], output.Events.Select(e => Blocks.Values(e)[0]));
    }

    [Fact]
    public async Task A_feedback_edge_to_an_earlier_actor_is_delayed_one_step()
    {
        var net = new Network();
        var output = new Collector();
        var src = net.Add(new SourceActor("src", Enumerable.Repeat(0, 4).Select(_ => Blocks.Of(1))));
        var a = net.Add(new SumActor("a", inputs: 2));            // a_t = x_t + b_(t-1)
        var b = net.Add(new SumActor("b", inputs: 1, factor: 2)); // b_t = 2 a_t
        var sink = net.Add(output.Sink());
        net.Connect(src, 0, a, 0);
        net.Connect(a, 0, b, 0);
        net.ConnectRecurrent(b, 0, a, 1, initial: Blocks.Of(0));
        net.Connect(b, 0, sink, 0);

        await net.RunAsync(1).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([2f, 6f, 14f, 30f], output.Events.Select(e => Blocks.Values(e)[0]));
    }
}
