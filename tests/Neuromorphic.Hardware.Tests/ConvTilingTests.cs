using Neuromorphic.Engine;
using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>An unrolled convolution placed by tiles of output positions, on a chip small enough to count every core's
/// inputs, every destination and every hop by hand.</summary>
public class ConvTilingTests
{
    // Tiny grown to 8 cores on a 4 x 2 mesh, one per router, numbered row by row:
    //   core 0 (0,0)  core 1 (1,0)  core 2 (2,0)  core 3 (3,0)
    //   core 4 (0,1)  core 5 (1,1)  core 6 (2,1)  core 7 (3,1)
    // 40 neurons and 40 input axons per core, 4 Kibit of synapse memory, 4-bit weights, no weight sharing.
    private static ChipModel Chip() => TinyChip.Load(TinyChip.Yaml
        .Replace("count: 4", "count: 8").Replace("mesh_width: 2", "mesh_width: 4")
        .Replace("neurons: 4", "neurons: 40").Replace("synapse_memory: 48 bit", "synapse_memory: 4 Kibit")
        .Replace("fan_in: 8", "fan_in: 40"));

    // "in": 72 neurons sending 2 channels x 6 x 6 (40 per core: cores 0 and 1).
    // "conv": 3x3 kernel, padding 1, 2 -> 4 channels on 6 x 6: 144 neurons of fan-in 18 (72 bit each).
    private static readonly ConvGeometry Shape = new(2, 6, 6, 3, 1, 1, 4, 6, 6);

    private static LayerDescription[] Net(bool withShape) =>
    [
        LayerDescription.Dense("in", 72, 1, null),
        LayerDescription.Conv("conv", 4, 6, 6, 18, "in") with { Geometry = withShape ? Shape : null },
    ];

    [Fact]
    public void Reads_clip_the_receptive_field_to_the_input()
    {
        // 14 x 14 input, 3x3 kernel, padding 1: output rows 0..6 read rows -1..7, clipped to 0..7; rows 7..13 read 6..14 -> 6..13.
        var g = new ConvGeometry(32, 14, 14, 3, 1, 1, 128, 7, 7);
        Assert.Equal((0, 7), g.Reads(0, 7, 14));
        Assert.Equal((6, 13), g.Reads(7, 14, 14));
        Assert.Equal((14, 14), (g.OutHeight, g.OutWidth));
    }

    [Fact]
    public void The_tiling_with_fewest_cores_is_chosen_and_each_core_reads_only_its_tile()
    {
        // Whole planes would read both channels' 36 positions: 72 axons > 40. A core holds at most 40 neurons, so with
        // all 4 channels a tile has at most 10 positions. Rows read by a tile of height t (cut from row 0):
        // t = 1: 3, 2: 4, 3: 4, 4: 5, 5: 6, 6: 6; a tile reading r rows and c columns takes 2 x r x c axons.
        // Only a 3x3 tile gives 4 cores (4 channels x 9 = 36 neurons, 2 x 4 x 4 = 32 axons); every other fitting tile
        // needs 6 or more.
        var m = Mapper.Map(Chip(), Net(withShape: true));
        var conv = m.Find("conv")!;
        var t = conv.Tiles!;
        Assert.Equal((4, 3, 3, 4), (t.ChannelsPerCore, t.TileHeight, t.TileWidth, t.CoresPerSlice));
        Assert.Equal([2, 3, 4, 5], conv.Cores);
        Assert.All(conv.Usage, u => Assert.Equal((36, 36 * 72L, 0.8), (u.Neurons, u.SynapseBits, u.FanInFraction)));
        Assert.DoesNotContain(m.Notes, n => n.StartsWith(EnergyReport.PlacementPrefix, StringComparison.Ordinal));
        Assert.Contains("tiles: 4 channels x 3x3 positions per core, 4 cores, 1.78 cores read each input", m.Describe());
    }

    [Fact]
    public void Each_output_goes_to_the_cores_whose_tiles_read_it()
    {
        // Tile rows 0..2 read input rows 0..3 and rows 3..5 read 2..5 (columns alike): an input on row or column 2 or 3
        // is read by both tiles of that axis. Each input is read by 4 x 4 / 36 x 4 = 1.78 cores on average: 128
        // deliveries for the 72 outputs.
        // Hops: conv's tiles (row, column) are cores 2 (0,0), 3 (0,1), 4 (1,0), 5 (1,1). Channel 0 (outputs 0..35)
        // leaves core 0: 2, 3, 1, 2 hops to them, each tile reached from 4 x 4 positions: 16 x 8 = 128. Channel 1
        // leaves core 1 (1, 2, 2, 1 hops: 16 x 6 = 96), except positions 0..3 (row 0, columns 0..3), neurons 36..39 on
        // core 0: they reach tile (0,0), (0,0), both, both: 14 hops from core 0 instead of 8 from core 1. 128 + 102 = 230.
        var m = Mapper.Map(Chip(), Net(withShape: true));
        var e = m.EdgesFrom("in").Single();
        Assert.Equal((72L, 128L, 230L, 3), (e.Messages, e.Deliveries, e.TotalHops, e.MaxHops));
        Assert.Equal(4, e.MostDestinationsPerCore); // each of in's cores sends to all four tiles
        Assert.Equal(128.0 / 72, e.DestinationsPerMessage, 12);
        Assert.Equal(230.0 / 72, e.MeanHopsPerMessage, 12);

        // One sample, every output sent once: 128 local sends x 3 pJ + 230 hops x 7 pJ.
        var activity = new Dictionary<string, LayerActivity>
        {
            ["in"] = new(new WorkCounts(DenseMacs: 72, NeuronUpdates: 72, NonZeroActivations: 72)),
            ["conv"] = new(new WorkCounts(DenseMacs: 2592, NeuronUpdates: 144, NonZeroActivations: 0)),
        };
        var r = EnergyReport.Compute(m, activity, samples: 1);
        Assert.Equal((128 * 3 + 230 * 7) * 1e-12, r.Layers[0].RoutingJ, 1e-18);
    }

    [Fact]
    public void Without_its_shape_the_layer_is_placed_channel_after_channel_with_the_caveat()
    {
        // 40 neurons to a core hold whole 36-position planes, so each core takes all 72 inputs (> 40 axons).
        var m = Mapper.Map(Chip(), Net(withShape: false));
        Assert.Null(m.Find("conv")!.Tiles);
        Assert.Equal(4, m.Find("conv")!.Cores.Count);
        Assert.Equal((4.0, 0L), (m.EdgesFrom("in").Single().DestinationsPerMessage, m.EdgesFrom("in").Single().Messages));
        Assert.Contains(m.Notes, n => n.StartsWith(EnergyReport.PlacementPrefix + "conv's") && n.Contains("72 input axons per core against Tiny's 40"));
    }

    [Fact]
    public void A_split_layer_placed_by_tiles_keeps_each_tiles_slices_and_merge_neurons_together()
    {
        // Tiny on a 4 x 4 mesh (16 cores, core i at (i % 4, i / 4)), 4 neurons and 2 axons a core, relay splits.
        // "c": a 1x1 convolution, 4 -> 2 channels on 2 x 2: 8 neurons of fan-in 4 > 2. Cut into 2 slices of 2 input
        // channels (2 axons; 4 slices would need merge neurons of 4 axons). A 1x2 tile would read 2 x 2 = 4 axons, so
        // tiles are single positions with both channels: 4 cores a slice. Merge neurons take 2 partial sums on 2 axons:
        // 1 a core, 8 cores. Tile by tile, core t of slice 0, of slice 1, then the merge cores of its 2 neurons: tile t
        // is mesh row t. A neuron's partial sums come from x = 0 and 1 to its merge core at x = 2 or 3: 2 + 1 hops for
        // the tile's first neuron, 3 + 2 for its second; 8 a tile, 32 in all over 16 messages, farthest 3.
        var chip = TinyChip.Load(TinyChip.Yaml
            .Replace("count: 4", "count: 16").Replace("mesh_width: 2", "mesh_width: 4").Replace("mesh_height: 2", "mesh_height: 4")
            .Replace("  fan_in: 8\n", "  fan_in: 2\n  fan_in_split: relay\n"));
        var layer = LayerDescription.Conv("c", 2, 2, 2, 4, null) with { Geometry = new ConvGeometry(4, 2, 2, 1, 1, 0, 2, 2, 2) };
        var c = Mapper.Map(chip, [layer]).Find("c")!;
        var (t, split) = (c.Tiles!, c.Split!);
        Assert.Equal((2, 2, 1, 1, 1, 4), (t.Slices, t.InputChannelsPerSlice, t.TileHeight, t.TileWidth, t.ChannelGroups, t.CoresPerSlice));
        Assert.Equal([0, 4, 8, 12], split.SliceCores[0]);
        Assert.Equal([1, 5, 9, 13], split.SliceCores[1]);
        Assert.Equal([2, 3, 6, 7, 10, 11, 14, 15], split.CombineCores);
        Assert.Equal((16L, 32L, 3), (split.PartialMessagesPerStep, split.PartialHopsPerStep, split.MaxPartialHops));
    }

    [Fact]
    public void With_splitters_an_inputs_copies_fit_one_splitter_core()
    {
        // TrueNorth's wiring (typed axons: 2 axons per input; a spike reaches one axon, so splitter neurons copy it) on
        // 64 cores of 28 neurons and 78 axons. "conv": 5x5 kernel, padding 2, 1 -> 12 channels on 5 x 5, fed by "in".
        // Tilings that spread an input over many cores (12 channels x 1x2 positions: an input under 5 tile rows x 3 tile
        // columns, 15 cores, 30 copies) would need more copies of one input than a splitter core has neurons; the
        // mapper keeps to tilings where the worst input's copies fit (channel after channel, it took 22).
        var chip = TinyChip.Load(TinyChip.Yaml
            .Replace("count: 4", "count: 64").Replace("mesh_width: 2", "mesh_width: 8").Replace("mesh_height: 2", "mesh_height: 8")
            .Replace("neurons: 4", "neurons: 28").Replace("synapse_memory: 48 bit", "synapse_memory: 4 Kibit")
            .Replace("fan_in: 8", "fan_in: 78")
            .Replace("weight_bits: 4", "weight_bits: 1\n  axon_types:\n    types: 4\n    weight_bits: 9"));
        LayerDescription[] net =
        [
            LayerDescription.Dense("in", 25, 1, null),
            LayerDescription.Conv("conv", 12, 5, 5, 25, "in") with { Geometry = new ConvGeometry(1, 5, 5, 5, 1, 2, 12, 5, 5) },
        ];
        var m = Mapper.Map(chip, net);
        var t = m.Find("conv")!.Tiles!;
        var splitters = m.Find("in")!.Splitters!;
        Assert.Equal(t.MaxReaders * 2, splitters.MaxCopies);
        Assert.InRange(splitters.MaxCopies, 1, 28);
    }

    [Fact]
    public void A_shape_whose_reads_are_not_rectangles_is_placed_channel_after_channel()
    {
        // A 1x1 kernel at stride 2 skips every other input row and column: a tile's reads are not a rectangle.
        var layer = LayerDescription.Conv("s2", 4, 3, 3, 2, null) with { Geometry = new ConvGeometry(2, 6, 6, 1, 2, 0, 4, 3, 3) };
        Assert.False(layer.Geometry!.ReadsRectangles);
        Assert.Null(Mapper.Map(Chip(), [layer]).Find("s2")!.Tiles);
    }

    [Fact]
    public void Axons_readers_and_the_mean_agree_with_a_brute_force_count_of_receptive_fields()
    {
        // Random shapes and tilings; each core's inputs and each input's readers counted by walking every output
        // neuron's kernel window (zero padding falls outside), independently of Reads and Readers.
        var rng = new Random(7);
        for (int trial = 0; trial < 300; trial++)
        {
            int k = rng.Next(1, 5), stride = rng.Next(1, k + 1), pad = rng.Next(0, k);
            int h = rng.Next(k, 10), w = rng.Next(k, 10), inC = rng.Next(1, 4), outC = rng.Next(1, 5);
            var g = new ConvGeometry(inC, h, w, k, stride, pad, outC, 1, 1);
            if (g.OutHeight < 1 || g.OutWidth < 1) continue;
            var t = new ConvTiles(g, 1, 1, inC, rng.Next(1, outC + 1), rng.Next(1, g.OutHeight + 1), rng.Next(1, g.OutWidth + 1));
            var read = new HashSet<(int, int)>[t.CoresPerSlice];
            for (int i = 0; i < read.Length; i++) read[i] = [];
            for (int c = 0; c < outC; c++)
                for (int y = 0; y < g.OutHeight; y++)
                    for (int x = 0; x < g.OutWidth; x++)
                        for (int dy = 0; dy < k; dy++)
                            for (int dx = 0; dx < k; dx++)
                            {
                                int iy = y * stride - pad + dy, ix = x * stride - pad + dx;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) read[t.CoreOf(c, y, x)].Add((iy, ix));
                            }
            string shape = $"{g} tiles {t.ChannelsPerCore} x {t.TileHeight}x{t.TileWidth}";
            for (int i = 0; i < read.Length; i++)
                Assert.True((long)inC * read[i].Count == t.AxonsOn(i, 0), $"{shape}: core {i} reads {read[i].Count} positions, AxonsOn says {t.AxonsOn(i, 0)}");
            long deliveries = 0;
            for (int iy = 0; iy < h; iy++)
                for (int ix = 0; ix < w; ix++)
                {
                    var expected = Enumerable.Range(0, read.Length).Where(i => read[i].Contains((iy, ix))).ToArray();
                    Assert.True(expected.SequenceEqual(t.Readers(iy, ix).Order()), $"{shape}: readers of ({iy}, {ix})");
                    deliveries += expected.Length;
                    Assert.InRange(expected.Length, 0, t.MaxReaders);
                }
            Assert.Equal((double)deliveries / (h * w), t.MeanReaders, 9);
        }
    }

    [Fact]
    public void Placement_order_numbers_every_neuron_once_on_its_own_core()
    {
        // Edge tiles and a short last channel group: 5 channels of 7 x 5, tiles 3x2, 2 channels a core.
        var t = new ConvTiles(new ConvGeometry(1, 7, 5, 1, 1, 0, 5, 7, 5), 1, 1, 1, 2, 3, 2);
        Assert.Equal(3 * 3 * 3, t.CoresPerSlice);
        var fill = Enumerable.Range(0, t.CoresPerSlice).Select(t.NeuronsOn).ToArray();
        Assert.Equal(5 * 7 * 5, fill.Sum());
        var coreOfIndex = fill.SelectMany((n, core) => Enumerable.Repeat(core, n)).ToArray();
        var seen = new HashSet<int>();
        for (int c = 0; c < 5; c++)
            for (int y = 0; y < 7; y++)
                for (int x = 0; x < 5; x++)
                {
                    int i = t.PlacementIndex(c, y, x);
                    Assert.True(seen.Add(i), $"index {i} given twice");
                    Assert.Equal(t.CoreOf(c, y, x), coreOfIndex[i]);
                }
    }

    [Fact]
    public void Fan_in_is_split_by_whole_input_channels()
    {
        // TrueNorth's hebb1: 32 input channels, 3x3 kernel, 2 axons per input, 256 axons per core. 16 channels take
        // 288 axons; 11 take 198 (3 slices), 8 take 144 (4 slices). A dendritic root with 200 axons also takes the
        // other slices' partial sums: 3 slices of 11 channels use 198 + 2 = 200.
        var g = new ConvGeometry(32, 14, 14, 3, 1, 1, 128, 7, 7);
        Assert.Equal([(3, 11), (4, 8)], ConvTiles.ChannelSlices(g, 2, 256, FanInSplit.Relay).Take(2));
        Assert.Equal((3, 11), ConvTiles.ChannelSlices(g, 2, 200, FanInSplit.Dendritic).First());
        Assert.Equal([(1, 32)], ConvTiles.ChannelSlices(g, 2, 1000, FanInSplit.None));
    }

    [Fact]
    public void A_shape_that_does_not_describe_the_layer_is_refused()
    {
        var wrong = Net(withShape: true);
        wrong[1] = wrong[1] with { Geometry = Shape with { OutChannels = 5 } };
        var ex = Assert.Throws<ArgumentException>(() => Mapper.Map(Chip(), wrong));
        Assert.Contains("Layer 'conv'", ex.Message);
        Assert.Contains("not the layer's 144 neurons", ex.Message);
        wrong[1] = wrong[1] with { Geometry = Shape with { InChannels = 3, OutChannels = 4 } };
        ex = Assert.Throws<ArgumentException>(() => Mapper.Map(Chip(), wrong));
        Assert.Contains("reads 3 x 6 x 6 = 108 inputs, but in sends 72", ex.Message);
    }
}
