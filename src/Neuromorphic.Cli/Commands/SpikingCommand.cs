using System.Globalization;
using Neuromorphic.Application;
using Neuromorphic.Datasets;
using Neuromorphic.Engine;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Plotting;
using Neuromorphic.Spiking;

namespace Neuromorphic.Cli.Commands;

/// <summary>`spiking`: spiking inference of a trained SoftHebb run, and the spiking benchmarks (CUBA, STDP WTA).</summary>
public sealed class SpikingCommand : ICliCommand
{
    public string Name => "spiking";
    public string Summary => "spiking SoftHebb inference (accuracy vs time steps), the CUBA network, the STDP WTA layer";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("spiking softhebb",
            "Converts the trained network to rate-coded integrate-and-fire layers (BN folded into the synapses, the Triangle's\n" +
            "mean as lateral inhibition, the power P by rate-threshold neurons or ignored with --power linear, pooling on spike\n" +
            "counts, a non-spiking accumulating read-out) and classifies the test split through the engine. Prints accuracy at\n" +
            "each T beside the rate-based accuracy, and spikes and synaptic accumulates per image per layer. Then records the\n" +
            "first layer of one test image under regular and Poisson input coding. Writes RUN_DIR/spiking.json,\n" +
            "RUN_DIR/spiking-traces.json and the plots spiking-accuracy, spike-raster, spike-raster-poisson and\n" +
            "membrane-traces (PNG and SVG) into RUN_DIR/plots.",
            CommonOptions.Run, CommonOptions.Data,
            new CliOption("steps", "T1,T2,...", "time-step counts at which accuracy is read", Default: "4,8,16,32,64"),
            new CliOption("encoder", "regular|poisson", "input coding: deterministic integrate-and-fire or Poisson", Default: "regular"),
            CommonOptions.LimitTest,
            new CliOption("power", "rate-threshold|linear", "how the power P is approximated", Default: "rate-threshold"),
            new CliOption("percentile", "P", "Λ of each layer: this percentile of its positive activations on 100 training images", Default: "99.9"),
            new CliOption("fold-inhibition", null, "fold the Triangle's lateral inhibition into the synapses"),
            new CliOption("max-pool", "exact|or", "max pooling of spikes: a spike whenever the window's highest count grows (the exact " +
                "maximum), or whenever any of its neurons fired in the step (the OR neuron of a binary-spike chip)", Default: "exact"),
            new CliOption("batch", "N", "images simulated together", Default: "50"),
            new CliOption("threads", "N", "images of a batch simulated in parallel", DefaultNote: "all cores"),
            new CliOption("seed", "N", "seed of the Poisson input", Default: "1"),
            new CliOption("raster", "by-rate:N|most-active:N|map:K|all",
                "the raster's neurons: N spread over the active neurons' spike counts, the N most active, feature map K, or all", Default: "by-rate:200"),
            new CliOption("trace-image", "I", "the test image whose raster and membranes are recorded", Default: "0")),
        new("spiking cuba",
            "The CUBA benchmark (4000 current-based LIF neurons, p = 0.02, dt 0.1 ms): wall time, spikes, rates, synaptic\n" +
            "events/s. Writes a raster of 400 neurons (the first 320 E and the first 80 I, coloured, population rate below)\n" +
            "and membrane traces of 3 neurons.",
            new CliOption("seconds", "S", "biological time simulated", Default: "1"),
            new CliOption("out", "DIR", "output folder", Default: "runs/cuba")),
        new("spiking wta",
            "Trains the STDP winner-take-all layer (784 -> 100, 350 ms per sample) on training images of the MNIST sample,\n" +
            "labels its neurons on them and tests it; prints accuracy and samples/s and writes a raster of one test sample.",
            new CliOption("samples", "N", "training images", Default: "100"),
            new CliOption("limit-test", "N", "test images", Default: "100"),
            CommonOptions.Data,
            new CliOption("out", "DIR", "output folder", Default: "runs/wta"),
            new CliOption("seed", "N", "seed of weights and input spikes", Default: "1")),
    ];

    public async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        if (args.Positional.Count != 1)
            throw new UserErrorException("spiking needs one of: softhebb, cuba, wta (see 'neuromorphic spiking --help').");
        return args.Positional[0] switch
        {
            "softhebb" => await SoftHebbAsync(args, cancellationToken),
            "cuba" => await CubaAsync(args, cancellationToken),
            "wta" => await WtaAsync(args, cancellationToken),
            string other => throw new UserErrorException($"unknown spiking experiment '{other}': use softhebb, cuba or wta."),
        };
    }

    static int[] ParseSteps(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var steps = new List<int>();
        foreach (var p in parts)
        {
            if (!int.TryParse(p, NumberStyles.Integer, CultureInfo.InvariantCulture, out int s) || s < 1 || s > 100_000)
                throw new UserErrorException($"--steps takes comma-separated whole numbers in 1..100000, got '{p}'.");
            steps.Add(s);
        }
        if (steps.Count == 0) throw new UserErrorException("--steps needs at least one time-step count.");
        return steps.Distinct().Order().ToArray();
    }

    async Task<int> SoftHebbAsync(CommandArguments args, CancellationToken ct)
    {
        string run = args.String("run") ?? throw new UserErrorException("spiking softhebb needs --run RUN_DIR.");
        var options = ParseSoftHebb(args);
        args.ThrowOnUnknown(Name + " softhebb");
        await RunSoftHebbAsync(run, options, ct);
        return 0;
    }

    /// <summary>The settings of `spiking softhebb`, absent options at their declared defaults (the demo's spiking step
    /// reads its settings through here too, so every default is the one --help shows).</summary>
    internal static SoftHebbSpikingOptions ParseSoftHebb(CommandArguments args) =>
        new()
        {
            Data = args.String("data") ?? RepositoryPaths.DefaultDataset,
            Steps = ParseSteps(args.String("steps")!),
            Encoding = args.String("encoder")! switch
            {
                "regular" => SpikeInputEncoding.Regular,
                "poisson" => SpikeInputEncoding.Poisson,
                string e => throw new UserErrorException($"--encoder must be regular or poisson, got '{e}'."),
            },
            Power = args.String("power")! switch
            {
                "rate-threshold" => PowerApproximation.RateThreshold,
                "linear" => PowerApproximation.Linear,
                string p => throw new UserErrorException($"--power must be rate-threshold or linear, got '{p}'."),
            },
            Percentile = args.Double("percentile", 1, 100)!.Value,
            FoldInhibition = args.Flag("fold-inhibition"),
            MaxPooling = args.String("max-pool")! switch
            {
                "exact" => SpikeMaxPooling.Exact,
                "or" => SpikeMaxPooling.AnySpike,
                string m => throw new UserErrorException($"--max-pool must be 'exact' or 'or', got '{m}'."),
            },
            LimitTest = args.Int("limit-test", min: 1),
            Batch = args.Int("batch", min: 1)!.Value,
            Threads = args.Int("threads", min: 1) ?? Environment.ProcessorCount,
            Seed = args.Int("seed")!.Value,
            Raster = ParseRaster(args.String("raster")!),
            TraceImage = args.Int("trace-image", min: 0)!.Value,
        };

    static RasterNeurons ParseRaster(string text)
    {
        try { return RasterNeurons.Parse(text); }
        catch (FormatException e) { throw new UserErrorException("--raster: " + e.Message, e); }
    }

    /// <summary>Runs `spiking softhebb` and prints its table: accuracy and activity per layer at each T.</summary>
    internal static async Task RunSoftHebbAsync(string run, SoftHebbSpikingOptions o, CancellationToken ct)
    {
        var (r, written) = await SpikingInference.RunAsync(run, o, new ConsoleProgress(), ct);
        Console.WriteLine($"rate-based accuracy {100 * r.RateAccuracy:F2} % on {r.Samples:N0} test images");
        Console.WriteLine($"Λ per layer: {string.Join(", ", r.Layers.Select(l => l.Scale.ToString("G4", CultureInfo.InvariantCulture)))}; power: {o.Power}; encoder: {o.Encoding}; max pooling: {(o.MaxPooling == SpikeMaxPooling.Exact ? "exact" : "OR")}");
        Console.WriteLine("| T | spiking acc (%) | rate acc (%) | Δ (pp) | " + string.Join(" | ", r.Layers.Select(l => $"{l.Name} spikes/img | {l.Name} syn acc/img")) + " | read-out acc/img |");
        Console.WriteLine("|" + string.Concat(Enumerable.Repeat("---|", 5 + 2 * r.Layers.Length)));
        int tMax = r.Steps[^1];
        foreach (var row in r.ByT)
        {
            double acc = 100 * row.Accuracy;
            Console.WriteLine(FormattableString.Invariant($"| {row.T} | {acc:F2} | {100 * r.RateAccuracy:F2} | {acc - 100 * r.RateAccuracy:+0.00;-0.00;0.00} | ")
                + string.Join(" | ", row.Layers.Select(p => FormattableString.Invariant($"{p.SpikesPerImage:F0} | {p.SynapticAccumulatesPerImage:E3}")))
                + FormattableString.Invariant($" | {(double)r.ReadoutAccumulates * row.T / tMax / Math.Max(1, r.Samples):E2} |"));
        }
        Console.WriteLine($"wrote {Path.Combine(run, RunPlots.SpikingFile)}, {Path.Combine(run, RunPlots.SpikingTracesFile)}, {string.Join(", ", written)}");
    }

    async Task<int> CubaAsync(CommandArguments args, CancellationToken ct)
    {
        double seconds = args.Double("seconds", 0.001, 1000)!.Value;
        string outDir = args.String("out")!;
        args.ThrowOnUnknown(Name + " cuba");
        var (result, written) = await SpikingExperiments.CubaAsync(seconds, outDir, ct);
        Console.WriteLine(CubaResult.Header);
        Console.WriteLine(result);
        Console.WriteLine(FormattableString.Invariant(
            $"wall {result.RunWall.TotalSeconds:F4} s for {seconds} s biological; {result.Spikes:N0} spikes; mean {result.MeanRateHz:F2} Hz (E {result.ExcitatoryRateHz:F2}, I {result.InhibitoryRateHz:F2}); {result.SynapticEventsPerSecond:E3} synaptic events/s"));
        Console.WriteLine($"wrote {string.Join(", ", written)}");
        return 0;
    }

    async Task<int> WtaAsync(CommandArguments args, CancellationToken ct)
    {
        int samples = args.Int("samples", min: 1)!.Value;
        int testCount = args.Int("limit-test", min: 1)!.Value;
        string data = args.String("data") ?? RepositoryPaths.DefaultDataset;
        string outDir = args.String("out")!;
        int seed = args.Int("seed")!.Value;
        args.ThrowOnUnknown(Name + " wta");
        var config = new WtaConfig();
        Console.WriteLine($"training the STDP WTA layer ({config.Inputs} -> {config.Neurons}, {config.PresentMs}+{config.RestMs} ms per sample, dt {config.DtMs} ms) on up to {samples} images ...");
        var (r, written) = await SpikingExperiments.WtaAsync(config, data, samples, testCount, seed, outDir, ct);
        Console.WriteLine(FormattableString.Invariant(
            $"accuracy {100 * r.Accuracy:F2} % on {r.TestSamples} test images; training {r.TrainSamplesPerSecond:F1} samples/s, labelling {r.LabelSamplesPerSecond:F1}, test {r.TestSamplesPerSecond:F1}; {r.OutputSpikes:N0} training spikes"));
        Console.WriteLine(written.Count > 0 ? $"wrote {string.Join(", ", written)}" : "no output spikes to plot");
        return 0;
    }
}
