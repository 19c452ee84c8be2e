using Neuromorphic.Engine;

namespace Neuromorphic.Engine.Tests;

public class CountersAndTraceTests
{
    [Fact]
    public async Task Counters_add_up_what_actors_report_and_what_moves_between_them()
    {
        const int blocks = 10, batch = 3, width = 5;
        IEnumerable<Payload> Batches()
        {
            for (int k = 0; k < blocks; k++)
                yield return new DenseBlock(new float[batch * width], [batch, width], [3L * k, 3L * k + 1, 3L * k + 2]);
        }

        var perBlock = new WorkCounts(DenseMacs: batch * width * 7, SynapticAccumulates: 11, NeuronUpdates: 7,
            WeightUpdates: 35, Spikes: 2, NonZeroActivations: 4);
        var net = new Network();
        var src = net.Add(new SourceActor("src", Batches()));
        var layer = net.Add(new MapActor("layer", x => x, workPerBlock: perBlock));
        var sink = net.Add(new Collector().Sink());
        net.Connect(src, 0, layer, 0);
        net.Connect(layer, 0, sink, 0);

        var report = await net.RunAsync(1);

        var c = report["layer"];
        long bytesPerBlock = batch * width * 4 + batch * 8;
        Assert.Equal(blocks, c.Blocks);
        Assert.Equal(blocks, c.EventsIn);
        Assert.Equal(blocks, c.EventsOut);
        Assert.Equal(blocks * bytesPerBlock, c.BytesIn);
        Assert.Equal(blocks * bytesPerBlock, c.BytesOut);
        Assert.Equal(blocks * perBlock.DenseMacs, c.Work.DenseMacs);
        Assert.Equal(blocks * 11, c.Work.SynapticAccumulates);
        Assert.Equal(blocks * 7, c.Work.NeuronUpdates);
        Assert.Equal(blocks * 35, c.Work.WeightUpdates);
        Assert.Equal(blocks * 2, c.Work.Spikes);
        Assert.Equal(blocks * 4, c.Work.NonZeroActivations);
        Assert.Equal(blocks * new DefaultCostModel().LatencyNs("layer", perBlock, bytesPerBlock), c.BusyNs, precision: 6);
        Assert.Equal(blocks * bytesPerBlock, report["src"].BytesOut);
        Assert.Equal(0, report["src"].EventsIn);
        Assert.Equal(blocks, report["sink"].EventsIn);
        Assert.Equal(0, report["sink"].EventsOut);
        Assert.InRange(report.EngineOverheadFraction, 0, 1);
        Assert.True(report.WallTime > TimeSpan.Zero);
        Assert.True(report.HandlerTime > TimeSpan.Zero);
    }

    [Fact]
    public void A_trace_buffer_keeps_the_newest_records_and_counts_the_dropped()
    {
        var trace = new TraceRecorder().Watch(new TraceSelection("pop", Capacity: 8));
        for (int i = 0; i < 20; i++) trace.RecordSpike(i, i * 10.0, neuron: i);

        Assert.Equal(Enumerable.Range(12, 8), trace.Spikes.Select(s => s.Neuron));
        Assert.Equal(12, trace.DroppedSpikes);
        Assert.Empty(trace.Activations);
        Assert.Equal(0, trace.DroppedActivations);
    }

    [Fact]
    public void A_trace_keeps_only_the_chosen_neurons_and_window()
    {
        var trace = new TraceRecorder().Watch(new TraceSelection("pop", Neurons: [2, 5],
            FromSequence: 1, ToSequence: 3, FromTimeNs: 0, ToTimeNs: 100));
        for (int seq = 0; seq < 5; seq++)
            for (int n = 0; n < 8; n++)
            {
                trace.RecordSpike(seq, seq * 40.0, n);
                trace.RecordActivation(seq, sampleId: 100 + seq, n, value: n * 0.5f);
            }

        // Sequences 1..3 and neurons {2, 5}; spikes also need t <= 100 ns, which drops sequence 3 (t = 120).
        Assert.Equal([(1L, 2), (1L, 5), (2L, 2), (2L, 5)], trace.Spikes.Select(s => (s.Sequence, s.Neuron)));
        Assert.Equal(6, trace.Activations.Count);
        Assert.Equal(new ActivationRecord(3, 103, 5, 2.5f), trace.Activations[^1]);
        Assert.Equal(0, trace.DroppedActivations);
    }

    [Fact]
    public async Task Actors_write_their_traces_during_a_run()
    {
        IEnumerable<Payload> Packets()
        {
            for (int t = 0; t < 50; t++) yield return new SpikePacket(t, [t % 4, 4 + t % 3, 9], count: 3);
        }

        var recorder = new TraceRecorder();
        var watched = recorder.Watch(new TraceSelection("pop", Neurons: [9], Capacity: 16));
        var net = new Network(trace: recorder);
        var output = new Collector();
        var src = net.Add(new SourceActor("src", Packets()));
        var pop = net.Add(new SpikeRelay("pop"));
        var sink = net.Add(output.Sink());
        net.Connect(src, 0, pop, 0);
        net.Connect(pop, 0, sink, 0);

        var report = await net.RunAsync(1);

        Assert.Equal(16, watched.Spikes.Count);
        Assert.Equal(34, watched.DroppedSpikes);
        Assert.All(watched.Spikes, s => Assert.Equal(9, s.Neuron));
        Assert.Equal(Enumerable.Range(34, 16).Select(i => (long)i), watched.Spikes.Select(s => s.Sequence));
        Assert.Null(recorder.For("src"));
        Assert.Equal(150, report["pop"].Work.SynapticAccumulates);
        Assert.Equal(0, report["pop"].Work.DenseMacs);
        Assert.Equal(50 * (8 + 3 * 4), report["pop"].BytesIn);
        Assert.Equal([0, 4, 9], ((SpikePacket)output.Events[0].Payload).Active.ToArray());
    }

    [Fact]
    public void Payloads_check_their_shape_and_report_their_size()
    {
        Assert.Throws<ArgumentException>(() => new DenseBlock(new float[5], [2, 3], [0, 1]));
        Assert.Throws<ArgumentException>(() => new DenseBlock(new float[6], [2, 3], [0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SpikePacket(0, new int[2], count: 3));
        var block = new DenseBlock(new float[6], [2, 3], [0, 1]);
        Assert.Equal(6 * 4 + 2 * 8, block.SizeInBytes());
        Assert.Equal(3, block.SampleLength);
        Assert.Equal(8 + 2 * 4 + 2 * 4, new SpikePacket(0, new int[10], 2, new float[10]).SizeInBytes());
    }
}
