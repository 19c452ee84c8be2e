using Neuromorphic.Engine;
using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Activation density over a pooling layer's outputs, static energy on the per-sample time model, and a
/// layer's latency set by its busiest core; each worked out by hand on <see cref="TinyChip"/>.</summary>
public class CostModelTests
{
    private const double Pico = 1e-12, Nano = 1e-9;

    [Fact]
    public void Density_counts_a_pooling_layers_non_zero_outputs_over_its_pooled_outputs()
    {
        // conv: 1 channel of 4 x 2 neurons, fan-in 2, 2x2 pooling -> 2 pooled outputs. 8 bit per neuron (unrolled,
        //       4-bit weights): 4 per core (neuron limit) -> cores 0, 1. fc: 2 neurons x fan-in 2 (the pooled outputs).
        // Two samples, one step each. 3 of the 2 x 2 = 4 pooled outputs are non-zero, so fc's input density is
        // 3 / 4 (not 3 / (8 neurons x 2) = 3/16): 3 events x 2 fc neurons = 6 synaptic ops of the 8 MACs reported,
        // 6 x 2 pJ = 12 pJ, 6 pJ per sample.
        LayerDescription[] net =
        [
            LayerDescription.Conv("conv", 1, 4, 2, 2, null) with { PooledOutputs = 2 },
            LayerDescription.Dense("fc", 2, 2, "conv"),
        ];
        var activity = new Dictionary<string, LayerActivity>
        {
            ["conv"] = new(new WorkCounts(DenseMacs: 32, NeuronUpdates: 16, NonZeroActivations: 3)),
            ["fc"] = new(new WorkCounts(DenseMacs: 8, NeuronUpdates: 4, NonZeroActivations: 2)),
        };
        var r = EnergyReport.Compute(Mapper.Map(TinyChip.Load(), net), activity, samples: 2);
        var fc = r.Layers[1];
        Assert.Equal(0.75, fc.InputDensity, 12);
        Assert.Equal(3, fc.SynapticAcs, 12);
        Assert.Equal(6 * Pico, fc.SynapticJ, 1e-18);
        // NeuroBench activation sparsity over the outputs sent: conv 2 x 2 + fc 2 x 2 = 8, of which 3 + 2 non-zero.
        Assert.Equal(3.0 / 8, r.NeuroBench.ActivationSparsity, 12);
    }

    [Fact]
    public void A_layer_takes_as_long_as_its_busiest_core()
    {
        // wide: 5 neurons x fan-in 4 -> 16 bit each; 48 bit per core -> 3 per core: core 0 holds 3, core 1 holds 2.
        // One sample, one step: 10 accumulates, 5 updates, 5 spikes to the host (one local send each, no hops).
        // Per neuron: 2 accumulates x 1 ns + 1 update x 2 ns + 1 spike x 3 ns = 7 ns. Core 0: 3 x 7 = 21 ns;
        // barrier 10 -> 31 ns. (Spreading the 35 ns evenly over 2 cores would say 17.5 + 10 = 27.5 ns.)
        var m = Mapper.Map(TinyChip.Load(), [LayerDescription.Dense("wide", 5, 4, null)]);
        Assert.Equal([3, 2], m.Find("wide")!.Usage.Select(u => u.Neurons));
        var activity = new Dictionary<string, LayerActivity>
        {
            ["wide"] = new(new WorkCounts(SynapticAccumulates: 10, NeuronUpdates: 5, Spikes: 5, NonZeroActivations: 5)),
        };
        var r = EnergyReport.Compute(m, activity, samples: 1);
        Assert.Equal(31 * Nano, r.LatencyS, 1e-15);
        Assert.Equal(1 / (31 * Nano), r.ThroughputPerS, 1);
        Assert.Equal(31 * Pico, r.StaticJ, 1e-18); // 1 mW x 31 ns
        Assert.Equal(31, new ChipCostModel(m).LatencyNs("wide", activity["wide"].Work, 0), 9);
    }

    /// <summary>Counts a fixed amount of work per block and passes the block on.</summary>
    private sealed class Layer(string name, WorkCounts perBlock) : Actor(name, inputPorts: 1, outputPorts: 1)
    {
        protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
        {
            ctx.Count(perBlock);
            ctx.Emit(0, (DataPayload)joined[0].Payload);
        }
    }

    [Fact]
    public async Task Static_energy_of_an_engine_run_uses_the_per_sample_period_not_the_block_makespan()
    {
        // TinyNetworkTests' network and counts, run through the engine as one block of 2 samples with the chip as
        // cost model. The per-sample model gives hidden 42.25 ns and out 23.5 ns per sample (worked out there), so
        // the period is 42.25 ns and static energy 1 mW x 42.25 ns = 42.25 pJ, as EnergyReport.Compute says.
        // The block's makespan costs each layer as one step at input density 1: hidden (20 x 1 + 8 x 4 + 10 x 2 + 5 x 3
        // = 87) / 2 cores + 1 x 2 hops x 5 + barrier 10 = 63.5 ns; out 24 x 1 + 4 x 2 + 3 x 3 + 10 = 51 ns; together
        // 114.5 ns, 57.25 ns per sample: a different time model, which static energy must not use.
        LayerDescription[] net =
        [
            LayerDescription.Dense("hidden", 6, 4, "input"),
            LayerDescription.Dense("out", 2, 6, "hidden"),
        ];
        var mapping = Mapper.Map(TinyChip.Load(), net);
        var engine = new Network(new ChipCostModel(mapping));
        var src = engine.Add(new SourceActor("input", [new DenseBlock(new float[2], [2, 1], [0, 1])]));
        var hidden = engine.Add(new Layer("hidden", new WorkCounts(SynapticAccumulates: 20, NeuronUpdates: 10, WeightUpdates: 8, Spikes: 5, NonZeroActivations: 5)));
        var out_ = engine.Add(new Layer("out", new WorkCounts(DenseMacs: 24, NeuronUpdates: 4, NonZeroActivations: 3)));
        var sink = engine.Add(new SinkActor("sink", _ => { }));
        engine.Connect(src, 0, hidden, 0);
        engine.Connect(hidden, 0, out_, 0);
        engine.Connect(out_, 0, sink, 0);
        var run = await engine.RunAsync(1);
        Assert.Equal(114.5, run.MakespanNs, 9);

        var r = EnergyReport.FromRun(mapping, run, samples: 2);
        Assert.Equal(42.25 * Pico, r.StaticJ, 1e-18);
        Assert.Equal(r.StaticJ, TinyChip.Load().StaticPowerW / r.ThroughputPerS, 1e-18);
        Assert.Equal(65.75 * Nano, r.LatencyS, 1e-15);
    }
}
