using System.Diagnostics;
using System.Globalization;
using Neuromorphic.Engine;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Tensors;
using Neuromorphic.Tensors.Gemm;

namespace Neuromorphic.Bench;

/// <summary>
/// Where a SoftHebb network's time goes, on synthetic data (no dataset needed):
/// 1. one Hebbian step per stage (BN, im2col, conv GEMM, rule, correlation GEMM, update, Triangle, pool,
///    and the copy the actor makes of its output) for each conv layer at the preset's Hebbian batch size;
/// 2. the frozen forward per stage at the feature-extraction batch (50);
/// 3. the real engine pipeline (one actor per layer, as in `train`) over synthetic batches:
///    Hebbian images/s and CPU use in the chosen schedule, then frozen feature extraction.
/// Every stage is timed single-caller (one actor's view, GEMMs with whatever threads the back-end gives one caller).
/// </summary>
public static class HebbianBenchmark
{
    public static int Run(string[] args)
    {
        string presetName = GemmBenchmark.Option(args, "--preset", "cifar10");
        int images = int.Parse(GemmBenchmark.Option(args, "--images", "500"), CultureInfo.InvariantCulture);
        string schedule = GemmBenchmark.Option(args, "--schedule", "concurrent");
        if (schedule is not ("concurrent" or "successive"))
            throw new ArgumentException($"--schedule must be concurrent or successive, got '{schedule}'.");
        bool stages = !args.Contains("--no-stages");
        bool pipeline = !args.Contains("--no-pipeline");
        var preset = PresetLibrary.Load(presetName);
        int batch = preset.Hebbian.BatchSize;

        var peak = MachinePeak.Measure();
        Console.WriteLine($"machine: {peak.Cpu}, {peak.Cores} cores, {peak.Isa}; one core's peak: measured {peak.MeasuredPeakGflops:F0} GFLOP/s " +
                          $"({peak.MeasuredFlopPerCycle} FLOP/cycle at {peak.ClockGHz:F2} GHz), all cores {peak.Cores * peak.MeasuredPeakGflops:F0} GFLOP/s");
        Console.WriteLine($"GEMM back-end: {Sgemm.Current.Name}; policy: {Sgemm.PolicyDescription}");
        Console.WriteLine($"preset {preset.Name}: Hebbian batch {batch}, extraction batch {SoftHebbTrainer.ExtractionBatch}");

        if (stages)
        {
            StageTable(preset, batch, learn: true, images, peak);
            StageTable(preset, SoftHebbTrainer.ExtractionBatch, learn: false, images, peak);
        }
        if (pipeline)
        {
            Pipeline(preset, images, schedule);
            Extraction(preset, images);
        }
        return 0;
    }

    // ---------------------------------------------------------------- per-stage timing

    sealed record Stage(string Name, Action Body, double Flop);

    static void StageTable(NetworkPreset preset, int batch, bool learn, int images, MachinePeak peak)
    {
        var net = new HebbianNetwork(preset, seed: 1);
        var x = SyntheticImages(preset, batch, seed: 7);
        Console.WriteLine();
        Console.WriteLine(learn
            ? $"Hebbian step per stage, batch {batch} (all layers learning = the concurrent schedule's per-batch work)"
            : $"Frozen forward per stage, batch {batch} (feature extraction)");
        Console.WriteLine($"{"layer",-6} {"stage",-22} {"ms/batch",9} {"images/s",9} {"GFLOP/s",8} {"%peak1",7}");
        double totalMs = 0, totalFlop = 0;
        for (int li = 0; li < net.Layers.Count; li++)
        {
            var layer = net.Layers[li];
            if (layer is not SoftHebbConv2d conv) { x = layer.Forward(x, learn: false); continue; }
            var cfg = conv.Config;
            var (n, c, h, w) = x.Nchw;
            int oh = Conv2d.OutputSize(h, cfg.KernelSize, 1, cfg.Padding), ow = Conv2d.OutputSize(w, cfg.KernelSize, 1, cfg.Padding);
            int k = cfg.OutChannels;
            var xIn = Copy(x);
            var xNorm = new Tensor(n, c, h, w);
            var u = new Tensor(n, k, oh, ow);
            var a = new Tensor(n, k, oh, ow);
            var ws = new Conv2dWorkspace();
            var (pc, ph, pw) = conv.Config.OutputShape(c, h, w);
            var pooled = new Tensor(n, pc, ph, pw);
            double gemmFlop = 2.0 * n * k * oh * ow * cfg.FanIn;
            var plasticity = conv.Plasticity;
            Tensor uRule = u;
            // Prime every buffer once, in pipeline order.
            conv.Norm.Forward(xIn, xNorm, training: learn);
            Conv2d.Forward(xNorm, conv.Weights, 1, cfg.Padding, cfg.PaddingMode, u, ws);
            var stages = new List<Stage>
            {
                new("batchnorm" + (learn ? " (train)" : " (eval)"), () => conv.Norm.Forward(xIn, xNorm, training: learn), 0),
                new("im2col", () => Im2Col.Fill(xNorm, cfg.KernelSize, cfg.KernelSize, 1, cfg.Padding, cfg.PaddingMode, ws), 0),
                new("im2col + conv GEMM", () => Conv2d.Forward(xNorm, conv.Weights, 1, cfg.Padding, cfg.PaddingMode, u, ws), gemmFlop),
            };
            if (learn)
            {
                stages.Add(new("rule (softmax, y)", () => uRule = plasticity.ComputeFactors(u), 0));
                stages.Add(new("correlation GEMM", () => plasticity.Correlate(xNorm, conv.Weights, cfg.Padding, cfg.PaddingMode, ws), gemmFlop));
                stages.Add(new("update (YU, dW, W, eta)", () => plasticity.ApplyUpdate(uRule, conv.Weights), 0));
            }
            stages.Add(new($"triangle P={cfg.TrianglePower.ToString(CultureInfo.InvariantCulture)}", () => Triangle.Forward(u, cfg.TrianglePower, a), 0));
            if (cfg.PoolSpec is { } pool) stages.Add(new($"pool {pool}", () => pool.Apply(a, pooled), 0));
            Tensor? y = null;
            stages.Add(new("output copy (actor)", () => _ = pooled.Span.ToArray(), 0));
            stages.Add(new("whole layer.Forward", () => y = conv.Forward(xIn, learn), learn ? 2 * gemmFlop : gemmFlop));

            foreach (var s in stages)
            {
                double ms = TimeMs(s.Body, images, batch);
                bool whole = s.Name.StartsWith("whole");
                if (whole) { totalMs += ms; totalFlop += s.Flop; }
                Print(li, s.Name, ms, batch, s.Flop, peak);
            }
            x = y ?? conv.Forward(xIn, learn);
            x = Copy(x);
        }
        Print(-1, "all layers (sum)", totalMs, batch, totalFlop, peak);
    }

    static void Print(int layer, string stage, double ms, int batch, double flop, MachinePeak peak)
    {
        string gf = flop > 0 ? (flop / ms / 1e6).ToString("F1", CultureInfo.InvariantCulture) : "-";
        string pct = flop > 0 ? (100 * flop / ms / 1e6 / peak.MeasuredPeakGflops).ToString("F0", CultureInfo.InvariantCulture) + "%" : "";
        Console.WriteLine($"{(layer < 0 ? "total" : $"L{layer + 1}"),-6} {stage,-22} {ms,9:F3} {batch * 1000 / ms,9:F0} {gf,8} {pct,7}");
    }

    /// <summary>Best ms of repeated calls after a warm-up (tiered JIT): about <paramref name="images"/>/batch calls, at least 5.</summary>
    static double TimeMs(Action body, int images, int batch)
    {
        for (int i = 0; i < 3; i++) body();
        int reps = Math.Max(5, images / batch / 4);
        double best = double.MaxValue;
        for (int r = 0; r < reps; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            body();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }
        return best;
    }

    // ---------------------------------------------------------------- the engine pipeline

    static void Pipeline(NetworkPreset preset, int images, string schedule)
    {
        int batch = preset.Hebbian.BatchSize;
        var net = new HebbianNetwork(preset, seed: 1);
        int layers = net.Layers.Count;
        Console.WriteLine();
        Console.WriteLine($"engine pipeline, Hebbian phase ({schedule}), {images} synthetic images, batch {batch}");
        RunPass(net, images / 4 / batch * batch, batch, layers - 1, _ => true, "warm-up", quiet: true);
        if (schedule == "concurrent")
            RunPass(net, images, batch, layers - 1, _ => true, $"all {layers} layers learning");
        else
        {
            double seconds = 0;
            for (int pass = 0; pass < layers; pass++)
                seconds += RunPass(net, images, batch, pass, i => i == pass, $"layer {pass + 1} learning");
            Console.WriteLine($"  successive total: {layers} x {images} images in {seconds:F2} s = {images / seconds:F1} images/s per epoch of the data");
        }
    }

    static void Extraction(NetworkPreset preset, int images)
    {
        var net = new HebbianNetwork(preset, seed: 1);
        int batch = SoftHebbTrainer.ExtractionBatch;
        Console.WriteLine();
        Console.WriteLine($"engine pipeline, frozen feature extraction, {images} synthetic images, batch {batch}");
        RunPass(net, Math.Max(batch, images / 4 / batch * batch), batch, net.Layers.Count - 1, _ => false, "warm-up", quiet: true);
        RunPass(net, images, batch, net.Layers.Count - 1, _ => false, "frozen forward, all layers");
        // As `train` stores them: through the writer task into a cache (memory-mapped, as CIFAR-10's training features are).
        using var cache = new FeatureCache(images, net.FeatureLength, memoryLimitBytes: 0);
        var writer = new FeatureCacheWriter(cache);
        RunPass(net, images, batch, net.Layers.Count - 1, _ => false, "frozen forward into a memory-mapped feature cache", writer: writer);
        writer.CompleteAsync().GetAwaiter().GetResult();
    }

    static double RunPass(HebbianNetwork net, int images, int batch, int lastLayer, Func<int, bool> learns, string what, bool quiet = false, FeatureCacheWriter? writer = null)
    {
        var preset = net.Preset;
        var built = FloatBlocks.Build(net, BatchStream.ToAsync(SyntheticStream(preset, images, batch)), lastLayer, learns, onData: e =>
        {
            if (writer is not null && e.Payload is DenseBlock block) writer.Post((int)block.SampleIds[0], block.Data);
        });
        var proc = Process.GetCurrentProcess();
        proc.Refresh();
        var cpu0 = proc.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        built.Network.RunAsync(0).GetAwaiter().GetResult();
        double seconds = clock.Elapsed.TotalSeconds;
        proc.Refresh();
        double cpu = (proc.TotalProcessorTime - cpu0).TotalSeconds;
        if (!quiet)
            Console.WriteLine($"  {what}: {images} images in {seconds:F2} s = {images / seconds:F1} images/s, CPU {100 * cpu / seconds:F0} % " +
                              $"({Environment.ProcessorCount} cores = {100 * Environment.ProcessorCount} %)");
        return seconds;
    }

    static IEnumerable<Payload> SyntheticStream(NetworkPreset preset, int images, int batch)
    {
        for (int first = 0, b = 0; first < images; first += batch, b++)
        {
            int n = Math.Min(batch, images - first);
            var x = SyntheticImages(preset, n, seed: 1000 + b);
            var ids = new long[n];
            for (int i = 0; i < n; i++) ids[i] = first + i;
            yield return new DenseBlock(x.Data, [n, preset.Channels, preset.Height, preset.Width], ids);
        }
    }

    static Tensor Copy(Tensor t) => new(t.Span.ToArray(), t.Shape);

    /// <summary>Uniform [0, 1) pixels, like scaled image bytes.</summary>
    static Tensor SyntheticImages(NetworkPreset preset, int n, int seed)
    {
        var rng = new Random(seed);
        var t = new Tensor(n, preset.Channels, preset.Height, preset.Width);
        var s = t.Span;
        for (int i = 0; i < s.Length; i++) s[i] = (float)rng.NextDouble();
        return t;
    }
}
