using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Each per-core limit of <see cref="TinyChip"/> (4 cores, 4 neurons, 48 bit, fan-in 8, 4-bit weights)
/// broken on purpose.</summary>
public class MappingLimitTests
{
    private static MappingException Fail(ChipModel chip, params LayerDescription[] layers) =>
        Assert.Throws<MappingException>(() => Mapper.Map(chip, layers));

    [Fact]
    public void Too_many_neurons_runs_out_of_cores()
    {
        // fan-in 1 x 4 bit = 4 bit per neuron: memory would hold 12, the neuron limit 4 binds -> 20 / 4 = 5 cores > 4.
        var e = Fail(TinyChip.Load(), LayerDescription.Dense("wide", 20, 1, null));
        Assert.Equal(ChipLimit.Neurons, e.Limit);
        Assert.True(e.OutOfCores);
        Assert.Equal(("wide", 5.0, 4.0), (e.Layer, e.Required, e.Available));
        Assert.Contains("needs 5 cores", e.Message);
        Assert.Contains("the chip has 4", e.Message);
        Assert.Contains("1 cores short", e.Message);
        Assert.Contains("hold 16 of its 20 neurons", e.Message);
    }

    [Fact]
    public void Synapse_memory_filling_cores_runs_out_of_cores()
    {
        // fan-in 6 x 4 bit = 24 bit -> 2 neurons per 48-bit core; 10 neurons -> 5 cores.
        var e = Fail(TinyChip.Load(), LayerDescription.Dense("fat", 10, 6, null));
        Assert.Equal(ChipLimit.SynapseMemory, e.Limit);
        Assert.True(e.OutOfCores);
        Assert.Contains("holds 2 neurons of this layer", e.Message);
    }

    [Fact]
    public void One_neuron_larger_than_synapse_memory()
    {
        var chip = TinyChip.Load(TinyChip.Yaml.Replace("synapse_memory: 48 bit", "synapse_memory: 16 bit"));
        var e = Fail(chip, LayerDescription.Dense("big", 1, 8, null)); // 8 x 4 = 32 bit > 16
        Assert.Equal(ChipLimit.SynapseMemory, e.Limit);
        Assert.False(e.OutOfCores);
        Assert.Equal((32.0, 16.0), (e.Required, e.Available));
        Assert.Contains("16 bit short", e.Message);
    }

    [Fact]
    public void Fan_in_over_the_axon_limit()
    {
        var e = Fail(TinyChip.Load(), LayerDescription.Dense("in9", 1, 9, null));
        Assert.Equal(ChipLimit.FanIn, e.Limit);
        Assert.Equal((9.0, 8.0), (e.Required, e.Available));
        Assert.Contains("1 inputs too many", e.Message);
        // Tiny's file has no fan_in_split (default none): the message says so and what a splitting chip would do.
        Assert.Contains("fan_in_split: none", e.Message);
        Assert.Contains("2 slices of 5 inputs", e.Message);
    }

    [Fact]
    public void Weight_precision_above_the_chip()
    {
        var e = Fail(TinyChip.Load(), LayerDescription.Dense("fp", 1, 2, null) with { WeightBits = 8 });
        Assert.Equal(ChipLimit.WeightPrecision, e.Limit);
        Assert.Equal((8.0, 4.0), (e.Required, e.Available));
        Assert.Contains("4 bits", e.Message);
    }

    [Fact]
    public void Convolution_without_weight_sharing_is_stored_unrolled()
    {
        // 1 channel x 2 x 1 outputs, kernel fan-in 2: 2 shared weights, 4 connections. No sharing on Tiny: 2 x 4 bit per neuron.
        var conv = LayerDescription.Conv("c", 1, 2, 1, 2, null);
        var m = Mapper.Map(TinyChip.Load(), [conv]);
        var p = m.Find("c")!;
        Assert.True(p.UnrolledConvolution);
        Assert.Equal(4, p.StoredConnections);
        Assert.Contains(m.Notes, n => n.Contains("unrolled"));

        var sharing = Mapper.Map(TinyChip.Load(TinyChip.Yaml.Replace("weight_sharing: false", "weight_sharing: true")), [conv]);
        Assert.False(sharing.Find("c")!.UnrolledConvolution);
        Assert.Equal(8, sharing.Find("c")!.SharedSynapseBitsPerCore); // 2 weights x 4 bit, once per core
    }

    [Fact]
    public void Shipped_loihi_maps_a_softhebb_sized_conv_layer()
    {
        // 96 channels x 16 x 16, kernel 3 x 5 x 5: unrolled 75 x 9 bit = 675 bit per neuron -> 1553 by memory, 1024 neurons bind.
        var loihi = ChipModelLoader.LoadFile(Path.Combine(TinyChip.ModelsFolder(), "loihi.yaml"));
        var m = Mapper.Map(loihi, [LayerDescription.Conv("conv1", 96, 16, 16, 75, null)]);
        Assert.Equal(24, m.CoresUsed); // 24,576 neurons / 1024
        Assert.Contains("fits", m.Find("conv1")!.Explanation);
    }

    [Fact]
    public void Typed_axons_take_two_axons_per_input()
    {
        // Tiny with TrueNorth's scheme: 1-bit crossbar, fan-in 8 axons. Fan-in 4 takes all 8 axons (4 x 2 bits = 8 bits per
        // neuron, 48-bit memory: 6 neurons by memory, 4 by the neuron limit); fan-in 5 would need 10 axons.
        var chip = TinyChip.Load(TinyChip.Yaml.Replace("weight_bits: 4", "weight_bits: 1")
            .Replace("  weight_sharing: false", "  weight_sharing: false\n  axon_types:\n    types: 4\n    weight_bits: 9"));
        Assert.Equal(new AxonTypeWeights(4, 9), chip.Limits.AxonTypes);
        var m = Mapper.Map(chip, [LayerDescription.Dense("d", 4, 4, null)]);
        Assert.Equal(1.0, m.Find("d")!.Usage[0].FanInFraction);
        Assert.Contains(m.Notes, n => n.StartsWith("every input takes 2 axons", StringComparison.Ordinal));
        Assert.Null(m.Find("d")!.Splitters); // one layer: its outputs go to the host (SplitterTests)
        var e = Fail(chip, LayerDescription.Dense("d", 4, 5, null));
        Assert.Equal(ChipLimit.FanIn, e.Limit);
        Assert.Equal((10.0, 8.0), (e.Required, e.Available));
    }
}
