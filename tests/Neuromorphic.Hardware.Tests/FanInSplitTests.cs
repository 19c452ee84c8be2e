using Neuromorphic.Engine;
using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Layers whose fan-in exceeds the per-core limit, split over cores (<c>core_limits.fan_in_split</c>).</summary>
public class FanInSplitTests
{
    private const double Pico = 1e-12, Nano = 1e-9;

    // Tiny (4 neurons, 48 bit, 4-bit weights per core; 2 x 2 mesh, core 0 (0,0), 1 (1,0), 2 (0,1), 3 (1,1)) with
    // a fan-in limit of 3 instead of 8.
    private static ChipModel Tiny(string split) =>
        TinyChip.Load(TinyChip.Yaml.Replace("  fan_in: 8\n", $"  fan_in: 3\n  fan_in_split: {split}\n"));

    // in:  4 neurons x fan-in 2 -> 8 bit each; 4 per core (neuron limit; memory would hold 6) -> core 0.
    // big: 2 neurons x fan-in 4 > 3 -> S = ceil(4 / 3) = 2 slices of 2 inputs; the root core takes 2 slice inputs
    //      + 1 partial sum per root <= 3 axons, so S = 2 stands.
    //      slice 0 (root): (2 + 1) x 4 bit = 12 bit per root; axons (3 - 2) / 1 = 1 root per core (memory would
    //        hold 4) -> cores 1 and 2, fan-in binds.
    //      slice 1: 2 x 4 = 8 bit per compartment, 4 per core -> both compartments on core 3.
    //      partial sums: neuron 0 core 3 (1,1) -> core 1 (1,0): 1 hop; neuron 1 core 3 -> core 2 (0,1): 1 hop.
    //      in -> big: core 0 to input cores 1, 2, 3: 1 + 1 + 2 = 4 hops over the pairs; a message goes to one slice
    //      (slice 0: cores 1, 2; slice 1: core 3), i.e. 3 / 2 = 1.5 cores and 4 / 2 = 2 hops per message.
    private static readonly LayerDescription[] Net =
    [
        LayerDescription.Dense("in", 4, 2, null),
        LayerDescription.Dense("big", 2, 4, "in"),
    ];

    // Two samples, one time step each (steps = 2).
    private static readonly Dictionary<string, LayerActivity> Activity = new()
    {
        ["in"] = new LayerActivity(new WorkCounts(SynapticAccumulates: 8, NeuronUpdates: 6, Spikes: 4, NonZeroActivations: 4)),
        ["big"] = new LayerActivity(new WorkCounts(SynapticAccumulates: 6, NeuronUpdates: 3, Spikes: 2, NonZeroActivations: 2)),
    };

    [Fact]
    public void Dendritic_split_is_mapped_as_computed_by_hand()
    {
        var m = Mapper.Map(Tiny("dendritic"), Net);
        Assert.Equal(4, m.CoresUsed);
        var big = m.Find("big")!;
        Assert.Equal([1, 2, 3], big.Cores);
        var s = big.Split!;
        Assert.Equal((FanInSplit.Dendritic, 2, 2L, 2), (s.Mode, s.Slices, s.SliceFanIn, s.CompartmentsPerNeuron));
        Assert.Equal([1, 2], s.SliceCores[0]);
        Assert.Equal([3], s.SliceCores[1]);
        Assert.Equal([1, 2], s.CombineCores);
        Assert.Equal([1, 2], big.OutputCores);
        Assert.Equal((1, ChipLimit.FanIn), (big.NeuronsPerCore, big.BindingLimit));
        Assert.Equal(12, big.SynapseBitsPerNeuron);
        Assert.Equal((2L, 2L, 1), (s.PartialMessagesPerStep, s.PartialHopsPerStep, s.MaxPartialHops));
        Assert.Equal(1.0, big.Usage[0].FanInFraction, 12);       // 2 + 1 of 3 axons
        Assert.Equal(0.25, big.Usage[0].MemoryFraction, 12);     // 12 of 48 bit
        Assert.Equal(2.0 / 3, big.Usage[2].FanInFraction, 12);   // slice 1: 2 of 3 axons
        Assert.Equal(0.5, big.Usage[2].NeuronFraction, 12);      // 2 compartments of 4
        var edge = Assert.Single(m.Edges);
        Assert.Equal((1, 3, 4L, 2, 2), (edge.ProducerCores, edge.ConsumerCores, edge.TotalHops, edge.MaxHops, edge.Slices));
        Assert.Equal(1.5, edge.DestinationsPerMessage, 12);
        Assert.Equal(2.0, edge.MeanHopsPerMessage, 12);
        Assert.Contains(m.Notes, n => n.StartsWith("big: fan-in 4 exceeds Tiny's 3 per core, so it is split into 2 slices", StringComparison.Ordinal));
        Assert.Contains("fan-in split (dendritic)", m.Describe());
    }

    [Fact]
    public void Dendritic_split_costs_as_computed_by_hand()
    {
        var r = EnergyReport.Compute(Mapper.Map(Tiny("dendritic"), Net), Activity, samples: 2);

        // in:  synaptic 8 x 2 = 16 pJ; neurons 6 x 10 + (4 x 2 - 6 = 2) x 1 = 62 pJ;
        //      routing 4 spikes x (1.5 cores x 3 pJ + 2 hops x 7 pJ) = 74 pJ.
        // big: partial sums: 2 per step x 2 steps = 4 messages, 2 hops per step x 2 = 4 hop-crossings.
        //      synaptic (6 + 4 partial sums accumulated) x 2 = 20 pJ;
        //      neurons: output 3 x 10 + (2 x 2 - 3 = 1) x 1 = 31 pJ, plus 1 extra compartment per neuron, active and
        //      idle like its neuron: another 31 pJ -> 62 pJ;
        //      routing: 2 spikes to the host, local only: 2 x 3 = 6 pJ; partial sums 4 x 3 + 4 x 7 = 40 pJ -> 46 pJ.
        // Per sample (/2): synaptic 18, neuron 62, routing 60 pJ; no learning.
        Assert.Equal(18 * Pico, r.SynapticJ, 1e-18);
        Assert.Equal(62 * Pico, r.NeuronJ, 1e-18);
        Assert.Equal(60 * Pico, r.RoutingJ, 1e-18);
        Assert.Equal(0, r.LearningJ!.Value);
        Assert.Equal(4, r.CoresUsed);

        // in on 1 core over 2 steps: compute 8 x 1 + 6 x 2 + 2 x 1 = 22 ns; injection 4 x 1.5 x 3 = 18 ns;
        //   hop fill 2 steps x 2 hops x 5 = 20; barrier 2 x 10 = 20 -> 80 ns, 40 per sample.
        // big on 3 cores, as long as its busiest core (activity uniform over the 2 neurons):
        //   root cores 1 and 2 (1 neuron each): half of slice 0's share (2 of 4 inputs) of 6 accumulates = 1.5 ns;
        //     half of the 4 partial sums added = 2 ns; half of the output neurons' 3 x 2 + 1 x 1 = 7 ns -> 3.5 ns;
        //     half of 2 spikes x 3 ns = 3 ns -> 10 ns each.
        //   slice 1 core 3 (both compartments): its 2 of 4 inputs: 3 ns; the extra compartments 3 x 2 + 1 x 1 = 7 ns;
        //     4 partial-sum messages x 3 = 12 ns -> 22 ns, the busiest (the old even spread said (10 + 10 + 22) / 3 = 14).
        //   22 + no hop fill (host) + combine stage 2 steps x 1 hop x 5 = 10 + barrier 20 -> 52 ns, 26 per sample.
        Assert.Equal(40 * Nano, r.Layers[0].BusyS, 1e-15);
        Assert.Equal(26 * Nano, r.Layers[1].BusyS, 1e-15);
        Assert.Equal(66 * Nano, r.LatencyS, 1e-15);
        Assert.Equal(1 / (40 * Nano), r.ThroughputPerS, 1);
        // static 1 mW x 40 ns = 40 pJ; total 18 + 62 + 60 + 40 = 180 pJ.
        Assert.Equal(40 * Pico, r.StaticJ, 1e-18);
        Assert.Equal(180 * Pico, r.TotalJ, 1e-17);

        // One engine block (1 step), busiest core: each root core 3/4 of an accumulate (half of slice 0's half of 3)
        // + 1 partial sum x 1 + 1 update x 2 + 1/2 spike x 3 = 5.25 ns; core 3: 1.5 accumulates + 2 compartment
        // updates x 2 + 2 partial sums sent x 3 = 11.5 ns, the busiest (even spread: 22/3); combine 1 x 5; barrier 10.
        var block = new ChipCostModel(Mapper.Map(Tiny("dendritic"), Net));
        Assert.Equal(11.5 + 15, block.LatencyNs("big", new WorkCounts(SynapticAccumulates: 3, NeuronUpdates: 2, Spikes: 1), 0), 9);
    }

    [Fact]
    public void Relay_split_adds_merge_neurons_on_their_own_cores()
    {
        // big alone: S = 2 slices of 2; slice 0 on core 0, slice 1 on core 1 (2 compartments x 8 bit each);
        // merge neurons sum 2 partials: 2 x 4 = 8 bit, 2 axons each, so 3 / 2 = 1 per core -> cores 2 and 3.
        // Partial sums: neuron 0 (merge on core 2): core 0 -> 2 is 1 hop, core 1 -> 2 is 2 hops;
        // neuron 1 (merge on core 3): core 0 -> 3 is 2 hops, core 1 -> 3 is 1 hop. 4 messages, 6 hops, farthest 2.
        var m = Mapper.Map(Tiny("relay"), [LayerDescription.Dense("big", 2, 4, null)]);
        var big = m.Find("big")!;
        var s = big.Split!;
        Assert.Equal([0, 1, 2, 3], big.Cores);
        Assert.Equal(3, s.CompartmentsPerNeuron);
        Assert.Equal([2, 3], s.CombineCores);
        Assert.Equal((1, ChipLimit.FanIn), (s.CombineNeuronsPerCore, s.CombineBindingLimit));
        Assert.Equal((4L, 6L, 2), (s.PartialMessagesPerStep, s.PartialHopsPerStep, s.MaxPartialHops));
        Assert.Equal(2.0 / 3, big.Usage[3].FanInFraction, 12);

        // A merge neuron would need ceil(10 / 3) = 4 partial sums > 3 axons: refused.
        var e = Assert.Throws<MappingException>(() => Mapper.Map(Tiny("relay"), [LayerDescription.Dense("huge", 1, 10, null)]));
        Assert.Equal(ChipLimit.FanIn, e.Limit);
        Assert.Contains("tree of combining stages", e.Message);
    }

    [Fact]
    public void Split_layer_that_runs_out_of_cores_says_how_much_fits()
    {
        // 8 roots at 1 per core (8 cores) + slice 1 with 4 per core (2 cores) = 10 cores > 4; 4 of 10 cores hold 3 neurons.
        var e = Assert.Throws<MappingException>(() => Mapper.Map(Tiny("dendritic"), [LayerDescription.Dense("big", 8, 4, null)]));
        Assert.True(e.OutOfCores);
        Assert.Equal((10.0, 4.0, ChipLimit.FanIn), (e.Required, e.Available, e.Limit));
        Assert.Contains("hold 3 of its 8 neurons", e.Message);
    }

    [Fact]
    public void Unknown_split_kind_is_a_located_error()
    {
        string y = TinyChip.Yaml.Replace("  fan_in: 8\n", "  fan_in: 8\n  fan_in_split: magic\n");
        var e = Assert.Throws<HardwareModelException>(() => ChipModelLoader.Parse(y, "bad.yaml"));
        Assert.Equal("core_limits.fan_in_split", e.Field);
        Assert.Equal(y.Split('\n').ToList().FindIndex(l => l.Contains("fan_in_split: magic")) + 1, e.Line);
        Assert.Contains("expected one of none, dendritic, relay", e.Message);
        Assert.Equal(FanInSplit.None, TinyChip.Load().Limits.FanInSplit);
    }

    [Fact]
    public void Shipped_chips_and_a_softhebb_cifar_readout()
    {
        var catalog = HardwareCatalog.LoadFolder(TinyChip.ModelsFolder());
        // SoftHebb CIFAR-10: last conv 384 -> 1536 channels, 3 x 3, on 8 x 8 (fan-in 3,456, 98,304 neurons), then a
        // read-out of 10 neurons x 24,576 inputs.
        var conv = LayerDescription.Conv("conv3", 1536, 8, 8, 384 * 9, null);
        var readout = LayerDescription.Dense("readout", 10, 24_576, "conv3");
        int? Cores(string chip, params LayerDescription[] net)
        {
            try { return Mapper.Map(catalog.Find(chip)!, net).CoresUsed; }
            catch (MappingException) { return null; }
        }

        // Read-out alone. Loihi: 6 slices of 4,096 leave no axon for partial sums on the root core, so S = 7 slices of
        // 3,511; roots (3,511 + 6) x 9 bit -> 33 per core, 1 core; 6 slice cores -> 7. Loihi 2 alike (8-bit) -> 7.
        // TrueNorth (relay, two typed axons per input): 49,152 axons in 192 slices of 256 -> 192 cores + merge neurons with
        // 192 partial-sum axons, 1 per core -> 10: 202.
        Assert.Equal(7, Cores("Loihi", readout with { Source = null }));
        Assert.Equal(7, Cores("Loihi 2", readout with { Source = null }));
        Assert.Equal(202, Cores("TrueNorth", readout with { Source = null }));
        Assert.Equal(2, Cores("SpiNNaker 2", readout with { Source = null }));        // 196,608 bit per neuron, 5 per core
        Assert.Equal(1, Cores("fp32 baseline (45 nm)", readout with { Source = null }));
        var loihi = Mapper.Map(catalog.Find("Loihi")!, [readout with { Source = null }]).Find("readout")!;
        Assert.Equal((7, 3511L, 60L), (loihi.Split!.Slices, loihi.Split.SliceFanIn, loihi.Split.PartialMessagesPerStep));

        // The whole pair: the conv layer alone is too big for Loihi (unrolled, 33 neurons per core -> 2,979 cores),
        // Loihi 2 (1,756) and TrueNorth (27 slices of 256 axons x 384 cores = 10,368 of its 4,096); not a fan-in problem.
        Assert.Null(Cores("Loihi", conv, readout));
        Assert.Null(Cores("Loihi 2", conv, readout));
        Assert.Null(Cores("TrueNorth", conv, readout));
        // SpiNNaker 2 shares kernels: 16 channels of 64 neurons per core -> 96 cores, + 2 for the read-out.
        Assert.Equal(98, Cores("SpiNNaker 2", conv, readout));
        Assert.Equal(2, Cores("fp32 baseline (45 nm)", conv, readout));
    }
}
