using Neuromorphic.Engine;
using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Activation density over a pooling layer's outputs, worked out by hand on <see cref="TinyChip"/>.</summary>
public class CostModelTests
{
    private const double Pico = 1e-12;

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
}
