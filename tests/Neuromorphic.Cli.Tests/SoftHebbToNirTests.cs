using Neuromorphic.Application.Simulation;
using Neuromorphic.Interop.Nir;
using Neuromorphic.Learning;
using Neuromorphic.Spiking;
using Neuromorphic.Tensors;

namespace Neuromorphic.Cli.Tests;

/// <summary>A small trained-looking SoftHebb network (1×8×8 → conv 4 + max pool 2 → conv 6 + avg pool 2 → 3 classes)
/// in its spiking form, exported to NIR: structure, folded weights against the spiking layer's own synapses and
/// against the formula, and the official NIR package reading the file.</summary>
public sealed class SoftHebbToNirTests
{
    static readonly float[] Scales = [0.75f, 1.25f];

    /// <param name="pixels">When given, Λ is twice the largest activation on them instead of <see cref="Scales"/>: rates stay
    /// below half a spike per step, so no step's input carries a membrane past its threshold and beyond.</param>
    static (SpikingSoftHebbNetwork Net, SoftHebbConv2d[] Convs, LinearReadout Readout) Network(bool fold = true, int padding = 1, int side = 8,
        string pool = "max_2_2_0", float[]? pixels = null)
    {
        var rng = new Random(7);
        SoftHebbConv2d[] convs =
        [
            new(new SoftHebbConv2dConfig(1, 4, 3, padding, 1f, 0.01f, 0.5f, 1f, Pool: pool), rng),
            new(new SoftHebbConv2dConfig(4, 6, 3, padding, 1f, 0.01f, 0.5f, 1f, Pool: "avg_2_2_0"), rng),
        ];
        // BatchNorm statistics that are not the identity, so the fold shows in the weights and biases.
        foreach (var conv in convs)
            for (int c = 0; c < conv.Norm.RunningMean.Length; c++)
            {
                conv.Norm.RunningMean[c] = (float)(rng.NextDouble() - 0.5);
                conv.Norm.RunningVar[c] = (float)(0.5 + rng.NextDouble());
            }
        int pooled = ((side + 2 * padding - 2) / 2 + 2 * padding - 2) / 2;
        var readout = new LinearReadout(6 * pooled * pooled, 3, 0f, rng);
        var options = new SpikingConversionOptions { Power = PowerApproximation.Linear, FoldInhibition = fold, BatchSize = 1, Percentile = 100 };
        var scales = pixels is null ? Scales
            : SpikingSoftHebbNetwork.Calibrate(convs, new Tensor(pixels.ToArray(), 1, 1, side, side), options).Select(l => 2 * l).ToArray();
        return (SpikingSoftHebbNetwork.Build(convs, readout, 1, side, side, scales, options), convs, readout);
    }

    static NirGraph Export(double dt = SoftHebbToNir.DefaultDt)
    {
        var (net, convs, readout) = Network();
        return SoftHebbToNir.Convert(net, convs, readout, dt);
    }

    [Fact]
    public void The_graph_is_a_chain_of_conv_if_and_pooling_then_the_readout()
    {
        var graph = Export();

        string[] chain = ["input", "conv1", "if1", "sumpool1", "or1", "conv2", "if2", "avgpool2", "flatten", "readout", "potentials", "output"];
        Assert.Equal(chain.Zip(chain.Skip(1)).ToList(), graph.Edges);
        Assert.Equal(chain.Order(StringComparer.Ordinal), graph.Nodes.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["Input", "Conv2d", "IF", "SumPool2d", "Threshold", "Conv2d", "IF", "AvgPool2d", "Flatten", "Affine", "I", "Output"],
            chain.Select(n => graph.Nodes[n].Type));

        Assert.Equal([1, 8, 8], graph.Nodes["input"].InputShape!);
        var conv1 = Assert.IsType<NirConv2d>(graph.Nodes["conv1"]);
        Assert.Equal([4, 1, 3, 3], conv1.Weight.Shape);
        Assert.Equal([1, 1], conv1.Padding);
        Assert.Equal([4, 8, 8], conv1.OutputShape!);
        Assert.Equal([4, 4, 4], Assert.IsType<NirThreshold>(graph.Nodes["or1"]).Threshold.Shape);
        Assert.All(((NirThreshold)graph.Nodes["or1"]).Threshold.Data, t => Assert.Equal(0.5, t));
        var conv2 = Assert.IsType<NirConv2d>(graph.Nodes["conv2"]);
        Assert.Equal([4, 4, 4], conv2.InputShape!);
        Assert.Equal([6, 4, 4], conv2.OutputShape!);
        Assert.Equal([2, 2], Assert.IsType<NirAvgPool2d>(graph.Nodes["avgpool2"]).KernelSize);
        Assert.Equal([24], graph.Nodes["flatten"].OutputShape!);
        Assert.Equal([3, 24], Assert.IsType<NirAffine>(graph.Nodes["readout"]).Weight.Shape);
        Assert.Equal([3], graph.Nodes["output"].InputShape!);
    }

    [Fact]
    public void The_if_neurons_fire_at_half_lambda_reset_to_minus_half_lambda_and_r_is_one_over_dt()
    {
        var graph = Export(dt: 1e-4);

        for (int l = 0; l < 2; l++)
        {
            var neuron = Assert.IsType<NirIF>(graph.Nodes[$"if{l + 1}"]);
            Assert.All(neuron.VThreshold.Data, v => Assert.Equal(Scales[l] / 2.0, v));
            Assert.All(neuron.VReset.Data, v => Assert.Equal(-Scales[l] / 2.0, v));
            Assert.All(neuron.R.Data, r => Assert.Equal(1e4, r, 1e-9));
        }
        Assert.All(Assert.IsType<NirIntegrator>(graph.Nodes["potentials"]).R.Data, r => Assert.Equal(1e4, r, 1e-9));
        Assert.Equal("0.0001", graph.Metadata["dt"]);
        Assert.Equal("0.75, 1.25", graph.Metadata["lambda"]);
        foreach (string key in new[] { "time_step", "reset", "padding", "pooling", "input", "readout" })
            Assert.False(string.IsNullOrWhiteSpace(graph.Metadata[key]), key);
    }

    [Fact]
    public void A_folded_weight_is_the_synapse_the_spiking_layer_lists_for_an_interior_neuron()
    {
        var (net, convs, readout) = Network();
        var graph = SoftHebbToNir.Convert(net, convs, readout);
        var layer = net.Layers[1]; // 4×4 input, padding 1: neuron (k, 1, 1) sees input rows and columns 0..2 directly
        var weight = Assert.IsType<NirConv2d>(graph.Nodes["conv2"]).Weight;

        int checkedSynapses = 0;
        foreach (var (input, neuron, w) in layer.Synapses())
        {
            int k = neuron / 16, oy = neuron / 4 % 4, ox = neuron % 4;
            if (oy != 1 || ox != 1) continue;
            int c = input / 16, y = input / 4 % 4, x = input % 4;
            Assert.Equal((double)w, weight.Data[((k * 4 + c) * 3 + y) * 3 + x]);
            checkedSynapses++;
        }
        Assert.Equal(6 * 4 * 3 * 3, checkedSynapses);
    }

    [Fact]
    public void Weights_and_biases_fold_the_batchnorm_the_input_amplitude_and_the_channel_mean()
    {
        var (net, convs, readout) = Network();
        var graph = SoftHebbToNir.Convert(net, convs, readout);
        var conv = Assert.IsType<NirConv2d>(graph.Nodes["conv2"]);
        var trained = convs[1];
        var w = trained.Weights.Span.ToArray();
        double Sigma(int c) => Math.Sqrt(trained.Norm.RunningVar[c] + (double)trained.Norm.Eps);
        // W'[k, c, t] = Λ1·W/σ_c − mean over k; b_k = −Σ W·μ_c/σ_c − mean over k.
        double Scaled(int k, int c, int t) => Scales[0] * w[(k * 4 + c) * 9 + t] / Sigma(c);
        double Shift(int k) => -Enumerable.Range(0, 4).Sum(c => Enumerable.Range(0, 9).Sum(t => w[(k * 4 + c) * 9 + t] * trained.Norm.RunningMean[c] / Sigma(c)));
        double meanShift = Enumerable.Range(0, 6).Average(Shift);
        foreach (var (k, c, t) in new[] { (0, 0, 0), (2, 1, 4), (5, 3, 8) })
        {
            double expected = Scaled(k, c, t) - Enumerable.Range(0, 6).Average(j => Scaled(j, c, t));
            Assert.Equal(expected, conv.Weight.Data[(k * 4 + c) * 9 + t], 1e-5);
            Assert.Equal(Shift(k) - meanShift, conv.Bias.Data[k], 1e-5);
        }

        // The read-out: its weights times the last layer's Λ, its bias as trained.
        var affine = Assert.IsType<NirAffine>(graph.Nodes["readout"]);
        Assert.Equal(readout.Weights[5] * Scales[1], affine.Weight.Data[5]);
        Assert.Equal(readout.Bias.Select(b => (double)b), affine.Bias.Data);
    }

    [Fact]
    public async Task Solved_exactly_the_graph_spikes_as_the_software_network_does()
    {
        // No padding (NIR's zeros would differ from the reflection at the border), average pooling (no OR stand-in) and
        // no neuron near one spike a step (where a membrane can end a step above threshold, and NIR's reset from there
        // loses what subtraction keeps): what is left is the shifted reset, which an exact step that resets at the
        // crossing instant makes a subtraction of Λ.
        var rng = new Random(11);
        var pixels = Enumerable.Range(0, 100).Select(_ => (float)rng.NextDouble()).ToArray();
        var (net, convs, readout) = Network(padding: 0, side: 10, pool: "avg_2_2_0", pixels: pixels);
        var graph = SoftHebbToNir.Convert(net, convs, readout);

        const int steps = 40;
        var membrane = Enumerable.Repeat(0.5f, pixels.Length).ToArray();
        var stimulus = new List<float[]>();
        net.Reset();
        for (int t = 0; t < steps; t++)
        {
            var x = new float[pixels.Length];
            SpikingInput.RegularStep(pixels, membrane, x);
            stimulus.Add(x);
            foreach (var layer in net.Layers)
            {
                var y = new float[layer.OutputLength];
                layer.Step(x, 1, y);
                x = y;
            }
            net.Readout.Step(x, 1);
        }
        var run = await NirRunner.RunAsync(NirPlan.Compile(graph, "softhebb"), new NirRunOptions(SoftHebbToNir.DefaultDt, steps), 1, stimulus);

        for (int l = 0; l < net.Layers.Count; l++)
        {
            var layer = net.Layers[l];
            var counts = new int[layer.Neurons];
            foreach (var (_, neuron) in run.Raster[$"if{l + 1}"]) counts[neuron]++;
            int exact = 0;
            for (int i = 0; i < layer.Neurons; i++)
            {
                int k = i / (layer.ConvHeight * layer.ConvWidth), y = i / layer.ConvWidth % layer.ConvHeight, x = i % layer.ConvWidth;
                int software = (int)layer.SpikeCount(0, k, y, x);
                // Float (here) against double (there) can split a tie at the threshold: one spike apart at most.
                Assert.True(Math.Abs(software - counts[i]) <= 1, $"layer {l + 1} neuron ({k}, {y}, {x}): {software} spikes here, {counts[i]} in NIR");
                if (software == counts[i]) exact++;
            }
            Assert.True(exact >= layer.Neurons * 95 / 100, $"layer {l + 1}: {exact} of {layer.Neurons} neurons with the same count");
        }
        // The read-out's potentials: the same sums, in float here and double there.
        var theirs = run.Outputs["output"][steps - 1];
        for (int c = 0; c < readout.Classes; c++)
            Assert.Equal(net.Readout.Potentials[c], theirs[c], 1e-3 * Math.Max(1, Math.Abs(theirs[c])));
    }

    [Fact]
    public void A_network_with_its_inhibition_as_interneurons_or_other_trained_layers_is_refused_by_layer()
    {
        var (unfolded, convs, readout) = Network(fold: false);
        var error = Assert.Throws<ArgumentException>(() => SoftHebbToNir.Convert(unfolded, convs, readout));
        Assert.Contains("Layer 1", error.Message);

        var (net, _, _) = Network();
        var swapped = Network().Convs.Reverse().ToArray();
        error = Assert.Throws<ArgumentException>(() => SoftHebbToNir.Convert(net, swapped, readout));
        Assert.Contains("Layer 1", error.Message);

        var edited = Network().Convs;
        edited[1].Weights.Span[0] += 1;
        error = Assert.Throws<ArgumentException>(() => SoftHebbToNir.Convert(net, edited, readout));
        Assert.Contains("Layer 2", error.Message);
        Assert.Contains("bias current differs", error.Message);
    }

    [Fact]
    public void A_trained_run_exports_in_two_lines_and_reads_back()
    {
        using var tmp = new TempDir();
        string run = tmp.File("run");
        Cli.TrainTiny(run);

        string path = tmp.File("softhebb.nir");
        NirWriter.Write(SoftHebbToNir.FromRun(run, RepositoryPaths.DefaultDataset), path);

        // mnist-small: 1×28×28 → 32 5×5 (max_4_2_1: 14×14) → 128 3×3 (avg_2_2_0: 7×7) → 10 classes.
        var graph = NirReader.Read(path);
        Assert.Equal([32, 1, 5, 5], Assert.IsType<NirConv2d>(graph.Nodes["conv1"]).Weight.Shape);
        Assert.Equal([32, 14, 14], Assert.IsType<NirThreshold>(graph.Nodes["or1"]).Threshold.Shape);
        Assert.Equal([128, 32, 3, 3], Assert.IsType<NirConv2d>(graph.Nodes["conv2"]).Weight.Shape);
        Assert.Equal([10, 128 * 7 * 7], Assert.IsType<NirAffine>(graph.Nodes["readout"]).Weight.Shape);
        Assert.Equal(2, graph.Metadata["lambda"].Split(", ").Length);
        Assert.Equal(11, graph.Edges.Count);
    }

    [Fact]
    public void A_folder_that_is_not_a_run_is_a_user_error()
    {
        using var tmp = new TempDir();
        var error = Assert.Throws<UserErrorException>(() => SoftHebbToNir.FromRun(tmp.Path, RepositoryPaths.DefaultDataset));
        Assert.Contains(tmp.Path, error.Message);
    }

    [Fact]
    public void The_written_graph_reads_in_the_official_nir_package_with_its_type_checks()
    {
        string path = Path.Combine(Path.GetTempPath(), $"softhebb-{Guid.NewGuid():N}.nir");
        try
        {
            NirWriter.Write(Export(), path);
            string stdout = OfficialNir.Run("""
                import sys, nir
                g = nir.read(sys.argv[1])
                print(" ".join(f"{n}:{type(g.nodes[n]).__name__}" for n in sorted(g.nodes)), g.nodes["output"].output_type["output"].tolist(),
                      g.metadata["dt"])
                """, path);

            Assert.Equal("avgpool2:AvgPool2d conv1:Conv2d conv2:Conv2d flatten:Flatten if1:IF if2:IF input:Input or1:Threshold " +
                         "output:Output potentials:I readout:Affine sumpool1:SumPool2d [3] 0.001", stdout.Trim());
        }
        finally
        {
            File.Delete(path);
        }
    }
}
