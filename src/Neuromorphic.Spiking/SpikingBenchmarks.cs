using System.Globalization;
using Neuromorphic.Datasets;

namespace Neuromorphic.Spiking;

/// <summary>Throughput of the WTA layer during training (plastic), measured through the engine.</summary>
public sealed record WtaBenchResult(int Samples, double DtMs, double PresentMs, double RestMs, int Inputs, int Neurons,
    TimeSpan Wall, TimeSpan HandlerWall, long InputSpikes, long OutputSpikes, long SynapticEvents, long WeightUpdates)
{
    public double SamplesPerSecond => Samples / Math.Max(Wall.TotalSeconds, 1e-12);
    public long Steps => (long)Samples * ((long)Math.Round(PresentMs / DtMs) + (long)Math.Round(RestMs / DtMs));

    public static string Header =>
        "| benchmark | samples | steps | wall (s) | handler (s) | samples/s | in spikes | out spikes | syn events | weight updates |";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"| WTA {Inputs}->{Neurons} STDP (dt {DtMs} ms, {PresentMs}+{RestMs} ms) | {Samples} | {Steps} | {Wall.TotalSeconds:0.000} | {HandlerWall.TotalSeconds:0.000} | {SamplesPerSecond:0.0} | {InputSpikes} | {OutputSpikes} | {SynapticEvents} | {WeightUpdates} |");
}

/// <summary>The spiking benchmarks, for a "bench cuba" / "bench wta" command. Both run through the engine; neither
/// prints anything. Run them in Release.</summary>
public static class SpikingBenchmarks
{
    /// <summary>CUBA (4000 neurons) for <paramref name="seconds"/> of biological time. With <paramref name="warmup"/>,
    /// short runs first (see <see cref="WarmUp"/>) let tiered compilation optimise the hot paths, so the timed run measures steady state.</summary>
    public static CubaResult RunCuba(double seconds = 1, int seed = 1, bool warmup = true)
    {
        if (warmup) WarmUp(() => CubaBenchmark.Run(0.2, seed));
        return CubaBenchmark.Run(seconds, seed);
    }

    /// <summary>Repeats <paramref name="run"/> for at least <paramref name="seconds"/> of wall time, so that tiered
    /// compilation has promoted the engine's and the library's hot methods before the timed run.</summary>
    public static void WarmUp(Action run, double seconds = 1.5)
    {
        ArgumentNullException.ThrowIfNull(run);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        do run(); while (clock.Elapsed.TotalSeconds < seconds);
    }

    /// <summary>Trains a WTA layer on the first <paramref name="samples"/> images of <paramref name="images"/>.</summary>
    public static WtaBenchResult RunWta(IImageSource images, int samples = 50, WtaConfig? config = null, int seed = 1, bool warmup = true)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(samples);
        var cfg = config ?? new WtaConfig();
        samples = Math.Min(samples, images.Count);
        if (warmup)
        {
            var w = new WtaLayer(cfg, seed);
            WarmUp(() => WtaExperiment.PresentAsync("warmup", w, images, [0], plastic: true, seed).GetAwaiter().GetResult());
        }
        var layer = new WtaLayer(cfg, seed);
        var phase = WtaExperiment.PresentAsync("train", layer, images, Enumerable.Range(0, samples).ToArray(), plastic: true, seed).GetAwaiter().GetResult();
        var c = phase.Report.Actors["wta"];
        return new WtaBenchResult(samples, cfg.DtMs, cfg.PresentMs, cfg.RestMs, cfg.Inputs, cfg.Neurons, phase.Wall, c.HandlerTime,
            phase.InputSpikes, phase.OutputSpikes, c.Work.SynapticAccumulates, c.Work.WeightUpdates);
    }

    /// <summary>As <see cref="RunWta(IImageSource, int, WtaConfig?, int, bool)"/>, reading the training split of an
    /// MNIST-like dataset folder.</summary>
    public static WtaBenchResult RunWta(string datasetDirectory, int samples = 50, WtaConfig? config = null, int seed = 1, bool warmup = true) =>
        RunWta(DatasetDirectory.Open(datasetDirectory, DatasetSplit.Train, limit: Math.Max(samples, 2)), samples, config, seed, warmup);
}
