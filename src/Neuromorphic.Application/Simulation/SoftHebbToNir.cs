using System.Globalization;
using Neuromorphic.Datasets;
using Neuromorphic.Engine;
using Neuromorphic.Interop.Nir;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Spiking;
using Neuromorphic.Tensors;

namespace Neuromorphic.Application.Simulation;

/// <summary>
/// A trained SoftHebb network in its spiking form (<see cref="SpikingSoftHebbNetwork"/> with the linear power and the
/// inhibition folded, as <see cref="SoftHebbOnCores"/> takes it) as a NIR graph, written process by process from the
/// network's description (<see cref="SpikingSoftHebbNetwork.Description"/>):
/// Input (C, H, W) → per layer Conv2d (BatchNorm, input amplitude and the Triangle's channel-mean inhibition folded into
/// the weights; bias = the layer's bias current) → IF → pooling → … → Flatten → Affine (the read-out) → I → Output.
/// What NIR's semantics do not carry exactly (also written into the graph's metadata):
/// <list type="bullet">
/// <item>time: NIR neurons are continuous (dv/dt = R·I). r = 1/dt on every IF and I node, so one step of dt under a
/// held input adds the step's current once, as one step here does; dt is recorded (default 1 ms).</item>
/// <item>reset: ours resets by subtraction, starts at Λ/2 and fires at v ≥ Λ; NIR's IF resets to v_reset, starts at
/// 0 and fires at v &gt; v_threshold. Potentials are shifted by −Λ/2 (v_threshold = Λ/2, v_reset = −Λ/2), so the start
/// matches, and a simulator that solves a step exactly under a held input, resetting at the crossing instant and
/// integrating the rest of the step from v_reset, subtracts exactly Λ (while no neuron ends a step above threshold);
/// one stepping by forward Euler loses the overshoot at each spike.</item>
/// <item>padding: the presets pad by reflection; NIR's Conv2d pads with zeros, so neurons at the border get another
/// current (the interior is exact).</item>
/// <item>pooling: average pooling is AvgPool2d (the 1/k² share per spike); max pooling, which NIR lacks, is SumPool2d
/// then Threshold 0.5: an OR of the window's spikes in each step, the chip path's stand-in, whose count is at least
/// the largest count the software's exact max pooling passes on.</item>
/// <item>input: the graph takes spikes; the pixel encoder (an IF neuron per pixel, current x, threshold 1, started at ½,
/// reset by subtraction) stays outside it.</item>
/// </list>
/// </summary>
public static class SoftHebbToNir
{
    /// <summary>Seconds per time step unless told otherwise.</summary>
    public const double DefaultDt = 1e-3;

    /// <summary>The trained run in <paramref name="run"/> converted as `simulate --softhebb` converts it (Λ calibrated on
    /// the first 100 training images of <paramref name="data"/>), as a NIR graph.</summary>
    public static NirGraph FromRun(string run, string data, double dt = DefaultDt)
    {
        var model = Evaluation.LoadModel(run);
        Evaluation.RequireDataFolder(data);
        var train = DatasetDirectory.Open(data, DatasetSplit.Train, 100, model.Preset.InputShape);
        var options = new SpikingConversionOptions { Power = PowerApproximation.Linear, FoldInhibition = true, BatchSize = 1 };
        try
        {
            var net = SpikingSoftHebbNetwork.Convert(model, train, options);
            return Convert(net, model.Network.Layers.Cast<SoftHebbConv2d>().ToList(), model.Readout, dt);
        }
        catch (NotSupportedException e) { throw new UserErrorException(e.Message, e); }
    }

    /// <summary>Converts <paramref name="net"/>; <paramref name="convs"/> and <paramref name="readout"/> are the trained layers
    /// it was built from (the folded weights are taken from them through the spiking layer's own folding).</summary>
    public static NirGraph Convert(SpikingSoftHebbNetwork net, IReadOnlyList<SoftHebbConv2d> convs, LinearReadout readout, double dt = DefaultDt)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(convs);
        ArgumentNullException.ThrowIfNull(readout);
        if (!(dt > 0) || !double.IsFinite(dt)) throw new ArgumentOutOfRangeException(nameof(dt), dt, "dt must be a finite number of seconds > 0.");
        if (convs.Count != net.Layers.Count) throw new ArgumentException($"{convs.Count} conv layers for a network of {net.Layers.Count}.", nameof(convs));
        var nodes = new Dictionary<string, NirNode>();
        var edges = new List<(string, string)>();
        string? previous = null;
        void Add(string name, NirNode node)
        {
            nodes.Add(name, node);
            if (previous is not null) edges.Add((previous, name));
            previous = name;
        }

        // Each process of the network's description, upstream first, as NIR nodes.
        foreach (var process in net.Description.Processes)
            switch (process)
            {
                case InputProcess: Add("input", new NirInput([net.Channels, net.Height, net.Width])); break;
                case HebbianLayerProcess p: AddLayer(net.Layers[p.Index], convs[p.Index], p.Index + 1); break;
                case PoolingProcess p: AddPooling(net.Layers[p.LayerIndex], p.Pool, p.LayerIndex + 1); break;
                case ReadoutProcess: AddReadout(); break;
                case OutputProcess: Add("output", new NirOutput([readout.Classes])); break;
                default: throw new NotSupportedException($"{process} has no NIR nodes.");
            }
        return new NirGraph(nodes, edges, Metadata(net, dt));

        void AddLayer(SpikingConvLayer layer, SoftHebbConv2d conv, int n)
        {
            if (layer.Power != 1f || !layer.FoldInhibition)
                throw new ArgumentException($"Layer {n}: NIR's IF neuron is a plain integrate-and-fire neuron; convert with the linear power and the inhibition folded.", nameof(net));
            int pad = (layer.ConvHeight - layer.InHeight + layer.Kernel - 1) / 2;
            Add($"conv{n}", new NirConv2d([layer.InHeight, layer.InWidth], FoldedWeights(layer, conv, n), [1, 1], [pad, pad], null, [1, 1], 1,
                Vector(Enumerable.Range(0, layer.K).Select(k => (double)layer.BiasCurrent(k)))));
            int[] neurons = [layer.K, layer.ConvHeight, layer.ConvWidth];
            Add($"if{n}", new NirIF(Filled(neurons, 1 / dt), Filled(neurons, layer.Scale / 2.0), Filled(neurons, -layer.Scale / 2.0)));
        }

        void AddPooling(SpikingConvLayer layer, PoolSpec pool, int n)
        {
            int[] k = [pool.Kernel, pool.Kernel], s = [pool.Stride, pool.Stride], p = [pool.Padding, pool.Padding];
            if (pool.Type == PoolType.Avg) Add($"avgpool{n}", new NirAvgPool2d(k, s, p));
            else
            {
                Add($"sumpool{n}", new NirSumPool2d(k, s, p));
                Add($"or{n}", new NirThreshold(Filled([layer.K, layer.OutHeight, layer.OutWidth], 0.5)));
            }
        }

        void AddReadout()
        {
            var last = net.Layers[^1];
            if (readout.Features != last.OutputLength || readout.Classes != net.Readout.Classes)
                throw new ArgumentException($"The read-out takes {readout.Features} features to {readout.Classes} classes; the network gives {last.OutputLength} to {net.Readout.Classes}.", nameof(readout));
            Add("flatten", new NirFlatten(0, -1, [last.K, last.OutHeight, last.OutWidth]));
            // One event of the last layer stands for Λ: the same float product as SpikingReadout's.
            var weights = readout.Weights.Select(w => (double)(w * last.Scale)).ToArray();
            Add("readout", new NirAffine(new NirTensor(weights, [readout.Classes, readout.Features]), Vector(readout.Bias.Select(b => (double)b))));
            Add("potentials", new NirIntegrator(Filled([readout.Classes], 1 / dt)));
        }
    }

    /// <summary>Layer <paramref name="n"/>'s weights as NIR's (K, C, k, k), exactly as the spiking layer folds them: a copy
    /// of the layer over a k × k input has one neuron per channel, and each of its synapses is one weight.</summary>
    static NirTensor FoldedWeights(SpikingConvLayer layer, SoftHebbConv2d conv, int n)
    {
        var cfg = conv.Config;
        int k = layer.Kernel, c = layer.InChannels;
        if (cfg.OutChannels != layer.K || cfg.InChannels != c || cfg.KernelSize != k)
            throw new ArgumentException($"Layer {n}: the conv layer given is ({cfg.OutChannels}, {cfg.InChannels}, {cfg.KernelSize}), the network's ({layer.K}, {c}, {k}).", nameof(conv));
        var copy = new SpikingConvLayer(conv.Weights.Span, layer.K, c, k, k, k, 0, cfg.PaddingMode, conv.Norm.RunningMean, conv.Norm.RunningVar,
            conv.Norm.Eps, layer.TrainedPower, null, layer.InputAmplitude, layer.Scale, 1, layer.Approximation, layer.FoldInhibition);
        for (int o = 0; o < layer.K; o++)
            if (copy.BiasCurrent(o) != layer.BiasCurrent(o))
                throw new ArgumentException($"Layer {n}: the conv layer given is not the one the network was built from (channel {o}'s bias current differs).", nameof(conv));
        var weights = new double[layer.K * c * k * k];
        foreach (var (input, neuron, w) in copy.Synapses()) weights[neuron * c * k * k + input] = w;
        return new NirTensor(weights, [layer.K, c, k, k]);
    }

    static Dictionary<string, string> Metadata(SpikingSoftHebbNetwork net, double dt)
    {
        string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        return new Dictionary<string, string>
        {
            ["source"] = "Neuromorphic: a trained SoftHebb network in its spiking form (integrate-and-fire layers, BatchNorm and the " +
                         "Triangle's channel-mean inhibition folded into the conv weights and biases, the Triangle's power taken as 1)",
            ["dt"] = Number(dt),
            ["time_step"] = $"One step of the spiking network is one step of dt = {Number(dt)} s: r = 1/dt on every IF and I node, so a node " +
                            "adds R·I·dt = I, the step's current, under an input held for dt; the conv biases are currents held every step.",
            ["lambda"] = string.Join(", ", net.Layers.Select(l => Number(l.Scale))),
            ["input"] = "Input carries spikes (0 or 1 per pixel and step). The encoder stays outside the graph: pixel x in [0, 1] is a current " +
                        "x into an IF neuron with threshold 1, started at 1/2 and reset by subtraction, so it fires round(t·x) times in t steps.",
            ["reset"] = "The spiking layers fire at v >= Λ (lambda), reset by subtracting Λ, and start at Λ/2. NIR's IF fires at v > v_threshold, " +
                        "resets to v_reset and starts at 0, so potentials are shifted by -Λ/2: v_threshold = Λ/2, v_reset = -Λ/2. The start " +
                        "matches. Solved exactly under an input held through the step, with the reset at the crossing instant and the rest " +
                        "of the step integrated from v_reset, the reset subtracts exactly Λ (unless a neuron ends a step above threshold); " +
                        "stepped by forward Euler, the overshoot past the threshold is lost at each spike.",
            ["padding"] = "The conv layers pad their input by reflection; NIR's Conv2d pads with zeros, so neurons within the padding of the " +
                          "border get another input current (and the bias, which folds the BatchNorm shift, is exact only in the interior).",
            ["pooling"] = "Average pooling is AvgPool2d (each spike adds 1/k² to its windows). Max pooling is SumPool2d then Threshold 0.5: " +
                          "an OR of the window's spikes in each step, as on the chips; the software network instead fires when the window's " +
                          "largest spike count grows, so the OR fires at least as often.",
            ["readout"] = "Flatten (channels first), Affine (the read-out's weights times the last layer's Λ, and its bias) and I: the class " +
                          "is the largest integrated potential after the last step.",
        };
    }

    static NirTensor Vector(IEnumerable<double> values)
    {
        var data = values.ToArray();
        return new NirTensor(data, [data.Length]);
    }

    static NirTensor Filled(int[] shape, double value) => new(Enumerable.Repeat(value, shape.Aggregate(1, (a, b) => a * b)).ToArray(), shape);
}
