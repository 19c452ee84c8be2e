using Neuromorphic.Application.Simulation;
using Neuromorphic.Engine;
using Neuromorphic.Hardware;
using Neuromorphic.Hardware.Cores;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Spiking;
using Neuromorphic.Tensors;

namespace Neuromorphic.Cli.Tests;

/// <summary>A SoftHebb layer written as a chip's neurons and run core by core, against the same converted layer run by
/// the software spiking path (an independent implementation of the same integrate-and-fire dynamics).</summary>
public sealed class SoftHebbOnCoresTests
{
    /// <summary>One 3x3 conv layer of 4 channels on 1x6x6 images and a 3-class read-out, drawn from <paramref name="rng"/>.</summary>
    static (SoftHebbConv2d Conv, LinearReadout Readout) TinyLayer(Random rng) =>
        (new SoftHebbConv2d(new SoftHebbConv2dConfig(1, 4, 3, 1, 1f, 0.01f, 0.5f, 1f), rng), new LinearReadout(4 * 6 * 6, 3, 0f, rng));

    /// <summary>The tiny layer drawn from seed 3, an image drawn after it, and the layer converted with its thresholds
    /// calibrated on that image.</summary>
    static (SpikingSoftHebbNetwork Net, LinearReadout Readout, float[] Pixels) TinyConverted()
    {
        var rng = new Random(3);
        var (conv, readout) = TinyLayer(rng);
        var pixels = Enumerable.Range(0, 36).Select(_ => (float)rng.NextDouble()).ToArray();
        var net = SpikingSoftHebbNetwork.Build([conv], readout, 1, 6, 6,
            SpikingSoftHebbNetwork.Calibrate([conv], new Tensor(pixels.ToArray(), 1, 1, 6, 6), Options), Options);
        return (net, readout, pixels);
    }

    static readonly SpikingConversionOptions Options = new() { Power = PowerApproximation.Linear, FoldInhibition = true, BatchSize = 1, Percentile = 90 };

    /// <summary>The software layer fed by the regular encoder (membranes from ½) for <paramref name="steps"/> steps;
    /// <paramref name="eachStep"/> sees each step's output.</summary>
    static void RunSoftware(SpikingConvLayer layer, float[] pixels, int steps, Action<float[]>? eachStep = null)
    {
        var membrane = Enumerable.Repeat(0.5f, pixels.Length).ToArray();
        var input = new float[pixels.Length];
        var output = new float[layer.OutputLength];
        for (int t = 0; t < steps; t++)
        {
            Array.Clear(input);
            SpikingInput.RegularStep(pixels, membrane, input);
            Array.Clear(output);
            layer.Step(input, 1, output);
            eachStep?.Invoke(output);
        }
    }

    /// <summary>The software layer's output counts after each of <paramref name="steps"/> steps (see <see cref="RunSoftware"/>).</summary>
    static List<double[]> SoftwareCounts(SpikingConvLayer layer, float[] pixels, int steps)
    {
        var counts = new List<double[]>();
        var sum = new double[layer.OutputLength];
        RunSoftware(layer, pixels, steps, output =>
        {
            for (int i = 0; i < output.Length; i++) sum[i] += output[i];
            counts.Add((double[])sum.Clone());
        });
        return counts;
    }

    /// <summary>A chip file of hardware-models/, by its name without ".yaml", as the core-by-core architecture.</summary>
    static ChipArchitecture Chip(string file) => ChipModelArchitecture.From(ChipModelLoader.LoadFile(Path.Combine(Cli.RepoRoot, "hardware-models", file + ".yaml")));

    static ChipArchitecture Loihi() => Chip("loihi");

    /// <summary>One 3x3 conv layer of 4 channels pooled by <paramref name="pool"/> on 1x6x6 images, a 3-class read-out and
    /// an image, drawn from <paramref name="seed"/>, and the layer converted with Λ calibrated on that image (by default
    /// with the Triangle's power, 1 here, taken as 1).</summary>
    static (SpikingSoftHebbNetwork Net, LinearReadout Readout, float[] Pixels) TinyPooled(int seed, string pool, float power = 1f,
        SpikingConversionOptions? options = null)
    {
        options ??= Options;
        var rng = new Random(seed);
        var conv = new SoftHebbConv2d(new SoftHebbConv2dConfig(1, 4, 3, 1, 1f, 0.01f, 0.5f, power, Pool: pool), rng);
        int outSize = conv.Config.PoolSpec!.Value.OutputSize(6);
        var readout = new LinearReadout(4 * outSize * outSize, 3, 0f, rng);
        var pixels = Enumerable.Range(0, 36).Select(_ => (float)rng.NextDouble()).ToArray();
        var net = SpikingSoftHebbNetwork.Build([conv], readout, 1, 6, 6,
            SpikingSoftHebbNetwork.Calibrate([conv], new Tensor(pixels.ToArray(), 1, 1, 6, 6), options), options);
        return (net, readout, pixels);
    }

    /// <summary>Two 3x3 conv layers of 4 channels on 1x6x6 images, the first max pooled (2x2), the second average pooled
    /// (2x2, stride 1), with Triangle powers <paramref name="power1"/> and <paramref name="power2"/>, a 3-class read-out
    /// and an image, drawn from seed 7, and the network converted with Λ calibrated on that image.</summary>
    static (SpikingSoftHebbNetwork Net, LinearReadout Readout, float[] Pixels) TinyTwoLayers(float power1, float power2, SpikingConversionOptions options)
    {
        var rng = new Random(7);
        var conv1 = new SoftHebbConv2d(new SoftHebbConv2dConfig(1, 4, 3, 1, 1f, 0.01f, 0.5f, power1, Pool: "max_2_2_0"), rng);
        var conv2 = new SoftHebbConv2d(new SoftHebbConv2dConfig(4, 4, 3, 1, 1f, 0.01f, 0.5f, power2, Pool: "avg_2_1_0"), rng);
        var readout = new LinearReadout(4 * 2 * 2, 3, 0f, rng);
        var pixels = Enumerable.Range(0, 36).Select(_ => (float)rng.NextDouble()).ToArray();
        var net = SpikingSoftHebbNetwork.Build([conv1, conv2], readout, 1, 6, 6,
            SpikingSoftHebbNetwork.Calibrate([conv1, conv2], new Tensor(pixels.ToArray(), 1, 1, 6, 6), options), options);
        return (net, readout, pixels);
    }

    /// <summary>The conversion with each layer's Triangle power, which the chip computes with knee neurons.</summary>
    static readonly SpikingConversionOptions PowerOptions = Options with { Power = PowerApproximation.RateThreshold };

    [Fact]
    public void The_chip_maps_the_description_the_trained_layers_give()
    {
        var rng = new Random(3);
        var (conv, readout) = TinyLayer(rng);
        var (net, _, pixels) = TinyConverted();
        static IEnumerable<string> Ports(Engine.ProcessGraph g) => g.Processes.Select(p =>
            $"{p.Name} {string.Join(';', p.Inputs.Select(i => string.Join('x', i.SampleShape ?? [])))} -> {string.Join(';', p.Outputs.Select(o => string.Join('x', o.SampleShape ?? [])))}");

        var trained = SoftHebbGraph.Describe([conv], [1, 6, 6], readout.Classes);
        var spec = SoftHebbOnCores.Build(net, readout, Loihi()).ForImage(pixels);

        // The float blocks' description (from the trained layers) is the one the converted network carries ...
        Assert.Equal(["input  -> 1x6x6", "hebb0 1x6x6 -> 4x6x6", "readout 4x6x6 -> 3", "output 3 -> "], Ports(trained));
        Assert.Equal(Ports(trained), Ports(net.Description));
        // ... and the chip holds one group of neurons for each of its processes but the output, in its order.
        Assert.Equal(["input", "hebb0", "readout"], spec.Groups.Select(g => g.Name));
        Assert.Equal([36, 4 * 36, 3], spec.Groups.Select(g => g.Neurons.Count));
    }

    [Fact]
    public void A_layers_pooling_is_a_process_of_its_own_which_float_blocks_run_in_the_layers_actor_and_a_chip_in_its_own_neurons()
    {
        var rng = new Random(7);
        var conv1 = new SoftHebbConv2d(new SoftHebbConv2dConfig(1, 4, 3, 1, 1f, 0.01f, 0.5f, 1f, Pool: "max_2_2_0"), rng);
        var conv2 = new SoftHebbConv2d(new SoftHebbConv2dConfig(4, 4, 3, 1, 1f, 0.01f, 0.5f, 1f, Pool: "avg_2_1_0"), rng);
        var (net, readout, pixels) = TinyTwoLayers(1f, 1f, Options); // the same layers, drawn from the same seed
        static IEnumerable<string> Ports(Engine.ProcessGraph g) => g.Processes.Select(p =>
            $"{p.Name} {string.Join(';', p.Inputs.Select(i => string.Join('x', i.SampleShape ?? [])))} -> {string.Join(';', p.Outputs.Select(o => string.Join('x', o.SampleShape ?? [])))}");

        var trained = SoftHebbGraph.Describe([conv1, conv2], [1, 6, 6], readout.Classes);

        // 6x6 neurons pooled 2x2 at stride 2 to 3x3; 3x3 neurons pooled 2x2 at stride 1 to 2x2.
        Assert.Equal(["input  -> 1x6x6", "hebb0 1x6x6 -> 4x6x6", "hebb0_maxpool 4x6x6 -> 4x3x3", "hebb1 4x3x3 -> 4x3x3",
            "hebb1_avgpool 4x3x3 -> 4x2x2", "readout 4x2x2 -> 3", "output 3 -> "], Ports(trained));
        Assert.Equal(Ports(trained), Ports(net.Description));
        // The float blocks pool inside the layer's actor: one actor per layer, named for it, sending the pooled values.
        var blocks = trained.Build(process => process switch
        {
            InputProcess p => new SourceActor(p.Name, Array.Empty<Payload>(), p.Outputs[0].SampleShape),
            HebbianLayerProcess p => new HebbianLayerActor(p.Name, p.Index == 0 ? conv1 : conv2, false, p.InputShape, "", null),
            PoolingProcess => null,
            ReadoutProcess p => new ReadoutActor(p.Name, readout, p.Inputs[0].SampleShape!),
            OutputProcess p => new SinkActor(p.Name, _ => { }, sampleShape: p.Inputs[0].SampleShape),
            _ => throw new NotSupportedException(),
        });
        Assert.Equal(["input", "hebb0", "hebb1", "readout", "output"], blocks.Actors.Select(a => a.Name));
        // The chip gives each pooling its neurons: a group after its layer's, one neuron per pooled value.
        var spec = SoftHebbOnCores.Build(net, readout, Chip("loihi2")).ForImage(pixels);
        Assert.Equal(["input", "hebb0", "hebb0_maxpool", "hebb1", "hebb1_avgpool", "readout"], spec.Groups.Select(g => g.Name));
        Assert.Equal([36, 4 * 36, 4 * 9, 4 * 9, 4 * 4, 3], spec.Groups.Select(g => g.Neurons.Count));
    }

    [Fact]
    public void A_network_too_large_to_simulate_core_by_core_is_refused_before_it_is_built()
    {
        var (net, readout, pixels) = TinyConverted();
        // 4 channels x 36 positions x 9 taps (reflect padding lists a doubled input twice), and 3 classes x 144 features.
        long counted = SoftHebbOnCores.CountSynapses(net, readout);
        Assert.Equal(4 * 36 * 9 + 3 * 144, counted);
        Assert.InRange(SoftHebbOnCores.Build(net, readout, Loihi()).ForImage(pixels).Connections.Count, counted * 9 / 10, counted);

        SoftHebbOnCores.CheckMemory(net, readout, Loihi(), availableBytes: counted * SoftHebbOnCores.BytesPerSynapse);
        var e = Assert.Throws<UserErrorException>(() => SoftHebbOnCores.CheckMemory(net, readout, Loihi(), availableBytes: 50_000));
        Assert.Contains("up to 1,728 synapses (hebb0 1,296, with the pooling and the read-out) at about 45 bytes each", e.Message);
        Assert.Contains("'simulate --run RUN_DIR --hardware FILE'", e.Message);

        // Runs side by side: as many as fit beside the chip they share, each with a quarter more for the collector.
        Assert.Equal(3, SoftHebbOnCores.RunsThatFit(runBytes: 1000, freeBytes: 3 * 1250 + 1249));
        Assert.Equal(4, SoftHebbOnCores.RunsThatFit(runBytes: 1000, freeBytes: 4 * 1250));
        Assert.Equal(1, SoftHebbOnCores.RunsThatFit(runBytes: 1000, freeBytes: 500));
        Assert.Equal(1, SoftHebbOnCores.RunsThatFit(runBytes: 1000, freeBytes: -1));
    }

    [Fact]
    public void The_synapses_counted_before_the_build_include_the_powers_knees_as_built()
    {
        // The knees' synapses, counted from the layers, against those the builder makes: max pooling then the power
        // (knee inputs, and a neuron adding a value and its knees), the power then average pooling (knee inputs, and
        // each window's knees into its pooled neuron).
        var (net, readout, pixels) = TinyTwoLayers(0.7f, 1.4f, PowerOptions);
        var arch = Chip("loihi2");
        int Built(int knees) => SoftHebbOnCores.Build(net, readout, arch, powerKnees: knees).ForImage(pixels).Connections.Count;
        int linear = SoftHebbOnCores.Build(TinyTwoLayers(0.7f, 1.4f, Options).Net, readout, arch).ForImage(pixels).Connections.Count;
        foreach (int knees in new[] { 1, 3 })
        {
            // hebb0 (6x6, pooled to 3x3): 4x3x3 pooled values, each with K knee inputs and K + 1 synapses into its sum;
            // hebb1 (3x3, pooled to 2x2): 4x3x3 conv neurons with K knee inputs, and 4x2x2 pooled neurons of 4
            // positions with K knees each.
            long circuit = 36 * (2 * knees + 1) + 36 * knees + 16 * 4 * knees;
            Assert.Equal(circuit, SoftHebbOnCores.CountSynapses(net, readout, knees) - SoftHebbOnCores.CountSynapses(net, readout));
            Assert.Equal(circuit, Built(knees) - linear);
        }
    }

    [Fact]
    public async Task A_chip_compiled_once_runs_a_second_image_exactly_as_a_chip_built_for_it()
    {
        var rng = new Random(5);
        var (conv, readout) = TinyLayer(rng);
        var first = Enumerable.Range(0, 36).Select(_ => (float)rng.NextDouble()).ToArray();
        var second = Enumerable.Range(0, 36).Select(_ => (float)rng.NextDouble()).ToArray();
        var options = Options;
        var net = SpikingSoftHebbNetwork.Build([conv], readout, 1, 6, 6,
            SpikingSoftHebbNetwork.Calibrate([conv], new Tensor(first.ToArray(), 1, 1, 6, 6), options), options);
        var arch = Loihi();
        var chip = SoftHebbOnCores.Build(net, readout, arch, traceSpikes: true);
        var run = new CoreSimulationOptions(16);

        var compiled = CompiledChip.Build(arch, chip.ForImage(first));
        var one = await compiled.RunAsync(chip.ForImage(first), run);
        var reused = await compiled.RunAsync(chip.ForImage(second), run);
        var fresh = await CoreSimulation.RunAsync(arch, chip.ForImage(second), run);

        Assert.Equal(fresh.Summary, reused.Summary);
        Assert.Equal(fresh.Steps, reused.Steps);
        Assert.Equal(fresh.Spikes, reused.Spikes);
        Assert.Equal(fresh.Potentials.Select(p => string.Join(',', p)), reused.Potentials.Select(p => string.Join(',', p)));
        Assert.NotEqual(one.Spikes, reused.Spikes); // the second image is another input, not a replay of the first
        var other = SoftHebbOnCores.Build(net, readout, arch, traceSpikes: true);
        Assert.Throws<ArgumentException>(() => compiled.RunAsync(other.ForImage(second), run).GetAwaiter().GetResult());
    }

    [Fact]
    public async Task A_conv_layer_on_chip_cores_spikes_as_the_software_spiking_layer_does()
    {
        var rng = new Random(3);
        var (conv, readout) = TinyLayer(rng);
        var pixels = Enumerable.Range(0, 36).Select(_ => (float)rng.NextDouble()).ToArray();
        // BatchNorm statistics that give each channel a bias current, so a bias taken before the first input would show.
        (conv.Norm.RunningMean[0], conv.Norm.RunningVar[0]) = (0.3f, 0.2f);
        var options = Options;
        var scales = SpikingSoftHebbNetwork.Calibrate([conv], new Tensor(pixels.ToArray(), 1, 1, 6, 6), options);
        var net = SpikingSoftHebbNetwork.Build([conv], readout, 1, 6, 6, scales, options);
        var arch = Loihi();
        var chip = SoftHebbOnCores.Build(net, readout, arch, traceSpikes: true);
        const int steps = 24;
        var run = await CoreSimulation.RunAsync(arch, chip.ForImage(pixels), new CoreSimulationOptions(steps));

        // Software: the same layer, fed by the regular encoder. On the chip a spike reaches the next soma one step later,
        // so after `steps` chip steps a conv neuron has seen the input of steps - 1 steps; it started one bias lower (the
        // step of bias it takes before any input), so it has also taken steps - 1 biases, as the software neuron has.
        var layer = net.Layers[0];
        Assert.All(Enumerable.Range(0, layer.K), k => Assert.True(Math.Abs(layer.BiasCurrent(k)) > 0.05, $"channel {k}: bias {layer.BiasCurrent(k)}"));
        RunSoftware(layer, pixels, steps - 1);
        var chipCounts = new int[layer.K * 36];
        int convFirst = 36; // the input group comes first
        foreach (var (neuron, _) in run.Spikes)
            if (neuron >= convFirst && neuron < convFirst + chipCounts.Length) chipCounts[neuron - convFirst]++;
        int total = 0, exact = 0;
        for (int k = 0; k < layer.K; k++)
            for (int y = 0; y < 6; y++)
                for (int x = 0; x < 6; x++)
                {
                    int software = (int)layer.SpikeCount(0, k, y, x);
                    int onChip = chipCounts[(k * 6 + y) * 6 + x];
                    total += onChip;
                    if (software == onChip) exact++;
                    Assert.True(software == onChip, $"neuron ({k}, {y}, {x}): {onChip} spikes on the chip, {software} in software");
                }
        Assert.True(total > 50, $"only {total} spikes: the check says nothing");
        Assert.Equal(chipCounts.Length, exact);
    }

    [Fact]
    public async Task The_class_is_read_once_the_read_out_has_the_softwares_T_steps_of_evidence()
    {
        var (net, readout, pixels) = TinyConverted();
        // input → hebb0 → read-out: two hops on Loihi; on TrueNorth each spike also passes a splitter (or waits its step): four.
        var arch = Loihi();
        var chip = SoftHebbOnCores.Build(net, readout, arch);
        Assert.Equal(2, chip.ReadoutLag);
        var north = SoftHebbOnCores.Build(net, readout,
            Chip("truenorth"));
        Assert.Equal(4, north.ReadoutLag);

        // Software: T steps of the regular encoder through the layer into the read-out, all within each step.
        const int T = 12, lag = 2;
        var layer = net.Layers[0];
        net.Reset();
        RunSoftware(layer, pixels, T, output => net.Readout.Step(output, 1));
        var software = net.Readout.Potentials[..3].ToArray();
        var run = await CoreSimulation.RunAsync(arch, chip.ForImage(pixels), new CoreSimulationOptions(T + lag));
        double Error(double[] onChip) => Enumerable.Range(0, 3).Max(c => Math.Abs(onChip[c] - software[c]));
        double largest = software.Max(Math.Abs), afterLag = Error(chip.ClassPotentials(run, T + lag)), atT = Error(chip.ClassPotentials(run, T));
        Assert.True(largest > 0, "the read-out took nothing: the check says nothing");
        Assert.True(afterLag <= 0.01 * largest, $"read at T + lag, off by {afterLag} against the software's {largest}");
        // Read at T, the read-out has had T - lag steps of evidence: far from the software's.
        Assert.True(atT > 4 * afterLag, $"read at T, off by {atT}; at T + lag, {afterLag}");
    }

    [Fact]
    public async Task A_conv_layer_placed_by_the_mappers_tiles_keeps_them_and_spikes_as_when_filled_in_order()
    {
        var (net, readout, pixels) = TinyConverted();
        var arch = Loihi();
        // 4 channels on 6 x 6 positions, tiles of 3 x 3 positions, 2 channels a core: 2 channel groups x 4 tiles = 8 cores,
        // 18 neurons each, after the input group's core 0. Cores go tile by tile, channel group by group within a tile.
        var tiles = new ConvTiles(new ConvGeometry(1, 6, 6, 3, 1, 1, 4, 6, 6), 1, 1, 1, 2, 3, 3);
        var filled = SoftHebbOnCores.Build(net, readout, arch, traceSpikes: true).ForImage(pixels);
        var tiled = SoftHebbOnCores.Build(net, readout, arch, traceSpikes: true, tiles: [tiles]).ForImage(pixels);

        int CoreOf(NeuronSpec n) => arch.Cores.Single(c => c.TileId == n.Placement!.Tile && c.Offset == n.Placement.CoreOffset).Id;
        var layer = tiled.Groups[1].Neurons;
        Assert.Equal(6, CoreOf(layer[(3 * 6 + 4) * 6 + 1])); // channel 3 (group 1) at (4, 1): tile (1, 0) = tile 2 -> 1 + 2 x 2 + 1
        Assert.Equal(1, CoreOf(layer[0]));
        Assert.All(layer.GroupBy(CoreOf), g => Assert.Equal(18, g.Count()));
        Assert.Equal(Enumerable.Range(1, 8), layer.Select(CoreOf).Distinct().Order());
        Assert.Equal([1], filled.Groups[1].Neurons.Select(CoreOf).Distinct());

        // Where a neuron sits changes the messages' routes, not what the network computes.
        var options = new CoreSimulationOptions(16);
        var a = await CoreSimulation.RunAsync(arch, filled, options);
        var b = await CoreSimulation.RunAsync(arch, tiled, options);
        Assert.True(a.Spikes.Count > 50, $"only {a.Spikes.Count} spikes: the check says nothing");
        Assert.Equal(a.Spikes, b.Spikes);
        Assert.NotEqual(a.Summary.NetworkEnergy, b.Summary.NetworkEnergy);
    }

    [Fact]
    public async Task A_tiled_layers_pooled_neurons_take_only_the_cores_their_windows_start_on()
    {
        var (net, readout, pixels) = TinyPooled(5, "max_2_2_0");
        var arch = Loihi();
        // Tiles of one position, all 4 channels a core: 36 cores for the convolution. The 2 x 2 windows at stride 2 start on
        // 9 of its positions, so the pooled neurons sit on 9 cores one after another, a window's 4 channels on each; with
        // every tile's core kept, 27 of 36 would stay empty and spread a network over more of a board's chips.
        var tiles = new ConvTiles(new ConvGeometry(1, 6, 6, 3, 1, 1, 4, 3, 3), 1, 1, 1, 4, 1, 1);
        var chip = SoftHebbOnCores.Build(net, readout, arch, traceSpikes: true, tiles: [tiles]);
        Assert.True(chip.PoolingOnTiles);
        var tiled = chip.ForImage(pixels);
        int CoreOf(NeuronSpec n) => arch.Cores.Single(c => c.TileId == n.Placement!.Tile && c.Offset == n.Placement.CoreOffset).Id;
        var pooled = tiled.Groups[2].Neurons.Select(CoreOf).ToArray();
        Assert.Equal(Enumerable.Range(pooled.Min(), 9), pooled.Distinct().Order());
        Assert.All(pooled.GroupBy(c => c), g => Assert.Equal(4, g.Count()));
        Assert.Equal(pooled.Min(), tiled.Groups[1].Neurons.Select(CoreOf).Max() + 1); // right after the convolution's 36

        var filled = SoftHebbOnCores.Build(net, readout, arch, traceSpikes: true).ForImage(pixels);
        var options = new CoreSimulationOptions(16);
        var a = await CoreSimulation.RunAsync(arch, filled, options);
        var b = await CoreSimulation.RunAsync(arch, tiled, options);
        Assert.True(a.Spikes.Count > 50, $"only {a.Spikes.Count} spikes: the check says nothing");
        Assert.Equal(a.Spikes, b.Spikes);
    }

    [Fact]
    public void The_mappers_tiles_reach_the_core_by_core_path_for_layers_it_does_not_split_and_on_TrueNorth_for_all()
    {
        using var tmp = new TempDir();
        string run = tmp.File("run");
        Cli.TrainTiny(run);
        var model = Learning.Pipeline.TrainedModel.Load(run);
        ChipModel Chip(string file) => ChipModelLoader.LoadFile(Path.Combine(Cli.RepoRoot, "hardware-models", file));

        // mnist-small on Loihi (docs/chip-energy-worked-example.md): hebb0 32 channels x 4x7 positions a core,
        // hebb1 8 channels x 7x7.
        var loihi = ChipSimulation.TilesOn(Chip("loihi.yaml"), model)!;
        Assert.Equal(2, loihi.Count);
        Assert.Equal((32, 4, 7), (loihi[0]!.ChannelsPerCore, loihi[0]!.TileHeight, loihi[0]!.TileWidth));
        Assert.Equal((8, 7, 7), (loihi[1]!.ChannelsPerCore, loihi[1]!.TileHeight, loihi[1]!.TileWidth));
        // On TrueNorth hebb1's fan-in is split into 4 slices; the core-by-core path relays their partial sums from the
        // slices' tiles (128 channels x 1x2 positions a core), which also lets hebb0's splitters fit the chip.
        var trueNorth = ChipSimulation.TilesOn(Chip("truenorth.yaml"), model)!;
        Assert.Equal((32, 2, 4), (trueNorth[0]!.ChannelsPerCore, trueNorth[0]!.TileHeight, trueNorth[0]!.TileWidth));
        Assert.Equal((4, 128, 1, 2), (trueNorth[1]!.Slices, trueNorth[1]!.ChannelsPerCore, trueNorth[1]!.TileHeight, trueNorth[1]!.TileWidth));
        // SpiNNaker 2 shares kernels: nothing is tiled.
        Assert.All(ChipSimulation.TilesOn(Chip("spinnaker2.yaml"), model)!, Assert.Null);
    }

    [Fact]
    public async Task On_TrueNorth_the_layers_get_splitter_groups_and_every_neuron_reaches_one_axon()
    {
        var (net, readout, pixels) = TinyConverted();
        var arch = Chip("truenorth");
        var chip = SoftHebbOnCores.Build(net, readout, arch);
        var spec = chip.ForImage(pixels);

        // input (36 neurons, core 0), its splitters (core 1), hebb0 (144, core 2), its splitters (core 3), the read-out
        // (cores 4 and 5: its 144 features in slices of 128, half a core's 256 axons): the conv and read-out weights have
        // both signs, so most input and conv neurons need a copy per sign.
        Assert.Equal(["input", Learning.Pipeline.SoftHebbGraph.LayerName(0), Learning.Pipeline.SoftHebbGraph.ReadoutName, "input_splitters", Learning.Pipeline.SoftHebbGraph.LayerName(0) + "_splitters"],
            spec.Groups.Select(g => g.Name));
        int CoreOf(NeuronSpec n) => arch.Cores.Single(c => c.TileId == n.Placement!.Tile && c.Offset == n.Placement.CoreOffset).Id;
        Assert.Equal([[0], [2], [4, 5], [1], [3]], spec.Groups.Select(g => g.Neurons.Select(CoreOf).Distinct().ToArray()));
        Assert.Equal(chip.ReadoutFirst, spec.Groups[2].First); // the network's own numbers stay

        // Every neuron now reaches one (core, weight sign) target: a chip whose neuron reaches one axon can wire it.
        var coreOf = spec.Groups.SelectMany(g => g.Neurons.Select(CoreOf)).ToArray();
        var c = spec.Connections;
        var targets = Enumerable.Range(0, c.Count).GroupBy(i => c.Pre[i], i => (coreOf[c.Post[i]], c.Weight[i] < 0));
        Assert.All(targets, t => Assert.Single(t.Distinct()));
        Assert.All(Enumerable.Range(0, c.Count).Where(i => c.Post[i] >= spec.Groups[3].First), i => Assert.Equal(1.0, c.Weight[i]));

        // It runs, and the same image built again gives the same network (the splitters are worked out once).
        Assert.Same(spec.Connections, chip.ForImage(pixels).Connections);
        Assert.Null(chip.ForcedWeightError);

        // With TrueNorth's typed axons each conv neuron's synapses take its two values, +a and −b; without, many.
        var north = ChipModelLoader.LoadFile(Path.Combine(Cli.RepoRoot, "hardware-models", "truenorth.yaml"));
        var forced = SoftHebbOnCores.Build(net, readout, arch, axonTypes: north.Limits.AxonTypes);
        int ValuesPerNeuron(SoftHebbOnCores n)
        {
            var built = n.ForImage(pixels);
            var hebb0 = built.Groups[1];
            var k = built.Connections;
            return Enumerable.Range(0, k.Count).Where(i => k.Post[i] >= hebb0.First && k.Post[i] < hebb0.First + hebb0.Neurons.Count)
                .GroupBy(i => k.Post[i], i => k.Weight[i]).Max(g => g.Distinct().Count());
        }
        Assert.Equal(2, ValuesPerNeuron(forced));
        Assert.True(ValuesPerNeuron(chip) > 2);
        Assert.True(forced.ForcedWeightError > 0);
        // A network forced already, channel by channel, with its read-out quantised as `simulate --run` does: the chip
        // holds its weights as they are, so the software run is the chip's network.
        var axons = north.Limits.AxonTypes!;
        var quantised = new LinearReadout(readout.Features, readout.Classes, 0f, new Random(0));
        WeightQuantizer.QuantizeAxonTypes(readout.Weights, readout.Classes, axons).Values.CopyTo(quantised.Weights);
        readout.Bias.CopyTo(quantised.Bias);
        var software = SpikingSoftHebbNetwork.Build([TinyLayer(new Random(3)).Conv], quantised, 1, 6, 6, net.Layers.Select(l => l.Scale).ToArray(), Options);
        Assert.True(ForcedChannels.Apply(software, [pixels], axons) > 0);
        var same = SoftHebbOnCores.Build(software, quantised, arch, axonTypes: axons);
        Assert.True(same.ForcedWeightError < 1e-6, $"the chip changed the forced weights by {same.ForcedWeightError}");
        var run = await CoreSimulation.RunAsync(arch, spec, new CoreSimulationOptions(8));
        Assert.True(run.Summary.NeuronsFired > 0);
    }

    [Theory]
    [InlineData("avg_2_2_0")]
    [InlineData("max_2_2_0")]
    public async Task Pooling_on_the_chip_counts_as_the_software_pooling_does(string pool)
    {
        var (net, readout, pixels) = TinyPooled(5, pool);
        var arch = Loihi();
        var spec = SoftHebbOnCores.Build(net, readout, arch, traceSpikes: true).ForImage(pixels);
        const int steps = 64;
        var run = await CoreSimulation.RunAsync(arch, spec, new CoreSimulationOptions(steps));

        var layer = net.Layers[0];
        var software = new double[layer.OutputLength];
        RunSoftware(layer, pixels, steps, output => { for (int i = 0; i < output.Length; i++) software[i] += output[i]; });
        var pooled = spec.Groups[2];
        var chip = new int[layer.OutputLength];
        foreach (var (neuron, _) in run.Spikes)
            if (neuron >= pooled.First && neuron < pooled.First + chip.Length) chip[neuron - pooled.First]++;
        Assert.True(software.Sum() > 100, "too few pooled events for the check to say anything");
        for (int i = 0; i < chip.Length; i++)
        {
            // The chip's pool neurons are two steps behind (input → conv → pool), so they may lack the last two steps.
            if (pool.StartsWith("avg", StringComparison.Ordinal))
                Assert.InRange(chip[i], software[i] - 3, software[i] + 1);
            else // OR pooling: a spike whenever any input spiked, at least the maximum's count
                Assert.True(chip[i] >= software[i] - 2, $"pooled neuron {i}: {chip[i]} on the chip, {software[i]} in software");
        }
        if (pool.StartsWith("avg", StringComparison.Ordinal)) AverageRounds(run, spec, layer, steps);
    }

    /// <summary>By hand: after its window's conv neurons have fired s times, a 2 x 2 average pooling neuron has fired
    /// round(s / 4) times (halves up), a step later; it does not drop the remainder, which at a few spikes a window (CIFAR-10
    /// at T = 8) would lose most of the mean.</summary>
    static void AverageRounds(CoreRunResult run, SpikingNetworkSpec spec, SpikingConvLayer layer, int steps)
    {
        var (conv, pooled) = (spec.Groups[1], spec.Groups[2]);
        var convCount = new int[steps + 1, conv.Neurons.Count];
        var pooledCount = new int[steps + 1, layer.OutputLength];
        foreach (var (neuron, step) in run.Spikes)
        {
            if (neuron >= conv.First && neuron < conv.First + conv.Neurons.Count) convCount[step, neuron - conv.First]++;
            if (neuron >= pooled.First && neuron < pooled.First + layer.OutputLength) pooledCount[step, neuron - pooled.First]++;
        }
        int checkedNonZero = 0;
        for (int i = 0; i < layer.OutputLength; i++)
        {
            int k = i / 9, oy = i % 9 / 3, ox = i % 3; // 3 x 3 pooled positions of 4 channels; windows of 2 x 2 at stride 2
            int windowSpikes = 0, fired = 0;
            for (int t = 1; t <= steps; t++)
            {
                fired += pooledCount[t, i];
                Assert.True(fired == (windowSpikes + 2) / 4, $"pooled neuron {i} at step {t}: fired {fired} after {windowSpikes} window spikes");
                if (fired > 0) checkedNonZero++;
                for (int y = 2 * oy; y < 2 * oy + 2; y++)
                    for (int x = 2 * ox; x < 2 * ox + 2; x++) windowSpikes += convCount[t, (k * 6 + y) * 6 + x];
            }
        }
        Assert.True(checkedNonZero > 100, "too few pooled spikes for the check to say anything");
    }

    [Theory]
    [InlineData(4, 2, 1, 4, "loihi")] // the demo's pooling: windows of 9, 12 and 16 positions on a 6x6 layer, 4 levels
    [InlineData(3, 2, 1, 4, "loihi")] // odd windows, halves of unequal depth (3x3 splits into 1x3 and 2x3)
    [InlineData(2, 2, 0, 2, "loihi")] // windows that do not overlap
    [InlineData(4, 2, 1, 4, "truenorth")] // every hop through a splitter or waiting its step: two steps a level
    public async Task Max_pooling_as_comparator_trees_counts_the_windows_highest_as_the_software_does(int kernel, int stride, int padding,
        int depth, string chipFile)
    {
        var (net, readout, pixels) = TinyPooled(7, $"max_{kernel}_{stride}_{padding}");
        int outSize = net.Layers[0].OutHeight;
        var arch = Chip(chipFile);
        int hop = arch.Splitters is null ? 1 : 2; // the steps a spike takes to the next group
        var chipNet = SoftHebbOnCores.Build(net, readout, arch, traceSpikes: true, maxPool: MaxPoolCircuit.Tree);
        var spec = chipNet.ForImage(pixels);
        const int steps = 48;
        var run = await CoreSimulation.RunAsync(arch, spec, new CoreSimulationOptions(steps));

        // Software: the exact maximum of the window's spike counts, step by step.
        var layer = net.Layers[0];
        var software = SoftwareCounts(layer, pixels, steps);
        // Input, conv, a group per tree level (their synapses waiting to align the halves), the pooled neurons (then any
        // splitters); a pooled spike leaves depth + 2 hops after the input's, and the read-out has it a hop later.
        Assert.Equal(["input", "hebb0", .. Enumerable.Range(1, depth).Select(l => $"hebb0_maxtree{l}"), "hebb0_maxpool", "readout"],
            spec.Groups.Select(g => g.Name).Where(n => !n.EndsWith("_splitters", StringComparison.Ordinal)));
        Assert.Equal(hop * (depth + 3), chipNet.ReadoutLag);
        var pooled = spec.Groups.Single(g => g.Name == "hebb0_maxpool");
        var conv0 = spec.Groups.Single(g => g.Name == "hebb0");
        var chip = new int[layer.OutputLength];
        var convSpikes = new List<(int Neuron, long Step)>();
        foreach (var (neuron, step) in run.Spikes)
        {
            if (neuron >= pooled.First && neuron < pooled.First + chip.Length) chip[neuron - pooled.First]++;
            if (neuron >= conv0.First && neuron < conv0.First + conv0.Neurons.Count) convSpikes.Add((neuron - conv0.First, step));
        }
        int seen = steps - hop * (depth + 2); // the software steps whose spikes the chip's pooled neurons have passed on
        var exact = software[seen - 1];
        Assert.True(exact.Sum() > 100, "too few pooled spikes for the check to say anything");
        // A comparator remembers the largest lead its second half had: where two halves swap the lead (close rates out of
        // phase) the pooled count passes the maximum, by at most a spike per level; over all windows by 1.3 % for the
        // demo's pooling (at most 2 in one).
        for (int i = 0; i < chip.Length; i++)
            Assert.True(chip[i] >= exact[i] && chip[i] <= exact[i] + depth, $"pooled neuron {i}: {chip[i]} on the chip, {exact[i]} the exact maximum");
        Assert.InRange(chip.Sum() - exact.Sum(), 0, 0.03 * exact.Sum());

        // An OR neuron on the same conv spikes (chip step s is the software's step s - hop) would count far more: the check
        // tells the two apart.
        int or = 0;
        for (int k = 0; k < 4; k++)
            for (int oy = 0; oy < outSize; oy++)
                for (int ox = 0; ox < outSize; ox++)
                {
                    bool InWindow(int c) => c / 36 == k && c % 36 / 6 - (oy * stride - padding) is >= 0 and var dy && dy < kernel
                        && c % 6 - (ox * stride - padding) is >= 0 and var dx && dx < kernel;
                    or += convSpikes.Where(s => s.Step <= seen + hop && InWindow(s.Neuron)).Select(s => s.Step).Distinct().Count();
                }
        Assert.True(or > 1.1 * exact.Sum(), $"OR pooling would count {or} spikes against the maximum's {exact.Sum()}");
    }

    [Theory]
    [InlineData("max_2_2_0", 0.7f)] // the power after the pooling (comparator trees, 2 levels), knees and a neuron adding them: the demo's first layer
    [InlineData("avg_2_2_0", 1.4f)] // the power before the pooling, which adds the knees up: the demo's second
    public async Task The_triangles_power_on_the_chip_counts_as_the_software_power_does(string pool, float power)
    {
        var (net, readout, pixels) = TinyPooled(5, pool, power, PowerOptions);
        var layer = net.Layers[0];
        var arch = Loihi();
        var chipNet = SoftHebbOnCores.Build(net, readout, arch, traceSpikes: true, maxPool: MaxPoolCircuit.Tree, powerKnees: 3);
        var spec = chipNet.ForImage(pixels);
        bool max = pool.StartsWith("max", StringComparison.Ordinal);
        string[] groups = max ? ["input", "hebb0", "hebb0_maxtree1", "hebb0_maxtree2", "hebb0_maxpool", "hebb0_knees", "hebb0_power", "readout"]
            : ["input", "hebb0", "hebb0_knees", "hebb0_avgpool", "readout"];
        Assert.Equal(groups, spec.Groups.Select(g => g.Name));
        const int steps = 96;
        var run = await CoreSimulation.RunAsync(arch, spec, new CoreSimulationOptions(steps));

        // Software: rate-threshold neurons whose counts follow T·a^P/Λ, pooled; the chip's output group, `lag` steps from
        // the input, has passed on the software's first steps − lag steps.
        var software = SoftwareCounts(layer, pixels, steps);
        int lag = groups.Length - 2;
        var expected = software[steps - lag - 1];
        var output = spec.Groups.Single(g => g.Name == groups[^2]);
        var chip = new double[layer.OutputLength];
        var early = new double[layer.OutputLength]; // after 8 steps of evidence: the knees' lag must not cost their first steps
        foreach (var (neuron, step) in run.Spikes)
            if (neuron >= output.First && neuron < output.First + chip.Length)
            {
                chip[neuron - output.First]++;
                if (step <= lag + 8) early[neuron - output.First]++; // steps count from 1
            }
        Assert.True(expected.Sum() > 200, "too few pooled spikes for the check to say anything");
        // Three knees put f within 0.012 of r^P (a spike in 80 steps), each neuron rounds its count, and the comparators may
        // pass the maximum by a spike a level: a couple of spikes.
        for (int i = 0; i < chip.Length; i++)
            Assert.True(Math.Abs(chip[i] - expected[i]) <= 2.5, $"output {i}: {chip[i]} on the chip, {expected[i]:F2} in software");
        Assert.InRange(chip.Sum() - expected.Sum(), -0.03 * expected.Sum(), 0.03 * expected.Sum());
        // After 8 steps each output is within a spike and a half: each knee's count is a whole number of spikes, and the
        // neuron adding them weighs its rounding by the slopes (up to 2.8 for P = 0.7).
        for (int i = 0; i < chip.Length; i++)
            Assert.True(Math.Abs(early[i] - software[7][i]) <= 1.5, $"output {i} after 8 steps: {early[i]} on the chip, {software[7][i]:F2} in software");

        // The same layer with the power taken as 1 counts far from the software's power: the check tells them apart.
        var (linear, _, _) = TinyPooled(5, pool, power, Options);
        var linearCounts = new double[layer.OutputLength];
        RunSoftware(linear.Layers[0], pixels, steps - lag, o => { for (int i = 0; i < o.Length; i++) linearCounts[i] += o[i]; });
        Assert.True(linearCounts.Zip(expected, (a, e) => Math.Abs(a - e)).Sum() > 5 * chip.Zip(expected, (a, e) => Math.Abs(a - e)).Sum(),
            "the power taken as 1 would count about as close to the software's power as the knees do");
    }

    [Fact]
    public async Task With_knees_a_folded_average_pooling_gives_the_read_out_the_softwares_powered_potentials()
    {
        // The power comes before the average pooling; folded, the read-out weighs each conv neuron's powered output.
        var (net, readout, pixels) = TinyPooled(5, "avg_2_2_0", 1.4f, PowerOptions);
        var (folded, foldedReadout) = net.FoldLastAveragePooling(readout);
        var arch = Loihi();
        var chip = SoftHebbOnCores.Build(folded, foldedReadout, arch, powerKnees: 3);
        Assert.Equal(["input", "hebb0", "hebb0_knees", "hebb0_power", "readout"], chip.ForImage(pixels).Groups.Select(g => g.Name));
        const int T = 48;
        var run = await CoreSimulation.RunAsync(arch, chip.ForImage(pixels), new CoreSimulationOptions(T + chip.ReadoutLag));
        var onChip = chip.ClassPotentials(run, T + chip.ReadoutLag);
        // Software: the pooled network, its power exact, T steps into its read-out.
        net.Reset();
        RunSoftware(net.Layers[0], pixels, T, output => net.Readout.Step(output, 1));
        var software = net.Readout.Potentials[..3].ToArray();
        double largest = software.Max(Math.Abs), error = Enumerable.Range(0, 3).Max(c => Math.Abs(onChip[c] - software[c]));
        Assert.True(largest > 0, "the read-out took nothing: the check says nothing");
        // Three knees put each rate within 0.012 of r^P, and each powered neuron rounds its count to whole spikes.
        Assert.True(error <= 0.05 * largest, $"off by {error} against the software's {largest}");
        // The power taken as 1 gives other potentials: the check tells them apart.
        var (linear, linearReadout, _) = TinyPooled(5, "avg_2_2_0", 1.4f, Options);
        linear.Reset();
        RunSoftware(linear.Layers[0], pixels, T, output => linear.Readout.Step(output, 1));
        double linearError = Enumerable.Range(0, 3).Max(c => Math.Abs(linear.Readout.Potentials[c] - software[c]));
        Assert.True(linearError > 4 * error, $"the power taken as 1 is off by {linearError}, the knees by {error}");
    }

    [Fact]
    public async Task With_graded_spikes_the_knees_bring_the_read_out_to_the_powered_networks_rates()
    {
        // The graded network's two layers with the demo's powers, Λ the largest calibration value (every rate within the
        // knees' range [0, 1]).
        var (net, readout, pixels) = TinyTwoLayers(0.7f, 1.4f, PowerOptions with { Percentile = 100 });
        var arch = Chip("loihi2");
        var expected = net.RatePotentials(pixels); // each layer's a^P/Λ, from Spiking's own code
        double largest = expected.Max(Math.Abs);
        // The read-out's largest error against the powered rates, with 1, 3 and 8 knees: it shrinks as the sum of ReLUs
        // closes on r^P, to the chip's resolution.
        var errors = new List<double>();
        foreach (int knees in new[] { 1, 3, 8 })
        {
            var chip = SoftHebbOnCores.Build(net, readout, arch, graded: true, powerKnees: knees);
            // input, hebb0, its max pooling, its knees, the powered values, hebb1, its knees, its average pooling, the read-out.
            Assert.Equal(9, chip.Depth);
            var run = await CoreSimulation.RunAsync(arch, chip.ForImage(pixels), new CoreSimulationOptions(chip.Depth + 1));
            var potentials = chip.ClassPotentials(run, chip.Depth);
            Assert.Equal(potentials, chip.ClassPotentials(run, chip.Depth + 1)); // the answer holds while the image is held
            errors.Add(Enumerable.Range(0, 3).Max(c => Math.Abs(potentials[c] - expected[c])) / largest);
        }
        Assert.True(errors[0] > errors[1] && errors[1] > errors[2], $"errors {string.Join(", ", errors)} do not shrink with more knees");
        Assert.True(errors[2] < 4e-3, $"with 8 knees the read-out is {errors[2]:P3} of the largest potential off the powered rates");
    }

    [Fact]
    public async Task With_graded_spikes_the_chip_computes_the_networks_rates_in_one_step_per_group()
    {
        // Two conv layers (max then average pooling) and the read-out, on Loihi 2, whose spikes carry a value.
        var (net, readout, pixels) = TinyTwoLayers(1f, 1f, Options);
        var arch = Chip("loihi2");
        // The software reference: every layer's rates g(current)/Λ, pooled exactly, into the read-out (Spiking's own code).
        var expected = net.RatePotentials(pixels);
        double largest = expected.Max(Math.Abs);
        Assert.True(expected.Max() - expected.Min() > 0.05 * largest, "the classes' potentials hardly differ: the check says nothing");
        // The 16 features on one core, then split in two on cores of 8 input axons.
        foreach (var (chipArch, slices) in new[] { (arch, 1), (arch with { AxonsPerCore = 8 }, 2) })
        {
            var chip = SoftHebbOnCores.Build(net, readout, chipArch, graded: true);
            Assert.Equal(slices, chip.ReadoutSlices);
            // input, hebb0, its max pooling, hebb1, its average pooling, the read-out: the answer at step 6.
            Assert.Equal(6, chip.Depth);
            var run = await CoreSimulation.RunAsync(chipArch, chip.ForImage(pixels), new CoreSimulationOptions(chip.Depth + 2));
            for (int step = chip.Depth; step <= run.Potentials.Count; step++) // the answer holds while the image is held
            {
                var potentials = chip.ClassPotentials(run, step);
                for (int c = 0; c < 3; c++)
                    Assert.True(Math.Abs(potentials[c] - expected[c]) <= 2e-3 * largest,
                        $"{slices} slices, step {step}, class {c}: {potentials[c]} on the chip, {expected[c]} in software");
            }
            // A step earlier the image has not yet passed every layer: the read-out holds something else.
            Assert.False(chip.ClassPotentials(run, chip.Depth - 1).SequenceEqual(chip.ClassPotentials(run, chip.Depth)));
        }

        // A binary-spike chip refuses the graded network, and so does one whose splitter neurons would relay spikes, not values.
        Assert.Throws<Application.UserErrorException>(() => SoftHebbOnCores.Build(net, readout, Loihi(), graded: true));
        var north = Chip("truenorth");
        var e = Assert.Throws<Application.UserErrorException>(() => SoftHebbOnCores.Build(net, readout, north with { GradedPayloadBits = 32 }, graded: true));
        Assert.Contains("splitter", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_channel_forced_per_axon_type_keeps_its_responses_where_they_vary_and_its_bias_takes_the_mean()
    {
        // A 1 x 1 convolution of three input channels at one position; inputs 0 and 1 fire at the same rate x (0.2, 0.5
        // or 0.9), input 2 always at 0.5. Channel 0 weighs them 1, 0.2 and -0.9 (channel 1 the opposite, so the folded
        // channel mean is 0): its current is 1.2x - 0.45. The nearest +a, -b or 0 weights (1, 0, -0.9) give x - 0.45.
        // Chosen for the responses, the first two weights must add up to 1.2, whatever input 2's weight, and the bias
        // takes back input 2's mean: the current stays 1.2x - 0.45 on every image.
        float[] weights = [1, 0.2f, -0.9f, -1, -0.2f, 0.9f];
        var options = Options;
        var layer = new SpikingConvLayer(weights, 2, 3, 1, 1, 1, 0, PaddingMode.Zeros, new float[3], Enumerable.Repeat(1 - 1e-5f, 3).ToArray(), 1e-5f,
            1, null, 1, 1, 1, PowerApproximation.Linear, foldInhibition: true);
        var net = new SpikingSoftHebbNetwork(3, 1, 1, [layer], new SpikingReadout(new float[4], new float[2], 2, 2, 1, 1), options);
        float[][] images = [[0.2f, 0.2f, 0.5f], [0.5f, 0.5f, 0.5f], [0.9f, 0.9f, 0.5f]];
        float Current(float[] image) { var c = new float[2]; layer.InputCurrent(image, c); return c[0]; }
        var axons = new AxonTypeWeights(4, 9);

        var nearest = WeightQuantizer.QuantizeAxonTypes(layer.ChannelWeights(0), 1, axons).Values;
        Assert.Equal([1, 0, -0.9], nearest.Select(w => Math.Round(w, 2))); // -0.9 to 9 bits of 1: -0.898
        Assert.True(ForcedChannels.Apply(net, images, axons) > 0);
        foreach (var image in images)
        {
            Assert.Equal(1.2 * image[0] - 0.45, Current(image), 1e-5);
            Assert.NotEqual(nearest[0] * image[0] + nearest[2] * image[2], Current(image), 1e-2); // the nearest weights would miss it
        }
        var forced = layer.ChannelWeights(0);
        Assert.Equal(1.2f, forced[0] + forced[1], 1e-5f);
        Assert.True(forced.Where(w => w > 0).Distinct().Count() <= 1 && forced.Where(w => w < 0).Distinct().Count() <= 1, string.Join(" ", forced));
    }

    [Fact]
    public async Task An_average_pooling_folded_into_the_read_out_reads_the_conv_neurons_and_gives_the_softwares_potentials()
    {
        var (net, readout, pixels) = TinyPooled(5, "avg_2_2_0");
        var arch = Loihi();
        var pooled = SoftHebbOnCores.Build(net, readout, arch);
        var (foldedNet, foldedReadout) = net.FoldLastAveragePooling(readout);
        var folded = SoftHebbOnCores.Build(foldedNet, foldedReadout, arch);
        // input → hebb0 → read-out: no pooled neurons, and a step less from the input to the read-out.
        Assert.Equal(["input", "hebb0", "readout"], folded.ForImage(pixels).Groups.Select(g => g.Name));
        Assert.Equal(["input", "hebb0", "hebb0_avgpool", "readout"], pooled.ForImage(pixels).Groups.Select(g => g.Name));
        Assert.Equal((2, 3), (folded.ReadoutLag, pooled.ReadoutLag));
        // Each class reads every one of the 4 x 6 x 6 conv neurons that a window holds (here all: 2 x 2 windows at stride 2).
        var spec = folded.ForImage(pixels);
        Assert.Equal(3 * 144, Enumerable.Range(0, spec.Connections.Count).Count(i => spec.Connections.Post[i] >= folded.ReadoutFirst));

        // Software: T steps of the layer, its average pooling exact (fractional events), into the read-out.
        const int T = 12;
        net.Reset();
        RunSoftware(net.Layers[0], pixels, T, output => net.Readout.Step(output, 1));
        var software = net.Readout.Potentials[..3].ToArray();
        double largest = software.Max(Math.Abs);
        Assert.True(largest > 0, "the read-out took nothing: the check says nothing");
        async Task<double> ErrorOf(SoftHebbOnCores chip)
        {
            var run = await CoreSimulation.RunAsync(arch, chip.ForImage(pixels), new CoreSimulationOptions(T + chip.ReadoutLag));
            var onChip = chip.ClassPotentials(run, T + chip.ReadoutLag);
            return Enumerable.Range(0, 3).Max(c => Math.Abs(onChip[c] - software[c]));
        }
        double foldedError = await ErrorOf(folded), pooledError = await ErrorOf(pooled);
        Assert.True(foldedError <= 5e-3 * largest, $"folded, off by {foldedError} against the software's {largest}");
        // A counting neuron per window passes a spike per k² of its inputs' and keeps the rest: the read-out misses it.
        Assert.True(pooledError > 20 * foldedError, $"pooled neurons off by {pooledError}, folded by {foldedError}");

        // Graded spikes on Loihi 2: after one step per group the read-out holds the network's rate potentials.
        var loihi2 = Chip("loihi2");
        var graded = SoftHebbOnCores.Build(foldedNet, foldedReadout, loihi2, graded: true);
        Assert.Equal(3, graded.Depth);
        var gradedRun = await CoreSimulation.RunAsync(loihi2, graded.ForImage(pixels), new CoreSimulationOptions(graded.Depth));
        var expected = net.RatePotentials(pixels);
        var potentials = graded.ClassPotentials(gradedRun, graded.Depth);
        for (int c = 0; c < 3; c++)
            Assert.True(Math.Abs(potentials[c] - expected[c]) <= 2e-3 * expected.Max(Math.Abs), $"class {c}: {potentials[c]} on the chip, {expected[c]} in software");

        // Max pooling is not linear: it does not fold.
        var (maxNet, maxReadout, _) = TinyPooled(5, "max_2_2_0");
        var e = Assert.Throws<NotSupportedException>(() => maxNet.FoldLastAveragePooling(maxReadout));
        Assert.Contains("only an average pooling", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_placement_fits_only_where_no_core_gets_more_neurons_than_it_holds()
    {
        var b = new ChipNetworkBuilder(Loihi(), "a test network"); // 1,024 neurons a core
        Assert.True(b.Fits(2048, (2, n => n / 1024)));
        Assert.False(b.Fits(2048, (2, n => n < 1025 ? 0 : 1))); // 1,025 on the first core
        Assert.False(b.Fits(10, (129, n => n))); // more cores than the chip has
    }

    [Fact]
    public void Cores_filled_in_order_close_before_their_input_axons_pass_the_chips()
    {
        // A chip of 1,024 neurons and 4 input axons a core. Sources by neuron: 0: {0, 1}; 1: {1, 2}; 2: {3, 4}, which
        // would make five with the first two; 3: {10..15}, six alone, so it takes a core of its own; 4: {15}, already
        // there. Expected cores, counted from the group's first: 0, 0, 1, 2, 2.
        var b = new ChipNetworkBuilder(Loihi() with { AxonsPerCore = 4 }, "a test network");
        int[][] sources = [[0, 1], [1, 2], [3, 4], [10, 11, 12, 13, 14, 15], [15]];
        int group = b.AddGroup("g", 5, _ => null, sourcesOf: n => sources[n]);
        var cores = b.Groups[group].Neurons.Select(n => n.Placement!.CoreOffset).ToArray();
        Assert.Equal([0, 0, 1, 2, 2], cores.Select(c => c - cores[0]));

        Assert.True(b.AxonsFit(3, (2, n => n == 2 ? 1 : 0), n => sources[n]));
        Assert.False(b.AxonsFit(3, (1, _ => 0), n => sources[n])); // {0..4} on one core
        Assert.True(new ChipNetworkBuilder(Loihi(), "a test network").AxonsFit(3, (1, _ => 0), n => sources[n])); // 4,096 axons
    }

    [Fact]
    public void A_group_that_shares_cores_starts_on_the_room_the_group_before_left()
    {
        // Loihi's cores hold 1,024 neurons: 1,500 take one core and 476 of the next; 600 more sharing fill its 548 places
        // and put 52 on a third core; a group that does not share starts on a fourth.
        static (int, int) CoreOf(ChipNetworkBuilder builder, int group, int neuron) =>
            builder.Groups[group].Neurons[neuron].Placement is { } p ? (p.Tile, p.CoreOffset) : default;
        var b = new ChipNetworkBuilder(Loihi(), "a test network");
        (int, int) core(int group, int neuron) => CoreOf(b, group, neuron);
        int a = b.AddGroup("a", 1500, _ => null);
        int shared = b.AddGroup("b", 600, _ => null, shareCore: true);
        int alone = b.AddGroup("c", 10, _ => null);
        Assert.Equal(core(a, 1499), core(shared, 0));
        Assert.Equal(core(shared, 547), core(shared, 0));
        Assert.NotEqual(core(shared, 548), core(shared, 0));
        Assert.NotEqual(core(shared, 599), core(alone, 0));

        // The shared core's input axons carry over: with 4 a core, {0, 1, 2} then {3} fit one core, {5} opens the next.
        var narrow = new ChipNetworkBuilder(Loihi() with { AxonsPerCore = 4 }, "a test network");
        (int, int) at(int group, int neuron) => CoreOf(narrow, group, neuron);
        int[][] sources = [[3], [5]];
        int first = narrow.AddGroup("a", 1, _ => null, sourcesOf: _ => [0, 1, 2]);
        int second = narrow.AddGroup("b", 2, _ => null, sourcesOf: n => sources[n], shareCore: true);
        Assert.Equal(at(first, 0), at(second, 0));
        Assert.NotEqual(at(second, 0), at(second, 1));
    }

    [Fact]
    public async Task On_TrueNorth_the_read_out_is_sliced_by_half_a_cores_axons_and_a_feature_takes_an_axon_per_sign_of_its_weights()
    {
        // Features 0-47 unread, 48-95 read with positive weights only (one axon each), 96-143 with both signs (two, one
        // per splitter copy). On cores of 100 axons a slice holds 50 features, whatever their signs, as `simulate --run`
        // quantises them (each class a neuron per slice, with its own two values): slice 0 takes 2 axons (48, 49),
        // slice 1 46 + 4 x 2 = 54, slice 2 the other 44 x 2 = 88.
        var (net, readout, pixels) = TinyConverted();
        for (int c = 0; c < 3; c++)
            for (int f = 0; f < 144; f++)
                readout.Weights[c * 144 + f] = f < 48 ? 0 : f < 96 ? 0.5f + c : c == 1 ? -0.5f : 0.5f;
        var arch = Chip("truenorth") with { AxonsPerCore = 100 };
        var chip = SoftHebbOnCores.Build(net, readout, arch);
        Assert.Equal(3, chip.ReadoutSlices);
        var spec = chip.ForImage(pixels);
        var run = await CoreSimulation.RunAsync(arch, spec, new CoreSimulationOptions(8));
        var readoutCores = spec.Groups.Single(g => g.Name == "readout").Neurons.Select(n => (n.Placement!.Tile, n.Placement.CoreOffset)).Distinct().ToList();
        Assert.Equal([2, 54, 88], readoutCores.Select(rc => run.Cores.Single(c => (c.Tile, c.CoreOffset) == rc).AxonsIn));
    }

    [Fact]
    public void On_TrueNorth_each_slice_of_a_classs_read_out_row_takes_its_own_two_values_and_the_bias_the_mean_they_moved()
    {
        // A class over features weighing 1, 0.9, 0.1 and 0.12. As one neuron, +a is best kept on the two large ones
        // ((1 + 0.9)² / 2 = 1.805 beats 2.02² / 3 = 1.36): 0.95, 0.95, 0, 0. On cores of 4 axons (2 features, one axon
        // per sign) each class is a neuron per 2 features, and the second keeps its own +a: 0.95, 0.95, 0.11, 0.11.
        var limits = ChipModelLoader.LoadFile(Path.Combine(Cli.RepoRoot, "hardware-models", "truenorth.yaml")).Limits;
        float[] Quantised(int fanIn)
        {
            var readout = new LinearReadout(4, 2, 0f, new Random(0)); // the second class the first's opposite
            new float[] { 1, 0.9f, 0.1f, 0.12f, -1, -0.9f, -0.1f, -0.12f }.CopyTo(readout.Weights, 0);
            Assert.True(ChipSimulation.QuantizeReadout(readout, limits with { FanIn = fanIn }) > 0);
            Assert.Equal(readout.Weights[..4].Select(w => -w), readout.Weights[4..]);
            return readout.Weights[..4];
        }
        Assert.Equal(2, ChipSimulation.ReadoutSlice(4));
        Assert.Equal([0.95, 0.95, 0, 0], Quantised(8).Select(w => Math.Round(w, 4)));
        Assert.Equal([0.95, 0.95, 0.11, 0.11], Quantised(4).Select(w => Math.Round(w, 4)));

        // Given the features' means (1, 0, 0, 1), each class's bias takes back the mean response the quantisation moved:
        // (1 - 0.95)·1 + (0.12 - 0.11)·1 = 0.06 for the first class, -0.06 for its opposite.
        var withMeans = new LinearReadout(4, 2, 0f, new Random(0));
        new float[] { 1, 0.9f, 0.1f, 0.12f, -1, -0.9f, -0.1f, -0.12f }.CopyTo(withMeans.Weights, 0);
        float[] bias = [withMeans.Bias[0], withMeans.Bias[1]];
        ChipSimulation.QuantizeReadout(withMeans, limits with { FanIn = 4 }, [1, 0, 0, 1]);
        Assert.Equal(0.06, withMeans.Bias[0] - bias[0], 1e-6);
        Assert.Equal(-0.06, withMeans.Bias[1] - bias[1], 1e-6);
    }

    [Fact]
    public void The_features_means_are_in_the_read_outs_units_so_its_mean_potential_is_the_weights_times_them()
    {
        // The read-out's potential with rates in place of spikes is bias + W·(Λ·rate); over images its mean is then
        // bias + W·FeatureMeans, which is what a class's bias must take back when W moves.
        var (net, readout, pixels) = TinyConverted();
        var rng = new Random(11);
        var images = Enumerable.Range(0, 4).Select(i => i == 0 ? pixels : pixels.Select(_ => (float)rng.NextDouble()).ToArray()).ToList();
        var means = net.FeatureMeans(images);
        var potentials = images.Select(x => net.RatePotentials(x)).ToList();
        for (int c = 0; c < readout.Classes; c++)
        {
            double expected = readout.Bias[c] + Enumerable.Range(0, readout.Features).Sum(f => readout.Weights[c * readout.Features + f] * means[f]);
            Assert.Equal(expected, potentials.Average(p => p[c]), 1e-3);
        }
        // Another read-out on the same layers: its potentials, the same features.
        var other = new LinearReadout(readout.Features, readout.Classes, 0f, new Random(5));
        var swapped = net.WithReadout(other);
        Assert.Same(net.Layers, swapped.Layers);
        double otherExpected = other.Bias[0] + Enumerable.Range(0, other.Features).Sum(f => other.Weights[f] * means[f]);
        Assert.Equal(otherExpected, images.Average(x => swapped.RatePotentials(x)[0]), 1e-3);
    }

    [Fact]
    public async Task A_read_out_with_more_features_than_a_core_has_axons_is_split_into_partials_the_host_adds()
    {
        // The tiny layer's 144 features, every read-out weight non-zero, on a Loihi whose cores take 50 input axons:
        // slices of features 0-49, 50-99 and 100-143, each class a partial accumulator on each slice's core.
        var (net, readout, pixels) = TinyConverted();
        Assert.DoesNotContain(0f, readout.Weights.ToArray());
        var whole = SoftHebbOnCores.Build(net, readout, Loihi());
        var narrow = Loihi() with { AxonsPerCore = 50 };
        var split = SoftHebbOnCores.Build(net, readout, narrow);
        Assert.Equal((1, 3), (whole.ReadoutSlices, split.ReadoutSlices));
        var spec = split.ForImage(pixels);
        var partials = spec.Groups[2].Neurons;
        Assert.Equal(9, partials.Count);
        Assert.Equal(3, partials.Select(n => (n.Placement!.Tile, n.Placement.CoreOffset)).Distinct().Count());
        Assert.All(partials.Chunk(3), slice => Assert.Single(slice.Select(n => (n.Placement!.Tile, n.Placement.CoreOffset)).Distinct()));

        const int steps = 12;
        var one = await CoreSimulation.RunAsync(Loihi(), whole.ForImage(pixels), new CoreSimulationOptions(steps));
        var three = await CoreSimulation.RunAsync(narrow, spec, new CoreSimulationOptions(steps));
        var readoutCores = partials.Select(n => (n.Placement!.Tile, n.Placement.CoreOffset)).ToHashSet();
        Assert.Equal([50, 50, 44], three.Cores.Where(c => readoutCores.Contains((c.Tile, c.CoreOffset))).Select(c => c.AxonsIn));
        Assert.Null(AxonLimit.Exceeded(narrow, spec, three.Cores));
        Assert.NotNull(AxonLimit.Exceeded(narrow, whole.ForImage(pixels), one.Cores)); // unsplit, its core takes 144

        // The layers spike alike, and each feature's spike still reaches one core; a class's partials add up to the whole
        // accumulator, but for the chip's rounding to 1/64: each step it rounds each of the three partials and the whole
        // once, so by step t they may differ by up to t · 4 · 1/128.
        Assert.Equal((one.Summary.SynapticEvents, one.Summary.Messages, one.Summary.NeuronsFired),
            (three.Summary.SynapticEvents, three.Summary.Messages, three.Summary.NeuronsFired));
        Assert.True(one.Summary.NeuronsFired > 50, "hardly any spikes: the check says nothing");
        for (int t = 1; t <= steps; t++)
        {
            var expected = whole.ClassPotentials(one, t);
            var added = split.ClassPotentials(three, t);
            for (int c = 0; c < 3; c++) Assert.True(Math.Abs(added[c] - expected[c]) <= t * 4 / 128.0, $"step {t}, class {c}: {added[c]} against {expected[c]}");
            Assert.Equal(whole.Classify(one, t), split.Classify(three, t));
        }
        Assert.Contains(expected: true, Enumerable.Range(1, steps).Select(t => whole.ClassPotentials(one, t).Distinct().Count() == 3));
    }

    [Fact]
    public async Task A_layer_whose_fan_in_the_mapper_slices_relays_its_partial_sums_as_spikes_to_merge_neurons()
    {
        // hebb1 reads 4 channels x 3 x 3 of hebb0; the tiles slice its inputs in two (channels 0-1 and 2-3), all 6 x 6
        // positions a core. On cores of 100 axons a whole hebb1 core takes 4 x 36 = 144; a slice's 2 x 36 = 72; a merge
        // neuron 4 (two partials a slice), so 25 merge neurons a core.
        var rng = new Random(11);
        var conv1 = new SoftHebbConv2d(new SoftHebbConv2dConfig(1, 4, 3, 1, 1f, 0.01f, 0.5f, 1f), rng);
        var conv2 = new SoftHebbConv2d(new SoftHebbConv2dConfig(4, 4, 3, 1, 1f, 0.01f, 0.5f, 1f), rng);
        var readout = new LinearReadout(4 * 6 * 6, 3, 0f, rng);
        var pixels = Enumerable.Range(0, 36).Select(_ => (float)rng.NextDouble()).ToArray();
        var net = SpikingSoftHebbNetwork.Build([conv1, conv2], readout, 1, 6, 6,
            SpikingSoftHebbNetwork.Calibrate([conv1, conv2], new Tensor(pixels.ToArray(), 1, 1, 6, 6), Options), Options);
        var arch = Loihi() with { AxonsPerCore = 100 };
        var sliced = new ConvTiles(new ConvGeometry(4, 6, 6, 3, 1, 1, 4, 6, 6), 1, 2, 2, 4, 6, 6);
        var relayed = SoftHebbOnCores.Build(net, readout, arch, traceSpikes: true, tiles: [null, sliced]).ForImage(pixels);
        var whole = SoftHebbOnCores.Build(net, readout, arch, traceSpikes: true).ForImage(pixels);

        Assert.Equal(["input", "hebb0", "hebb1_partials", "hebb1", "readout"], relayed.Groups.Select(g => g.Name));
        int CoreOf(NeuronSpec n) => arch.Cores.Single(c => c.TileId == n.Placement!.Tile && c.Offset == n.Placement.CoreOffset).Id;
        Assert.Equal([144, 144, 144, 144], relayed.Groups[2].Neurons.GroupBy(CoreOf).Select(g => g.Count()));
        Assert.Equal([25, 25, 25, 25, 25, 19], relayed.Groups[3].Neurons.GroupBy(CoreOf).Select(g => g.Count()));

        const int steps = 24;
        var one = await CoreSimulation.RunAsync(arch, whole, new CoreSimulationOptions(steps));
        var two = await CoreSimulation.RunAsync(arch, relayed, new CoreSimulationOptions(steps));
        Assert.NotNull(AxonLimit.Exceeded(arch, whole, one.Cores)); // hebb1's core takes 144
        Assert.Null(AxonLimit.Exceeded(arch, relayed, two.Cores));

        int[] Counts(CoreRunResult run, NeuronGroupSpec g, int before) =>
            Enumerable.Range(0, g.Neurons.Count).Select(n => run.Spikes.Count(x => x.Neuron == g.First + n && x.Step <= before)).ToArray();
        // hebb0 is as before: its spikes, step by step.
        Assert.Equal(Counts(one, whole.Groups[1], steps), Counts(two, relayed.Groups[1], steps));
        Assert.True(Counts(one, whole.Groups[1], steps).Sum() > 100, "hebb0 hardly fires: the check says nothing");

        // Each partial, worked out here from hebb0's spikes and the layer's own synapses: a spike of step t adds its
        // weight (x 4096 / Λ) at step t + 1; the partial starts at θ/2, fires when it holds θ = 4096 (the merge neuron's
        // threshold), keeps the rest, and is floored at −θ/2.
        var layer = net.Layers[1];
        double theta = 4096.0, unit = 4096 / layer.Scale;
        var fired = two.Spikes.GroupBy(x => x.Neuron).ToDictionary(g => g.Key, g => g.Select(x => x.Step).ToHashSet());
        var synapses = layer.Synapses().ToLookup(x => x.Neuron);
        int partials = 0;
        for (int n = 0; n < layer.Neurons; n++)
            for (int slice = 0; slice < 2; slice++)
                for (int sign = 0; sign < 2; sign++)
                {
                    double v = theta / 2;
                    int expected = 0;
                    for (int t = 2; t <= steps; t++)
                    {
                        foreach (var (input, _, w) in synapses[n])
                            if (input / 36 / 2 == slice && fired.GetValueOrDefault(relayed.Groups[1].First + input)?.Contains(t - 1) == true)
                                v += (sign == 0 ? w : -w) * unit;
                        if (v >= theta) { v -= theta; expected++; }
                        v = Math.Max(v, -theta / 2);
                    }
                    int partial = relayed.Groups[2].First + (2 * slice + sign) * layer.Neurons + n;
                    int onChip = fired.GetValueOrDefault(partial)?.Count ?? 0;
                    Assert.True(onChip == expected, $"partial ({slice}, {sign}) of {n}: {onChip} spikes on the chip, {expected} by hand");
                    partials += expected;
                }
        Assert.True(partials > 100, $"only {partials} partial spikes: the check says nothing");

        // The merge neurons, a step behind the whole layer's, fire as often within one spike: each partial holds back
        // between −θ/2 and θ/2.
        var merged = Counts(two, relayed.Groups[3], steps);
        var unsplit = Counts(one, whole.Groups[2], steps - 1);
        Assert.All(Enumerable.Range(0, merged.Length), n => Assert.InRange(merged[n], unsplit[n] - 1, unsplit[n] + 1));
        Assert.True(merged.Where((m, n) => m == unsplit[n]).Count() >= merged.Length * 3 / 4, "most merge neurons fire as the whole ones do");
        Assert.True(unsplit.Sum() > 100, "hebb1 hardly fires: the check says nothing");
    }
}
