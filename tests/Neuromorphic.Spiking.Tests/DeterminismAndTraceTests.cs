using Neuromorphic.Engine;

namespace Neuromorphic.Spiking.Tests;

public class DeterminismAndTraceTests
{
    private static async Task<(long Sequence, int Neuron)[]> CubaRaster(int seed)
    {
        var recorder = new TraceRecorder();
        var trace = recorder.Watch(new TraceSelection("cuba", Capacity: 1 << 20));
        var model = CubaBenchmark.Build(0.05, seed: seed, trace: recorder);
        await model.Network.RunAsync(seed);
        Assert.Equal(0, trace.DroppedSpikes);
        return trace.Spikes.Select(s => (s.Sequence, s.Neuron)).ToArray();
    }

    [Fact]
    public async Task Same_seed_gives_identical_spike_trains_and_another_seed_differs()
    {
        var a = await CubaRaster(11);
        var b = await CubaRaster(11);
        var c = await CubaRaster(12);
        Assert.NotEmpty(a);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Poisson_encoder_is_reproducible_per_seed()
    {
        static long[] Train(long seed)
        {
            var e = new PoissonEncoder(new PresentationSchedule(0.1, 200), 60, seed);
            return e.EncodeImage(Enumerable.Range(0, 50).Select(i => i / 50f).ToArray())
                .OfType<SpikePacket>().SelectMany(p => p.Active.ToArray().Select(n => p.TimeStep * 1000 + n)).ToArray();
        }
        Assert.Equal(Train(1), Train(1));
        Assert.NotEqual(Train(1), Train(2));
    }

    [Fact]
    public async Task Wta_training_is_reproducible()
    {
        var source = TestData.Train(limit: 3);
        var cfg = new WtaConfig { PresentMs = 100, RestMs = 20 };
        async Task<float[]> Train()
        {
            var layer = new WtaLayer(cfg, seed: 5);
            await WtaExperiment.PresentAsync("train", layer, source, [0, 1, 2], plastic: true, seed: 5);
            return layer.Input.Weights.ToArray();
        }
        Assert.Equal(await Train(), await Train());
    }

    [Fact]
    public async Task Raster_and_membrane_traces_come_through_the_trace_recorder()
    {
        // Two LIF neurons driven by regular input: the recorded raster must equal the emitted packets and the
        // membrane trace must equal the population state after each step.
        var prm = new NeuronParameters { Model = NeuronModel.Lif, TauMembraneMs = 10, RestMv = -65, ResetMv = -65, ThresholdMv = -60, RefractoryMs = 1 };
        var population = new Population(2, prm, 0.1);
        var input = Projection.AllToAll(3, 2, [2, 0, 0, 2, 1, 1], SynapseChannel.Excitatory, delaySteps: 0);
        var encoder = new RegularRateEncoder(new PresentationSchedule(0.1, 100, FlushAfterSample: false), 1000);
        var recorder = new TraceRecorder();
        var trace = recorder.Watch(new TraceSelection("pop", Neurons: [1], Capacity: 100_000));
        var emitted = new List<(long, int)>();
        var net = new Network(trace: recorder);
        var src = net.Add(new SourceActor("input", encoder.EncodeImage([1f, 0.5f, 0.25f])));
        var pop = net.Add(new PopulationActor("pop", population, [new PopulationInput("in", input)]));
        var sink = net.Add(new SinkActor("raster", ev =>
        {
            var p = (SpikePacket)ev.Payload;
            foreach (int n in p.Active) emitted.Add((p.TimeStep, n));
        }));
        net.Connect(src, 0, pop, 0);
        net.Connect(pop, 0, sink, 0);
        await net.RunAsync(1);

        var recorded = trace.Spikes.Select(s => (s.Sequence, s.Neuron)).ToArray();
        Assert.NotEmpty(recorded);
        Assert.Equal(emitted.Where(e => e.Item2 == 1), recorded);
        Assert.Equal(1000, trace.Activations.Count);
        Assert.All(trace.Activations, a => Assert.Equal(1, a.Neuron));
        Assert.Equal((float)population.Membrane[1], trace.Activations[^1].Value);
        // Right after each recorded spike the trace shows the reset value.
        var v = trace.Activations.ToDictionary(a => a.Sequence, a => a.Value);
        Assert.All(recorded, s => Assert.Equal(-65f, v[s.Sequence]));
    }
}
