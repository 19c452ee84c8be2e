using Neuromorphic.Engine;
using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>A two-layer network on <see cref="TinyChip"/>, every figure worked out by hand below.</summary>
public class TinyNetworkTests
{
    // hidden: 6 neurons x fan-in 4, 4-bit weights -> 16 bit per neuron; 48 bit per core -> 3 neurons per core
    //         (neuron limit 4 is looser, so synapse memory binds) -> 2 cores: 0 and 1.
    // out:    2 neurons x fan-in 6 -> 24 bit per neuron -> 2 per core (memory binds) -> 1 core: core 2.
    // hops hidden -> out: core 0 -> 2 is 1 hop, core 1 -> 2 is 2 hops: total 3, farthest 2, 1.5 per message.
    private static readonly LayerDescription[] Net =
    [
        LayerDescription.Dense("hidden", 6, 4, "input"),
        LayerDescription.Dense("out", 2, 6, "hidden"),
    ];

    // Two samples, one time step each (steps = 2).
    private static readonly Dictionary<string, LayerActivity> Activity = new()
    {
        ["hidden"] = new LayerActivity(new WorkCounts(SynapticAccumulates: 20, NeuronUpdates: 10, WeightUpdates: 8, Spikes: 5, NonZeroActivations: 5)),
        ["out"] = new LayerActivity(new WorkCounts(DenseMacs: 24, NeuronUpdates: 4, NonZeroActivations: 3)),
    };

    private const double Pico = 1e-12, Nano = 1e-9;

    [Fact]
    public void A_chip_with_binary_spikes_says_what_its_figures_count_and_one_with_graded_spikes_does_not()
    {
        EnergyReport Report(string spikes) =>
            EnergyReport.Compute(Mapper.Map(TinyChip.Load(TinyChip.Yaml.Replace("message_bits: 32", $"message_bits: 32\n  spikes: {spikes}")), Net),
                Activity, samples: 2);
        var binary = Report("binary");
        Assert.True(binary.Notes.Count(n => n.StartsWith(EnergyReport.BinarySpikesPrefix, StringComparison.Ordinal)) == 1);
        Assert.Contains(binary.Caveats, n => n.Contains("rate-coded over T time steps"));
        var graded = Report("graded");
        Assert.DoesNotContain(graded.Notes, n => n.StartsWith(EnergyReport.BinarySpikesPrefix, StringComparison.Ordinal));
        Assert.Equal(graded.TotalJ, binary.TotalJ); // a note, not another cost
    }

    [Fact]
    public void Mapping_is_as_computed_by_hand()
    {
        var m = Mapper.Map(TinyChip.Load(), Net);
        Assert.Equal(3, m.CoresUsed);
        var hidden = m.Find("hidden")!;
        Assert.Equal([0, 1], hidden.Cores);
        Assert.Equal(3, hidden.NeuronsPerCore);
        Assert.Equal(ChipLimit.SynapseMemory, hidden.BindingLimit);
        Assert.Equal(16, hidden.SynapseBitsPerNeuron);
        Assert.Equal(0.75, hidden.Usage[0].NeuronFraction, 12); // 3 of 4 neurons
        Assert.Equal(1.0, hidden.Usage[0].MemoryFraction, 12);  // 48 of 48 bits
        Assert.Equal(0.5, hidden.Usage[0].FanInFraction, 12);   // 4 of 8 inputs
        var o = m.Find("out")!;
        Assert.Equal([2], o.Cores);
        Assert.Equal(2, o.NeuronsPerCore);
        var edge = Assert.Single(m.Edges);
        Assert.Equal(("hidden", "out", 3L, 2), (edge.From, edge.To, edge.TotalHops, edge.MaxHops));
        Assert.Equal(1.5, edge.MeanHopsPerMessage, 12);
        Assert.Contains("needs 2 cores", m.Describe());
    }

    [Fact]
    public void Energy_latency_and_metrics_are_as_computed_by_hand()
    {
        var r = EnergyReport.Compute(Mapper.Map(TinyChip.Load(), Net), Activity, samples: 2);

        // hidden: synaptic 20 x 2 = 40 pJ; neurons 10 x 10 + idle (6 x 2 - 10 = 2) x 1 = 102 pJ;
        //         routing 5 spikes x (1 destination core x 3 pJ + 1.5 hops x 7 pJ) = 67.5 pJ; learning 8 x 5 = 40 pJ.
        // out:    input density = 5 non-zero / (6 neurons x 2 steps) = 5/12, so 24 MACs become 10 events:
        //         synaptic 10 x 2 = 20 pJ; neurons 4 x 10 = 40 pJ (no idle: 2 x 2 - 4 = 0);
        //         routing: 3 graded events to the host, local only: 3 x 3 = 9 pJ.
        // Per sample (/2): synaptic 30, neuron 71, routing 38.25, learning 20 pJ.
        Assert.Equal(30 * Pico, r.SynapticJ, 1e-18);
        Assert.Equal(71 * Pico, r.NeuronJ, 1e-18);
        Assert.Equal(38.25 * Pico, r.RoutingJ, 1e-18);
        Assert.Equal(20 * Pico, r.LearningJ!.Value, 1e-18);
        Assert.Equal(0, r.MemoryJ);

        // hidden busy over 2 steps on 2 cores: compute 20x1 + 10x2 + 2x1 + 8x4 = 74 ns; injection 5 x 1 x 3 = 15 ns;
        //   (74 + 15) / 2 = 44.5; hop fill 2 steps x 2 hops x 5 ns = 20; barrier 2 x 10 = 20 -> 84.5 ns, 42.25 per sample.
        // out on 1 core: compute 10x1 + 4x2 = 18; injection 3 x 3 = 9; no hops; barrier 20 -> 47 ns, 23.5 per sample.
        Assert.Equal(42.25 * Nano, r.Layers[0].BusyS, 1e-15);
        Assert.Equal(23.5 * Nano, r.Layers[1].BusyS, 1e-15);
        Assert.Equal(65.75 * Nano, r.LatencyS, 1e-15);          // critical path hidden -> out
        Assert.Equal(1 / (42.25 * Nano), r.ThroughputPerS, 1);  // slowest stage
        // static: 1 mW x 42.25 ns = 42.25 pJ; total 30 + 71 + 38.25 + 20 + 42.25 = 201.5 pJ.
        Assert.Equal(42.25 * Pico, r.StaticJ, 1e-18);
        Assert.Equal(201.5 * Pico, r.TotalJ, 1e-17);
        Assert.True(r.IsTraining);

        // NeuroBench: footprint (24 + 12 weights) x 4 bit = 144 bit = 18 B; activation sparsity 1 - 8/16;
        // dense ops 24 + 12 per sample; effective MACs 24 x 5/12 / 2 = 5; ACs 20 / 2 = 10; 8 / 2 = 4 updates.
        var nb = r.NeuroBench;
        Assert.Equal(18, nb.FootprintBytes);
        Assert.Equal(0.5, nb.ActivationSparsity, 12);
        Assert.Equal(0, nb.ConnectionSparsity);
        Assert.Equal(36, nb.DenseSynapticOps, 12);
        Assert.Equal(5, nb.EffectiveMacs, 12);
        Assert.Equal(10, nb.EffectiveAcs, 12);
        Assert.Equal(4, nb.LearningSynapticUpdates, 12);
    }

    [Fact]
    public void An_unrolled_convolution_whose_cores_take_every_input_beyond_the_axons_is_noted()
    {
        // a: 10 outputs, 1 input each (4 bit a neuron, 4 a core): cores 0..2. c: 1 channel of 2 x 2 positions, kernel of
        // 2 (8 bit a neuron): its 4 neurons on core 3, a whole plane, so core 3 takes all 10 of a's outputs: 10 axons > 8.
        LayerDescription[] net = [LayerDescription.Dense("a", 10, 1, "input"), LayerDescription.Conv("c", 1, 2, 2, 2, "a")];
        var m = Mapper.Map(TinyChip.Load(), net);
        Assert.Equal([3], m.Find("c")!.Cores);
        string note = Assert.Single(m.Notes, n => n.StartsWith("placement: c's unrolled neurons"));
        Assert.Contains("planes of 4 positions", note);
        Assert.Contains("every one of a's 10 outputs: 10 input axons per core against Tiny's 8", note);

        // 8 outputs fit the 8 axons: no note.
        var fits = Mapper.Map(TinyChip.Load(), [LayerDescription.Dense("a", 8, 1, "input"), LayerDescription.Conv("c", 1, 2, 2, 2, "a")]);
        Assert.DoesNotContain(fits.Notes, n => n.Contains("input axons per core"));
    }

    [Fact]
    public void Block_latency_follows_the_same_rules()
    {
        var model = new ChipCostModel(Mapper.Map(TinyChip.Load(), Net),
            new CostOptions { InputDensity = new Dictionary<string, double> { ["out"] = 0.5 } });
        // out, one step: 12 MACs x density 0.5 = 6 events x 1 ns + 2 updates x 2 ns = 10; 2 events x 3 ns = 6;
        // barrier 10 -> 26 ns.
        Assert.Equal(26, model.LatencyNs("out", new WorkCounts(DenseMacs: 12, NeuronUpdates: 2, NonZeroActivations: 2), 8), 9);
        Assert.Equal(0, model.LatencyNs("input", new WorkCounts(DenseMacs: 1000), 100)); // not on the chip
    }

    [Fact]
    public void Chip_without_learning_reports_training_as_not_supported()
    {
        var chip = TinyChip.Load(TinyChip.Yaml.Replace("supported: true\n    kind: hebbian", "supported: false"));
        Assert.False(chip.Limits.LearningSupported);
        var r = EnergyReport.Compute(Mapper.Map(chip, Net), Activity, samples: 2);
        Assert.Null(r.LearningJ);
        Assert.Contains(r.Notes, n => n.Contains("no on-chip learning"));
        // The 8 weight updates no longer take 8 x 4 = 32 ns of hidden's compute: (42 + 15) / 2 + 20 + 20 = 68.5 ns,
        // 34.25 per sample, still the slowest stage -> static 34.25 pJ; total 30 + 71 + 38.25 + 34.25 = 173.5 pJ.
        Assert.Equal(34.25 * Pico, r.StaticJ, 1e-18);
        Assert.Equal(173.5 * Pico, r.TotalJ, 1e-17);
        Assert.Contains("not supported", HardwareTable.Format([new HardwareResult("Tiny", "-", r)]));
    }

    [Fact]
    public void Dense_chip_pays_every_mac()
    {
        string yaml = TinyChip.Yaml.Replace("execution: event-driven", "execution: dense")
            .Replace("energy:\n", "energy:\n  dense_mac: 4 pJ\n").Replace("latency:\n", "latency:\n  dense_mac: 1 ns\n");
        var r = EnergyReport.Compute(Mapper.Map(TinyChip.Load(yaml), Net), Activity, samples: 2);
        // hidden: 20 ACs x 2 pJ = 40; out: all 24 MACs x 4 pJ = 96 (sparsity does not help) -> 136 / 2 = 68 pJ.
        Assert.Equal(68 * Pico, r.SynapticJ, 1e-18);
    }

    [Fact]
    public void Table_shows_breakdown_and_failures()
    {
        var r = EnergyReport.Compute(Mapper.Map(TinyChip.Load(), Net), Activity, samples: 2);
        string table = HardwareTable.Format([new HardwareResult("Tiny", "91.0 %", r), new HardwareResult("Other", "-", null, "needs 9 cores")]);
        Assert.Contains("201.5 pJ", table);
        Assert.Contains("91.0 %", table);
        Assert.Contains("does not fit", table);
        Assert.Contains("Other: needs 9 cores", table);
    }
}
