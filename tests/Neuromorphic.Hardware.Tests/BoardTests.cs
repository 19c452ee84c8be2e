using Neuromorphic.Engine;
using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Boards of chips (hardware-models/boards/): the board file read with its chip file, where cores sit and which
/// chip-to-chip links a message crosses, and the costs of a link, the board's barrier and each chip's static power,
/// layer by layer and core by core, worked out by hand on two <see cref="TinyChip"/>s side by side.</summary>
public sealed class BoardTests : IDisposable
{
    private const double Pico = 1e-12, Nano = 1e-9;
    private readonly string dir = Directory.CreateTempSubdirectory("board-tests-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    // Two tiny chips (4 cores each, 2 x 2 routers of one core) side by side: the board's mesh is 4 x 2 routers.
    //   chip 0: core 0 (0,0) core 1 (1,0) | chip 1: core 4 (2,0) core 5 (3,0)
    //           core 2 (0,1) core 3 (1,1) |         core 6 (2,1) core 7 (3,1)
    // A link costs 100 pJ and 50 ns on top of the hop; the board's barrier is 1 us (the chip's, 10 ns).
    private const string Board = """
        format: 1
        board:
          name: Pair
          chip: tiny.yaml
          chips_x: 2
          chips_y: 1
          link_energy: 100 pJ
          link_latency: 50 ns
          barrier: 1 us
        """;

    private ChipModel Load(string board = Board, string chip = TinyChip.Yaml)
    {
        File.WriteAllText(Path.Combine(dir, "tiny.yaml"), chip);
        string path = Path.Combine(dir, "board.yaml");
        File.WriteAllText(path, board);
        return ChipModelLoader.LoadFile(path);
    }

    [Fact]
    public void A_board_is_its_chips_meshes_side_by_side_numbered_chip_by_chip()
    {
        var b = Load();
        Assert.Equal("Pair (2 x Tiny)", b.Name);
        Assert.Equal((8, 4, 2, 2), (b.Cores.Count, b.Cores.Width, b.Cores.Height, b.Cores.Chips));
        Assert.Equal([(0, 0), (1, 0), (0, 1), (1, 1), (2, 0), (3, 0), (2, 1), (3, 1)], Enumerable.Range(0, 8).Select(b.Cores.Position));
        Assert.Equal(1e-3, b.StaticPowerW, 15); // per chip, as the chip file says
        Assert.Equal((4, 1), (b.Cores.Hops(2, 5), b.Cores.Crossings(2, 5)));
        Assert.Equal((1, 0), (b.Cores.Hops(4, 5), b.Cores.Crossings(4, 5)));
        Assert.Equal(1 * Nano * 1000, b.BarrierFor(2), 15);
        Assert.Equal(10 * Nano, b.BarrierFor(1), 15);

        // 2 x 2 chips of one core each: the far corner is two links away.
        string oneCore = TinyChip.Yaml.Replace("count: 4", "count: 1").Replace("mesh_width: 2", "mesh_width: 1").Replace("mesh_height: 2", "mesh_height: 1");
        var square = Load(Board.Replace("chips_y: 1", "chips_y: 2"), oneCore);
        Assert.Equal([(0, 0), (1, 0), (0, 1), (1, 1)], Enumerable.Range(0, 4).Select(square.Cores.Position));
        Assert.Equal((2, 2), (square.Cores.Hops(0, 3), square.Cores.Crossings(0, 3)));
    }

    [Fact]
    public void Layer_by_layer_a_message_pays_its_links_and_a_run_over_two_chips_their_static_power_and_the_boards_barrier()
    {
        // a: 16 neurons of fan-in 1 (4 bit each), 4 a core: cores 0-3, all of chip 0. b: 2 neurons of fan-in 2 on core 4
        // (chip 1, at (2,0)). Every core of a sends to core 4: 2, 1, 3 and 2 hops, one link each: 2 hops and 1 link a
        // message on average, the farthest 3 hops and 1 link.
        LayerDescription[] net = [LayerDescription.Dense("a", 16, 1, null), LayerDescription.Dense("b", 2, 2, "a")];
        var mapping = Mapper.Map(Load(), net);
        Assert.Equal((5, 2), (mapping.CoresUsed, mapping.ChipsUsed));
        var edge = Assert.Single(mapping.Edges);
        Assert.Equal((8, 3, 4, 1), (edge.TotalHops, edge.MaxHops, edge.TotalCrossings, edge.MaxCrossings));

        // One sample, one step. a: 16 accumulates, 16 updates, 4 spikes; b: 4 accumulates, 2 updates, 2 spikes (to the host).
        var activity = new Dictionary<string, LayerActivity>
        {
            ["a"] = new(new WorkCounts(SynapticAccumulates: 16, NeuronUpdates: 16, Spikes: 4, NonZeroActivations: 4)),
            ["b"] = new(new WorkCounts(SynapticAccumulates: 4, NeuronUpdates: 2, Spikes: 2, NonZeroActivations: 2)),
        };
        var r = EnergyReport.Compute(mapping, activity, samples: 1);
        // a's routing: 4 messages x (3 pJ local + 2 hops x 7 pJ + 1 link x 100 pJ) = 468 pJ; b's: 2 x 3 pJ to the host.
        Assert.Equal(468 * Pico, r.Layers[0].RoutingJ, 1e-18);
        Assert.Equal(6 * Pico, r.Layers[1].RoutingJ, 1e-18);
        // a's busiest core: a quarter of (16 x 1 ns + 16 x 2 ns + 4 x 3 ns) = 15 ns; the farthest message 3 x 5 + 50 ns;
        // the board's barrier 1000 ns: 1080 ns. b: 4 x 1 + 2 x 2 + 2 x 3 = 14 ns + 1000 ns. Latency 2094 ns.
        Assert.Equal(1080 * Nano, r.Layers[0].BusyS, 1e-15);
        Assert.Equal(2094 * Nano, r.LatencyS, 1e-15);
        // Static: both chips' 1 mW over the 1080 ns period.
        Assert.Equal(2 * 1e-3 * 1080 * Nano, r.StaticJ, 1e-18);
        Assert.Contains(r.Notes, n => n.StartsWith(EnergyReport.BoardPrefix, StringComparison.Ordinal) && n.Contains("2 of its 2 chips") && n.Contains("4 chip-to-chip links"));
    }

    // A stimulus that fires every step sends one message to a neuron that never fires; where the two sit is the test.
    private const string Pair = """
        network:
          name: pair
          groups:
            - name: in
              attributes: [rate: 1.0]
              neurons: [0]
            - name: out
              attributes: [threshold: 100]
              neurons: [0]
          edges:
            - in.0 -> out.0: [weight: 1]
        mappings:
          - in: [core: '0.0']
          - out: [core: 'TILE.0']
        """;

    [Theory]
    [InlineData(5, 2, 3, 1)] // tile 5 = core 5, on chip 1 at (3,0): 3 hops, 1 link
    [InlineData(1, 1, 1, 0)] // tile 1 = core 1, on chip 0 at (1,0): 1 hop
    public async Task Core_by_core_a_message_pays_its_links_and_the_run_its_chips_static_power_and_barrier(int tile, int chips, int hops, int links)
    {
        var arch = ChipModelArchitecture.From(Load());
        var net = SanafeNetworkReader.Parse(Pair.Replace("TILE", tile.ToString(System.Globalization.CultureInfo.InvariantCulture)), "pair.yaml", arch);
        var r = await CoreSimulation.RunAsync(arch, net, new CoreSimulationOptions(3, TimingModel.Detailed));
        Assert.Equal(chips, r.Chips);
        // Each step one message: 3 pJ to send, 7 pJ a hop, 100 pJ a link.
        double message = 3 + 7 * hops + 100 * links;
        Assert.All(r.Steps, s => Assert.Equal(message * Pico, s.NetworkEnergy, 1e-18));
        // It leaves core 0 after its 3 ns send, crosses the mesh (5 ns a hop, 50 ns a link) and takes 1 ns to process; the
        // receiving neuron's own work (1 ns, 2 once it has input) ends earlier. The step closes with the barrier: the
        // board's 1 us over two chips, the chip's 10 ns on one.
        double step = 3 + 5 * hops + 50 * links + 1 + (chips > 1 ? 1000 : 10);
        Assert.All(r.Steps, s => Assert.Equal(step * Nano, s.Latency, 1e-15));
        Assert.Equal(chips * 1e-3 * 3 * step * Nano, r.Summary.StaticEnergy, 1e-18);
    }

    private HardwareModelException Fail(string board, string chip = TinyChip.Yaml) =>
        Assert.Throws<HardwareModelException>(() => Load(board, chip));

    [Fact]
    public void A_bad_board_file_names_its_line_and_field()
    {
        var e = Fail(Board.Replace("chip: tiny.yaml", "chip: missing.yaml"));
        Assert.Equal((4, "board.chip"), (e.Line, e.Field));
        Assert.Contains("missing.yaml", e.Problem);

        // The chip's figures belong in its own file.
        e = Fail(Board + "\ncores:\n  count: 4\n");
        Assert.Equal((10, "cores"), (e.Line, e.Field));

        // A board of boards.
        File.WriteAllText(Path.Combine(dir, "inner.yaml"), Board);
        e = Fail(Board.Replace("chip: tiny.yaml", "chip: inner.yaml"));
        Assert.Equal("board.chip", e.Field);
        Assert.Contains("this file is a board", e.Problem);
        e = Fail(Board.Replace("chip: tiny.yaml", "chip: board.yaml")); // itself: one error, no recursion without end
        Assert.Equal((4, "board.chip"), (e.Line, e.Field));

        // A chip on a tick has no barrier to replace.
        string ticked = TinyChip.Yaml.Replace("sync: barrier", "sync: tick").Replace("barrier: 10 ns", "tick: 1 ms");
        e = Fail(Board, ticked);
        Assert.Equal((9, "board.barrier"), (e.Line, e.Field));
        Assert.Equal("Pair (2 x Tiny)", Load(Board.Replace("\n  barrier: 1 us", ""), ticked).Name);

        e = Fail(Board.Replace("chips_x: 2", "chips_x: 0"));
        Assert.Equal((5, "board.chips_x"), (e.Line, e.Field));
        e = Fail(Board.Replace("link_energy: 100 pJ", "link_energy: 100 ns"));
        Assert.Equal((7, "board.link_energy"), (e.Line, e.Field));
    }

    [Fact]
    public void The_shipped_boards_load_with_their_chips_figures()
    {
        var boards = HardwareCatalog.LoadFolder(Path.Combine(TinyChip.ModelsFolder(), "boards")).Chips;
        Assert.Equal(["Kapoho Point (8 x Loihi 2)", "Nahuku 32 (32 x Loihi)", "NS16e (16 x TrueNorth)"], boards.Select(c => c.Name));
        var ns16e = boards[2];
        Assert.Equal((16, 4, 4, 16 * 4096), (ns16e.Cores.Chips, ns16e.Board!.ChipsX, ns16e.Board.ChipsY, ns16e.Cores.Count));
        Assert.Equal(832e-12, ns16e.Board.LinkEnergyJ, 1e-20); // 26 pJ/bit x 32 bits (Merolla 2014 sec. S5)
        Assert.Equal(42e-3, ns16e.StaticPowerW, 1e-12);       // TrueNorth's, per chip
        var nahuku = boards[1];
        Assert.Equal((32, 128 * 32), (nahuku.Cores.Chips, nahuku.Cores.Count));
        Assert.Equal(5.8e-6, nahuku.Board!.BarrierS, 1e-15);  // Frady 2020 sec. 5.1-5.2
        Assert.Equal(465e-9, nahuku.Timestep.BarrierS, 1e-15); // the chip's own, on one chip
    }
}
