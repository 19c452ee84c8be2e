using Neuromorphic.Engine;
using Neuromorphic.Hardware;
using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Splitter neurons on a chip whose neuron reaches one axon: a TrueNorth-like chip small enough to count every
/// copy, core, event, message and hop by hand.</summary>
public class SplitterTests
{
    // Tiny with TrueNorth's wiring: 8 cores on a 4 x 2 mesh, one per router, numbered row by row:
    //   core 0 (0,0)  core 1 (1,0)  core 2 (2,0)  core 3 (3,0)
    //   core 4 (0,1)  core 5 (1,1)  core 6 (2,1)  core 7 (3,1)
    // 8 neurons, 8 axons and 32 crossbar bits per core, typed axons (two per input); no static power, a 1 ms tick.
    private static ChipModel North() => TinyChip.Load(TinyChip.Yaml
        .Replace("static_power: 1 mW", "static_power: 0 W")
        .Replace("count: 4", "count: 8").Replace("mesh_width: 2", "mesh_width: 4")
        .Replace("neurons: 4", "neurons: 8").Replace("synapse_memory: 48 bit", "synapse_memory: 32 bit")
        .Replace("weight_bits: 4", "weight_bits: 1\n  axon_types:\n    types: 4\n    weight_bits: 9")
        .Replace("sync: barrier\n  barrier: 10 ns", "sync: tick\n  tick: 1 ms"));

    // a: 3 neurons x fan-in 2 -> 4 axons, 4 bit per neuron: core 0.
    // b: 6 neurons x fan-in 3 -> 6 axons, 6 bit per neuron: 32 / 6 = 5 per core (memory binds) -> 2 cores.
    // Each of a's 3 outputs is needed on 2 axons on each of b's 2 cores: 4 copies. A splitter core has 8 neurons, so it
    // copies 2 outputs (outputs 0, 1 on the first, output 2 on the second): 12 splitter neurons on 2 cores, placed right
    // after a (cores 1, 2); b moves to cores 3, 4. 5 cores in all.
    private static readonly LayerDescription[] Net =
    [
        LayerDescription.Dense("a", 3, 2, null),
        LayerDescription.Dense("b", 6, 3, "a"),
    ];

    // One sample, one time step: a sends 2 of its 3 outputs, b 4 to the host.
    private static readonly Dictionary<string, LayerActivity> Activity = new()
    {
        ["a"] = new LayerActivity(new WorkCounts(DenseMacs: 6, NeuronUpdates: 3, NonZeroActivations: 2)),
        ["b"] = new LayerActivity(new WorkCounts(DenseMacs: 18, NeuronUpdates: 6, NonZeroActivations: 4)),
    };

    private const double Pico = 1e-12;

    [Fact]
    public void Splitter_cores_and_hops_are_as_counted_by_hand()
    {
        var m = Mapper.Map(North(), Net);
        Assert.Equal(5, m.CoresUsed);
        var a = m.Find("a")!;
        Assert.Equal([0], a.Cores);
        var s = a.Splitters!;
        Assert.Equal((3, 12L, 4, 8), (s.Outputs, s.Neurons, s.MaxCopies, s.MaxNeuronsPerCore));
        Assert.Equal([1, 2], s.Cores);
        Assert.Equal(4.0, s.CopiesPerOutput, 12);
        // In: outputs 0 and 1 go from core 0 to core 1 (1 hop each), output 2 to core 2 (2 hops): 4 / 3, farthest 2.
        Assert.Equal(4.0 / 3, s.MeanHopsIn, 12);
        Assert.Equal(2, s.MaxHopsIn);
        // Out: from core 1, 2 copies to core 3 (2 hops each) and 2 to core 4 (1 + 1 hops each): 8 hops; from core 2,
        // 2 x 1 hop to core 3 and 2 x 3 hops to core 4: 8 hops. 24 / 3 outputs = 8, farthest 3 (core 2 -> core 4).
        Assert.Equal(8.0, s.MeanHopsOut, 12);
        Assert.Equal(3, s.MaxHopsOut);
        Assert.Equal([3, 4], m.Find("b")!.Cores);
        Assert.Null(m.Find("b")!.Splitters); // its outputs leave the chip for the host
        Assert.Contains(m.Notes, n => n.StartsWith("a: ", StringComparison.Ordinal) && n.Contains("12 splitter neurons on 2 splitter cores (1..2)"));
        Assert.DoesNotContain(m.Notes, n => n.Contains("fan-out"));
        Assert.Contains("splitters: 12 neurons on cores 1..2", m.Describe());
    }

    [Fact]
    public void Splitter_energy_and_latency_are_as_computed_by_hand()
    {
        var r = EnergyReport.Compute(Mapper.Map(North(), Net), Activity, samples: 1);

        // a: input density 1 (from the host): 6 synaptic events; its 2 messages are copied 4 times each: 8 events.
        //    synaptic (6 + 8) x 2 pJ = 28 pJ.
        //    neurons: 3 updates + 8 splitter updates active, x 10 pJ = 110 pJ; idle: the 12 - 8 = 4 splitter neurons
        //    that did not fire, x 1 pJ = 4 pJ; 114 pJ.
        //    routing: 2 messages x (1 send x 3 pJ + 4/3 hops x 7 pJ) = 24.667 pJ to the splitter cores; 8 copies x 3 pJ
        //    + 2 x 8 hops x 7 pJ = 24 + 112 = 136 pJ after them; 160.667 pJ.
        // b: density 2 / 3, so 18 x 2/3 = 12 events = 24 pJ; neurons 6 x 10 = 60 pJ; 4 messages to the host x 3 pJ = 12 pJ.
        var la = r.Layers[0];
        Assert.Equal(28 * Pico, la.SynapticJ, 1e-18);
        Assert.Equal(114 * Pico, la.NeuronJ, 1e-18);
        Assert.Equal((2 * (3 + 4.0 / 3 * 7) + 24 + 112) * Pico, la.RoutingJ, 1e-18);
        Assert.Equal(14, la.SynapticAcs, 12);
        Assert.Equal(24 * Pico, r.Layers[1].SynapticJ, 1e-18);
        Assert.Equal(60 * Pico, r.Layers[1].NeuronJ, 1e-18);
        Assert.Equal(12 * Pico, r.Layers[1].RoutingJ, 1e-18);
        // Total 28 + 114 + 160.667 + 24 + 60 + 12 = 398.667 pJ (no static power).
        Assert.Equal(1196.0 / 3 * Pico, r.TotalJ, 1e-18);
        Assert.Equal(5, r.CoresUsed);

        // Each stage waits for the 1 ms tick: a, then a's splitters, then b: 3 ms; one stage per tick: 1,000 /s.
        Assert.Equal(3e-3, r.LatencyS, 12);
        Assert.Equal(1000, r.ThroughputPerS, 9);

        // The splitters' share: 8 events x (2 + 10 + 3 pJ) + 4 idle x 1 pJ + 16 hops x 7 pJ = 120 + 4 + 112 = 236 pJ,
        // 236 / 398.667 = 59.2 % of the total.
        string note = Assert.Single(r.Caveats);
        Assert.StartsWith(EnergyReport.SplittersPrefix + "12 neurons on 2 of the 5 cores", note);
        Assert.Contains("236 pJ per inference, 59.2 % of the total", note);
    }

    [Fact]
    public void Outputs_that_leave_the_chip_need_no_splitter()
    {
        // One layer: its outputs go to the host, which takes each once. 3 neurons on core 0; 2 events x 2 pJ, 3 updates
        // x 10 pJ, 2 messages x 3 pJ (one local send, no hop): 4 + 30 + 6 = 40 pJ, one tick.
        var m = Mapper.Map(North(), [Net[0]]);
        Assert.Equal(1, m.CoresUsed);
        Assert.Null(m.Find("a")!.Splitters);
        var r = EnergyReport.Compute(m, new Dictionary<string, LayerActivity> { ["a"] = new(new WorkCounts(DenseMacs: 2, NeuronUpdates: 3, NonZeroActivations: 2)) },
            samples: 1);
        Assert.Equal(40 * Pico, r.TotalJ, 1e-18);
        Assert.Equal(1e-3, r.LatencyS, 12);
        Assert.Empty(r.Caveats);
        Assert.DoesNotContain(m.Notes, n => n.Contains("splitter"));

        // Without typed axons a neuron reaches every core it addresses: the same two layers take their own cores, no more.
        var plain = Mapper.Map(TinyChip.Load(TinyChip.Yaml.Replace("count: 4", "count: 8").Replace("mesh_width: 2", "mesh_width: 4")
            .Replace("neurons: 4", "neurons: 8").Replace("synapse_memory: 48 bit", "synapse_memory: 32 bit").Replace("weight_bits: 4", "weight_bits: 1")), Net);
        Assert.Equal(2, plain.CoresUsed); // a: 2 bit per neuron, 1 core; b: 3 bit per neuron, 8 per core, 1 core
        Assert.All(plain.Placements, p => Assert.Null(p.Splitters));
    }

    [Fact]
    public void More_copies_than_a_splitter_core_has_neurons_fails()
    {
        // b: 33 neurons x fan-in 1 -> 2 axons, 2 bit each: 8 per core (the neuron limit) -> 5 cores. a's one output is
        // needed on 2 axons on each of them: 10 copies, but a splitter core has 8 neurons.
        var e = Assert.Throws<MappingException>(() => Mapper.Map(North(),
            [LayerDescription.Dense("a", 1, 1, null), LayerDescription.Dense("b", 33, 1, "a")]));
        Assert.Equal(("a", ChipLimit.Neurons, 10.0, 8.0), (e.Layer, e.Limit, e.Required, e.Available));
        Assert.False(e.OutOfCores);
        foreach (string part in new[] { "output 0 is needed on 10 axons (10 on b's cores", "2 copies short",
                                        "A tree of splitter cores is not modelled", "at most 4 consumer cores" })
            Assert.Contains(part, e.Message);
    }

    [Fact]
    public void Splitter_cores_beyond_the_chip_fail()
    {
        // a: 16 neurons x fan-in 1 -> 8 per core, 2 cores. b: a 1 x 4 x 4 convolution, kernel fan-in 2 -> 4 axons, 4 bit
        // per neuron: 8 per core, 2 cores. Each of a's 16 outputs: 2 axons on each of b's 2 cores = 4 copies, 2 outputs
        // per splitter core: 8 splitter cores. 2 + 8 + 2 = 12 of 8: a's splitters run out (2 + 8 = 10 > 8).
        var e = Assert.Throws<MappingException>(() => Mapper.Map(North(),
            [LayerDescription.Dense("a", 16, 1, null), LayerDescription.Conv("b", 1, 4, 4, 2, "a")]));
        Assert.True(e.OutOfCores);
        Assert.Equal(("a", 12.0, 8.0), (e.Layer, e.Required, e.Available));
        Assert.StartsWith("the splitter neurons do not fit: a neuron's spike reaches one axon on Tiny", e.Message);
        Assert.Contains("The layers take 4 cores and their splitters 8 more (a 2 + 8 splitter cores (16 outputs, 64 copies, at most 4 of one output); b 2)", e.Message);
        Assert.Contains("4 cores short (at least as many cores as 2 such chips have; a board file, as in hardware-models/boards/, joins several). " +
                        "It runs out at the splitter cores of a.", e.Message);
    }

    [Fact]
    public void The_core_by_core_path_builds_splitters_and_takes_the_axon_limit_from_fan_in()
    {
        string note = ChipModelArchitecture.Unmodelled(North())!;
        Assert.Contains("a network converted here (--softhebb, --nir) gets Tiny's splitter neurons, which copy each output needed on several cores " +
            "or with both weight signs", note);
        Assert.Contains("a --snn network runs as written", note);
        Assert.Contains("its synapses forced to each neuron's value per typed axon (--softhebb's with BatchNorm and the inhibition folded in", note);
        Assert.DoesNotContain("not counted", note);
        Assert.Contains("whose inputs the mapper splits over cores relay their partial sums as spikes", note);
        Assert.Equal(North().Limits.FanIn, ChipModelArchitecture.From(North()).AxonsPerCore);
        Assert.Null(ChipModelArchitecture.Unmodelled(TinyChip.Load()));
        Assert.Equal(new SplitterLimits(8, 8), ChipModelArchitecture.From(North()).Splitters);
        Assert.Null(ChipModelArchitecture.From(TinyChip.Load()).Splitters);
    }
}
