using Neuromorphic.Engine;

namespace Neuromorphic.Engine.Tests;

public class ModeledTimeTests
{
    [Fact]
    public async Task Three_stage_pipeline_times_follow_the_hand_computed_schedule()
    {
        // Source emits every 5 ns (t = 5, 10, 15, 20); stages take 10, 30 and 20 ns per block.
        // out = max(arrival, FreeAt) + latency:
        //   a: 15, 25, 35, 45        (a_0 = 5 + 10, then a is its own bottleneck: +10)
        //   b: 45, 75, 105, 135      (b_0 = 15 + 30, then +30)
        //   c: 65, 95, 125, 155      (c_0 = 45 + 20, then paced by b: +30)
        // The slowest stage (b, 30 ns) sets the steady-state interval downstream.
        var cost = new FixedLatencyCostModel(new() { ["src"] = 5, ["a"] = 10, ["b"] = 30, ["c"] = 20 });
        var net = new Network(cost);
        var output = new Collector();
        var src = net.Add(new SourceActor("src", Blocks.Counting(4)));
        var a = net.Add(new MapActor("a", x => x));
        var b = net.Add(new MapActor("b", x => x));
        var c = net.Add(new MapActor("c", x => x));
        var sink = net.Add(output.Sink());
        net.Connect(src, 0, a, 0);
        net.Connect(a, 0, b, 0);
        net.Connect(b, 0, c, 0);
        net.Connect(c, 0, sink, 0);

        var report = await net.RunAsync(1);

        Assert.Equal([65.0, 95.0, 125.0, 155.0], output.Events.Select(e => e.TimeNs));
        Assert.Equal(155.0, report.MakespanNs);
        Assert.Equal(20.0, report["src"].FreeAtNs);
        Assert.Equal(45.0, report["a"].FreeAtNs);
        Assert.Equal(135.0, report["b"].FreeAtNs);
        Assert.Equal(155.0, report["c"].FreeAtNs);
        Assert.Equal(120.0, report["b"].BusyNs);
        Assert.Equal(0.0, report["sink"].BusyNs); // a sink does no counted work and sends nothing
    }

    [Fact]
    public async Task A_join_starts_when_its_latest_input_arrives()
    {
        // src every 5 ns; fast +1 ns, slow +40 ns; the join (2 ns) waits for the slow branch.
        //   slow: 45, 85;  join: max(45, 0) + 2 = 47, max(85, 47) + 2 = 87
        var cost = new FixedLatencyCostModel(new() { ["src"] = 5, ["fast"] = 1, ["slow"] = 40, ["add"] = 2 });
        var net = new Network(cost);
        var output = new Collector();
        var src = net.Add(new SourceActor("src", Blocks.Counting(2)));
        var fast = net.Add(new MapActor("fast", x => x));
        var slow = net.Add(new MapActor("slow", x => x));
        var add = net.Add(new SumActor("add", inputs: 2));
        var sink = net.Add(output.Sink());
        net.Connect(src, 0, fast, 0);
        net.Connect(src, 0, slow, 0);
        net.Connect(fast, 0, add, 0);
        net.Connect(slow, 0, add, 1);
        net.Connect(add, 0, sink, 0);

        await net.RunAsync(1);

        Assert.Equal([47.0, 87.0], output.Events.Select(e => e.TimeNs));
    }

    [Fact]
    public void Default_cost_model_adds_its_documented_per_operation_constants()
    {
        var model = new DefaultCostModel();
        var work = new WorkCounts(DenseMacs: 1000, SynapticAccumulates: 200, NeuronUpdates: 10, WeightUpdates: 50);
        // 20 + 1000*0.01 + 200*0.005 + 10*0.05 + 50*0.02 + 100*0.01 = 20 + 10 + 1 + 0.5 + 1 + 1
        Assert.Equal(33.5, model.LatencyNs("any", work, bytesOut: 100), precision: 9);
    }

    [Fact]
    public async Task A_negative_latency_from_the_cost_model_is_rejected()
    {
        var net = new Network(new FixedLatencyCostModel(new() { ["bad"] = -1 }));
        var src = net.Add(new SourceActor("src", Blocks.Counting(2)));
        var bad = net.Add(new MapActor("bad", x => x));
        var sink = net.Add(new Collector().Sink());
        net.Connect(src, 0, bad, 0);
        net.Connect(bad, 0, sink, 0);

        var ex = await Assert.ThrowsAsync<ActorFailedException>(() => net.RunAsync(1).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal("bad", ex.ActorName);
        Assert.Contains("latency -1", ex.InnerException!.Message);
    }
}
