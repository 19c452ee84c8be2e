using Neuromorphic.Engine;
using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>docs/chip-energy-worked-example.md: the demo's network and the counts its run reported, written here as
/// the document writes them (not recomputed from the cost model's formulas), costed on the shipped Loihi and fp32
/// baseline files. Each figure below is one the document prints; when the cost model or a chip file changes, this
/// test fails and the document needs its arithmetic redone.</summary>
public class WorkedExampleTests
{
    private static readonly HardwareCatalog Catalog = HardwareCatalog.LoadFolder(TinyChip.ModelsFolder());

    private const long Samples = 1000;

    // The document's table "The network": mnist-small as ChipSimulation.Describe gives it, each convolution with its
    // shape (input channels x height x width, kernel, stride, padding, output channels, pooled planes).
    private static readonly LayerDescription[] Network =
    [
        LayerDescription.Conv("hebb0", 32, 28, 28, 25, null) with { PooledOutputs = 6272, Geometry = new ConvGeometry(1, 28, 28, 5, 1, 2, 32, 14, 14) },
        LayerDescription.Conv("hebb1", 128, 14, 14, 288, "hebb0") with { PooledOutputs = 6272, Geometry = new ConvGeometry(32, 14, 14, 3, 1, 1, 128, 7, 7) },
        LayerDescription.Dense("readout", 10, 6272, "hebb1"),
    ];

    // The document's table "The counts": totals over the 1,000 test images. Dense MACs, neuron updates and bytes out
    // are fixed by the shapes; the non-zero counts are the run's (they depend on the chip's weight precision).
    private static Dictionary<string, LayerActivity> Counts(long nonZero0, long nonZero1) => new()
    {
        ["hebb0"] = new(new WorkCounts(DenseMacs: 627_200_000, NeuronUpdates: 25_088_000, NonZeroActivations: nonZero0), BytesOut: 25_096_000),
        ["hebb1"] = new(new WorkCounts(DenseMacs: 7_225_344_000, NeuronUpdates: 25_088_000, NonZeroActivations: nonZero1), BytesOut: 25_096_000),
        ["readout"] = new(new WorkCounts(DenseMacs: 62_720_000, NeuronUpdates: 10_000, NonZeroActivations: nonZero1), BytesOut: 48_000),
    };

    // The document's first-layer input density: the pixels that are not zero, 142,391 of the shipped sample's 1,000 test
    // images' 784,000 (14,626 of the first 100 training images' 78,400), as ChipSimulation.PixelCosts counts them.
    private static CostOptions Pixels(double nonZero, double pixels) =>
        new() { InputDensity = new Dictionary<string, double> { ["hebb0"] = nonZero / pixels } };

    private static EnergyReport Cost(string chip, long nonZero0, long nonZero1)
    {
        var c = Catalog.Find(chip) ?? throw new InvalidOperationException(chip + " missing");
        return EnergyReport.Compute(Mapper.Map(c, Network), Counts(nonZero0, nonZero1), Samples, Pixels(142_391, 784_000));
    }

    /// <summary>The value as the demo's table prints it (Units.Format: three decimals after an SI prefix).</summary>
    private static void Printed(string expected, double value, string unit) => Assert.Equal(expected, Units.Format(value, unit));

    /// <summary>A per-layer figure the document gives to <paramref name="decimals"/> decimals of <paramref name="scale"/>.</summary>
    private static void Near(double expected, double value, double scale, int decimals) =>
        Assert.Equal(expected, Math.Round(value / scale, decimals), 9);

    private const double Micro = 1e-6, Nano = 1e-9;

    [Fact]
    public void Loihi_mapping_is_the_documents()
    {
        var m = Mapper.Map(Catalog.Find("Loihi")!, Network);
        Assert.Equal(94, m.CoresUsed);
        var (h0, h1) = (m.Find("hebb0")!, m.Find("hebb1")!);
        Assert.Equal((28, 896), (h0.Cores.Count, h0.NeuronsPerCore));
        Assert.Equal((64, 392), (h1.Cores.Count, h1.NeuronsPerCore));
        Assert.Equal(2, m.Find("readout")!.Split!.Slices);

        // The tiles: hebb0 32 channels x 4x7 positions, reading at most 8 x 11 inputs; hebb1 8 channels x 7x7, reading
        // at most 8 x 8 positions x 32 channels = 2,048 of Loihi's 4,096 axons, each input read by 16 x (16/14)^2 cores.
        Assert.Equal((32, 4, 7, 28), (h0.Tiles!.ChannelsPerCore, h0.Tiles.TileHeight, h0.Tiles.TileWidth, h0.Tiles.CoresPerSlice));
        Assert.Equal((8, 7, 7, 64), (h1.Tiles!.ChannelsPerCore, h1.Tiles.TileHeight, h1.Tiles.TileWidth, h1.Tiles.CoresPerSlice));
        Assert.Equal(88, h0.Usage.Max(u => u.FanInFraction) * 4096, 9);
        Assert.Equal(2048, h1.Usage.Max(u => u.FanInFraction) * 4096, 9);
        Assert.Equal(20.898, Math.Round(h1.Tiles.MeanReaders, 3), 9);
        Assert.DoesNotContain(m.Notes, n => n.StartsWith(EnergyReport.PlacementPrefix, StringComparison.Ordinal));

        // hebb0 -> hebb1, output by output: 131,072 deliveries and 499,712 hops for the 6,272 outputs.
        var e01 = m.EdgesFrom("hebb0").Single();
        Assert.Equal((6272L, 131_072L, 499_712L, 8), (e01.Messages, e01.Deliveries, e01.TotalHops, e01.MaxHops));
        Assert.Equal((20.898, 79.673), (Math.Round(e01.DestinationsPerMessage, 3), Math.Round(e01.MeanHopsPerMessage, 3)));
        var e12 = m.EdgesFrom("hebb1").Single();
        Assert.Equal((1.0, 528L, 4.125, 8), (e12.DestinationsPerMessage, e12.TotalHops, e12.MeanHopsPerMessage, e12.MaxHops));
    }

    [Fact]
    public void TrueNorth_mapping_is_the_documents()
    {
        var m = Mapper.Map(Catalog.Find("TrueNorth")!, Network);
        Assert.Equal(1246, m.CoresUsed);
        var (h0, h1, ro) = (m.Find("hebb0")!, m.Find("hebb1")!, m.Find("readout")!);
        Assert.Equal((32, 2, 4, 98), (h0.Tiles!.ChannelsPerCore, h0.Tiles.TileHeight, h0.Tiles.TileWidth, h0.Cores.Count));
        Assert.Equal((4, 8, 128, 1, 2, 98), (h1.Tiles!.Slices, h1.Tiles.InputChannelsPerSlice, h1.Tiles.ChannelsPerCore,
            h1.Tiles.TileHeight, h1.Tiles.TileWidth, h1.Tiles.CoresPerSlice));
        Assert.Equal((784, 392), (h1.Cores.Count, h1.Split!.CombineCores.Count));
        // Tile by tile: a tile's core of each slice, then the 4 merge cores of its 256 neurons.
        Assert.Equal([362, 363, 364, 365], h1.Split.SliceCores.Select(c => c[0]));
        Assert.Equal([366, 367, 368, 369], h1.Split.CombineCores.Take(4));
        Assert.Equal((100_352L, 739_328L), (h1.Split.PartialMessagesPerStep, h1.Split.PartialHopsPerStep));
        Assert.Equal((51, 49), (ro.Cores.Count, ro.Split!.Slices));
        Assert.Equal((66_560L, 264, 12), (h0.Splitters!.Neurons, h0.Splitters.Cores.Count, h0.Splitters.MaxCopies));
        Assert.Equal(10.61, Math.Round(h0.Splitters.CopiesPerOutput, 2));
        Assert.Equal((12_544L, 49, 2), (h1.Splitters!.Neurons, h1.Splitters.Cores.Count, h1.Splitters.MaxCopies));
    }

    [Fact]
    public void Loihi_energy_is_the_documents()
    {
        var r = Cost("Loihi", nonZero0: 3_712_030, nonZero1: 4_227_657);
        var (h0, h1, ro) = (r.Layers[0], r.Layers[1], r.Layers[2]);

        // Input densities and synaptic operations per image.
        Near(0.181621, h0.InputDensity, 1, 6);
        Near(0.591842, h1.InputDensity, 1, 6);
        Near(0.674052, ro.InputDensity, 1, 6);
        Near(113_912.8, h0.SynapticAcs, 1, 1);
        Near(4_276_258.56, h1.SynapticAcs, 1, 2);
        Near(42_286.57, ro.SynapticAcs, 1, 2);

        // Synaptic: ops x 23.6 pJ.
        Near(2.688342, h0.SynapticJ, Micro, 6);
        Near(100.919702, h1.SynapticJ, Micro, 6);
        Near(0.997963, ro.SynapticJ, Micro, 6);
        Printed("104.606 µJ", r.SynapticJ, "J");
        // Neuron: updates x 81 pJ, none idle.
        Near(2.032128, h0.NeuronJ, Micro, 6);
        Near(1.62, ro.NeuronJ, Nano, 2);
        Printed("4.066 µJ", r.NeuronJ, "J");
        // Routing: messages x (destinations x 1.7 pJ + hops x 3.5 pJ).
        Near(1.167002, h0.RoutingJ, Micro, 6);
        Near(68.224, h1.RoutingJ, Nano, 3);
        Near(7.204, ro.RoutingJ, Nano, 3);
        Printed("1.242 µJ", r.RoutingJ, "J");
        Printed("0 J", r.LearningJ!.Value, "J");
        Printed("0 J", r.MemoryJ, "J");

        // Time: busiest core + farthest hop + barrier, per image.
        Near(28.090939, h0.BusyS, Micro, 6);
        Near(237.79681, h1.BusyS, Micro, 6);
        Near(83.446077, ro.BusyS, Micro, 6);
        Printed("349.334 µs", r.LatencyS, "s");
        Assert.Equal(4205.271, Math.Round(r.ThroughputPerS, 3), 9);
        // Static: 104 mW x 237.797 µs.
        Printed("24.731 µJ", r.StaticJ, "J");
        Printed("134.645 µJ", r.TotalJ, "J");
    }

    [Fact]
    public void Loihi_training_per_image_is_the_documents()
    {
        // The document's section "Training on Loihi": the Hebbian layers alone, 100 images learnt one at a time.
        var hebbian = Network[..2];
        const long images = 100;
        var counts = new Dictionary<string, LayerActivity>
        {
            ["hebb0"] = new(new WorkCounts(DenseMacs: images * (627_200 + 654_688), NeuronUpdates: images * 25_088, WeightUpdates: images * 800,
                NonZeroActivations: 358_575, LearningMacs: images * 654_688)),
            ["hebb1"] = new(new WorkCounts(DenseMacs: images * (7_225_344 + 7_361_024), NeuronUpdates: images * 25_088, WeightUpdates: images * 36_864,
                NonZeroActivations: 424_297, LearningMacs: images * 7_361_024)),
        };
        var m = Mapper.Map(Catalog.Find("Loihi")!, hebbian);
        Assert.Equal(92, m.CoresUsed);
        var r = EnergyReport.Compute(m, counts, images, Pixels(14_626, 78_400));
        Near(2.761389, r.Layers[0].SynapticJ, Micro, 6);
        Near(97.486502, r.Layers[1].SynapticJ, Micro, 6);
        Printed("4.064 µJ", r.NeuronJ, "J");
        Near(1.127301, r.Layers[0].RoutingJ, Micro, 6);
        Near(7.213, r.Layers[1].RoutingJ, Nano, 3);
        Near(942.30528, r.LearningJ!.Value, Micro, 5);
        Near(164.920, r.Layers[0].BusyS, Micro, 3);
        Near(918.465, r.Layers[1].BusyS, Micro, 3);
        Printed("1.083 ms", r.LatencyS, "s");
        Near(95.52, r.StaticJ, Micro, 3);
        Printed("1.143 mJ", r.TotalJ, "J");
    }

    [Fact]
    public void Fp32_baseline_energy_is_the_documents()
    {
        var r = Cost("fp32 baseline (45 nm)", nonZero0: 3_711_082, nonZero1: 4_227_422);
        Assert.Equal(3, r.CoresUsed);
        var (h0, h1, ro) = (r.Layers[0], r.Layers[1], r.Layers[2]);

        // Synaptic: every MAC x 4.6 pJ; memory: every MAC x 5 pJ (SRAM), nothing from DRAM.
        Assert.Equal([627_200.0, 7_225_344, 62_720], r.Layers.Select(l => l.SynapticMacs));
        Near(2.88512, h0.SynapticJ, Micro, 5);
        Near(33.236582, h1.SynapticJ, Micro, 6);
        Near(288.512, ro.SynapticJ, Nano, 3);
        Printed("36.41 µJ", r.SynapticJ, "J");
        Near(36.12672, h1.MemoryJ, Micro, 5);
        Printed("39.576 µJ", r.MemoryJ, "J");
        // Neuron: 50,186 updates x 4.6 pJ.
        Printed("230.856 nJ", r.NeuronJ, "J");
        // Routing: ceil(bytes x 8 / 32) words x (5 pJ local + 1 hop x 5 pJ); the read-out's 12 words go to the host.
        Near(62.74, h0.RoutingJ, Nano, 2);
        Near(62.74, h1.RoutingJ, Nano, 2);
        Near(0.06, ro.RoutingJ, Nano, 2);
        Printed("125.54 nJ", r.RoutingJ, "J");
        Printed("0 J", r.LearningJ!.Value, "J");

        // Time: 0.0625 ns per MAC, update and word, 1 ns per hop; no barrier.
        Near(41.161125, h0.BusyS, Micro, 6);
        Near(453.545125, h1.BusyS, Micro, 6);
        Near(3.921375, ro.BusyS, Micro, 6);
        Printed("498.628 µs", r.LatencyS, "s");
        Assert.Equal(2204.852, Math.Round(r.ThroughputPerS, 3), 9);
        Printed("0 J", r.StaticJ, "J");
        Printed("76.343 µJ", r.TotalJ, "J");
    }

    [Fact]
    public void The_fp32_baseline_says_in_the_table_what_it_is_and_a_neuromorphic_chip_does_not()
    {
        var fp32 = Cost("fp32 baseline (45 nm)", nonZero0: 3_711_082, nonZero1: 4_227_422);
        var loihi = Cost("Loihi", nonZero0: 3_712_030, nonZero1: 4_227_657);
        Assert.Equal(EnergyReport.YardstickPrefix + "ideal arithmetic and memory-access energies from its file, no instruction or " +
            "control overhead, no static power", fp32.Yardstick);
        Assert.Null(loihi.Yardstick);
        string table = HardwareTable.Format([new HardwareResult("fp32 baseline (45 nm)", "-", fp32), new HardwareResult("Loihi", "-", loihi)]);
        Assert.Contains("\nfp32 baseline (45 nm): a yardstick, not a product: ideal arithmetic", table);
        Assert.DoesNotContain("Loihi: a yardstick", table);
    }
}
