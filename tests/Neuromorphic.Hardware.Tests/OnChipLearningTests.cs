using Neuromorphic.Engine;
using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Training on a chip that learns: a convolution stored unrolled (Tiny has no weight sharing) learning one image,
/// every figure worked out by hand.</summary>
public class OnChipLearningTests
{
    // conv: 1 channel, 2 x 2 output positions, a kernel of 2 weights. Unrolled: 4 neurons x 2 = 8 synapses of 4 bit
    // = 32 bit, 4 neurons: one core (core 0). Its outputs go to the host.
    private static readonly LayerDescription[] Net = [LayerDescription.Conv("conv", 1, 2, 2, 2, "input")];

    // One image, batch 1: forward 4 positions x 2 = 8 MACs; the update's MACs (made up here: 20) on top; the rule writes
    // the kernel's 2 weights.
    private static readonly Dictionary<string, LayerActivity> OneImage = new()
    {
        ["conv"] = new LayerActivity(new WorkCounts(DenseMacs: 8 + 20, NeuronUpdates: 4, WeightUpdates: 2, NonZeroActivations: 4, LearningMacs: 20)),
    };

    private const double Pico = 1e-12, Nano = 1e-9;

    [Fact]
    public void An_unrolled_kernel_is_written_in_every_copy_and_the_learning_engine_does_the_update_arithmetic()
    {
        var m = Mapper.Map(TinyChip.Load(), Net);
        var conv = m.Find("conv")!;
        Assert.True(conv.UnrolledConvolution);
        Assert.Equal(8, conv.StoredConnections);

        var r = EnergyReport.Compute(m, OneImage, samples: 1);
        // Synaptic: the 8 forward MACs at input density 1 are 8 events x 2 pJ = 16 pJ; the 20 update MACs are the
        // learning engine's, not synaptic events.
        Assert.Equal(16 * Pico, r.SynapticJ, 1e-18);
        // Learning: 2 kernel weights x 4 copies = 8 writes x 5 pJ = 40 pJ.
        Assert.Equal(40 * Pico, r.LearningJ!.Value, 1e-18);
        // Neurons 4 x 10 = 40 pJ (no idle); routing: 4 graded events to the host, local: 4 x 3 = 12 pJ.
        Assert.Equal(40 * Pico, r.NeuronJ, 1e-18);
        Assert.Equal(12 * Pico, r.RoutingJ, 1e-18);
        // Time on the one core: synapses 8 x 1 ns + 8 writes x 4 ns = 40 ns; neurons 4 x 2 = 8 ns, sends 4 x 3 = 12 ns;
        // no hops; barrier 10 ns: 70 ns. Static 1 mW x 70 ns = 70 pJ. Total 16 + 40 + 40 + 12 + 70 = 178 pJ.
        Assert.Equal(70 * Nano, r.LatencyS, 1e-15);
        Assert.Equal(178 * Pico, r.TotalJ, 1e-17);
        Assert.True(r.IsTraining);
        Assert.Equal(2, r.NeuroBench.LearningSynapticUpdates, 12); // NeuroBench counts the rule's updates, not the chip's copies
    }

    [Fact]
    public void A_dense_chip_computes_the_update_and_writes_the_kernel_once()
    {
        string yaml = TinyChip.Yaml.Replace("execution: event-driven", "execution: dense").Replace("weight_sharing: false", "weight_sharing: true")
            .Replace("energy:\n", "energy:\n  dense_mac: 4 pJ\n").Replace("latency:\n", "latency:\n  dense_mac: 1 ns\n");
        var r = EnergyReport.Compute(Mapper.Map(TinyChip.Load(yaml), Net), OneImage, samples: 1);
        // Every MAC, the update's included: 28 x 4 pJ = 112 pJ; the shared kernel's 2 weights written once: 2 x 5 = 10 pJ.
        Assert.Equal(112 * Pico, r.SynapticJ, 1e-18);
        Assert.Equal(10 * Pico, r.LearningJ!.Value, 1e-18);
    }

    [Fact]
    public void The_table_gives_training_per_image_beside_inference_or_says_the_chip_cannot_learn()
    {
        var inference = new Dictionary<string, LayerActivity>
        {
            ["conv"] = new LayerActivity(new WorkCounts(DenseMacs: 8, NeuronUpdates: 4, NonZeroActivations: 4)),
        };
        var chip = TinyChip.Load();
        var m = Mapper.Map(chip, Net);
        var row = new HardwareResult("Tiny", "90.00 %", EnergyReport.Compute(m, inference, 1), Training: EnergyReport.Compute(m, OneImage, 1));
        string table = HardwareTable.Format([row]);
        Assert.Contains("training/img", table);
        Assert.Contains("178 pJ, 70 ns", table);

        var fixedChip = TinyChip.Load(TinyChip.Yaml.Replace("supported: true\n    kind: hebbian", "supported: false"));
        var fixedRow = new HardwareResult("Fixed", "90.00 %", EnergyReport.Compute(Mapper.Map(fixedChip, Net), inference, 1));
        Assert.EndsWith("not supported", HardwareTable.Format([fixedRow]).Split('\n')[2].TrimEnd());
    }
}
