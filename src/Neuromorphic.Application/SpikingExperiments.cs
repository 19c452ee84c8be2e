using Neuromorphic.Datasets;
using Neuromorphic.Engine;
using Neuromorphic.Plotting;
using Neuromorphic.Spiking;

namespace Neuromorphic.Application;

/// <summary>cuba.json: the CUBA benchmark's run (`spiking cuba`).</summary>
public sealed record CubaRunRecord(double Seconds, double WallSeconds, double HandlerSeconds, long Spikes, double MeanRateHz,
    double ExcitatoryRateHz, double InhibitoryRateHz, long SynapticEvents, double SynapticEventsPerSecond, long Synapses, bool AnyNaN);

/// <summary>wta.json: the STDP winner-take-all layer trained, labelled and tested (`spiking wta`).</summary>
public sealed record WtaRunRecord(string Data, int TrainSamples, int TestSamples, double Accuracy, double TrainSamplesPerSecond,
    double LabelSamplesPerSecond, double TestSamplesPerSecond, long InputSpikes, long OutputSpikes);

/// <summary>The spiking benchmarks beside SoftHebb (`spiking cuba`, `spiking wta`): each run, its figures and its record
/// written into the output folder.</summary>
public static class SpikingExperiments
{
    /// <summary>The CUBA network (Vogels and Abbott, as Brian2's example) for <paramref name="seconds"/> of biological time;
    /// then a spike raster and membrane traces from traced re-runs with the same seed (the network is deterministic, so
    /// the same spikes).</summary>
    public static async Task<(CubaResult Result, IReadOnlyList<string> Written)> CubaAsync(double seconds, string outDir, CancellationToken ct)
    {
        var result = SpikingBenchmarks.RunCuba(seconds);
        var p = new CubaParameters();
        var rasterTrace = new TraceRecorder();
        // 400 neurons in the network's 4:1 proportion: E 0..319 and I 3200..3279, drawn as rows 0..319 and 320..399.
        int ne = p.ExcitatoryCount;
        var rasterNeurons = Enumerable.Range(0, 320).Concat(Enumerable.Range(ne, 80)).ToArray();
        rasterTrace.Watch(new TraceSelection("cuba", Neurons: rasterNeurons, Capacity: 1 << 23));
        var raster = CubaBenchmark.Build(seconds, trace: rasterTrace);
        await raster.Network.RunAsync(1, ct);
        var spikes = rasterTrace.For("cuba")!.Spikes.Select(s => (s.Sequence * p.DtMs, s.Neuron < ne ? s.Neuron : 320 + s.Neuron - ne)).ToList();
        var vTrace = new TraceRecorder();
        int[] watched = [0, 1, p.ExcitatoryCount];
        vTrace.Watch(new TraceSelection("cuba", Neurons: watched, Capacity: 1 << 22));
        var traced = CubaBenchmark.Build(seconds, trace: vTrace);
        await traced.Network.RunAsync(1, ct);
        var acts = vTrace.For("cuba")!.Activations;
        var series = watched.Select(n =>
        {
            var a = acts.Where(r => r.Neuron == n).ToArray();
            return ($"neuron {n} ({(n < p.ExcitatoryCount ? "E" : "I")})", a.Select(r => (r.SampleId + 1) * p.DtMs).ToArray(), a.Select(r => (double)r.Value).ToArray());
        }).Where(s => s.Item2.Length > 0).ToList();

        Directory.CreateDirectory(outDir);
        var written = new List<string>();
        if (spikes.Count > 0)
            written.AddRange(PlotExport.Save(Plots.SpikeRaster(spikes, "CUBA: 320 E (rows 0-319) and 80 I neurons (rows 320-399, neurons 3200-3279)", firstInhibitoryNeuron: 320,
                populationSize: rasterNeurons.Length),
                Path.Combine(outDir, "cuba-raster")));
        if (series.Count > 0)
            written.AddRange(PlotExport.Save(Plots.ActivityTraces(series, "Time (ms)", "Membrane potential (mV)", "CUBA membrane traces"),
                Path.Combine(outDir, "cuba-membrane")));
        RunDirectory.WriteJson(outDir, "cuba.json", new CubaRunRecord(seconds, result.RunWall.TotalSeconds, result.HandlerWall.TotalSeconds, result.Spikes,
            result.MeanRateHz, result.ExcitatoryRateHz, result.InhibitoryRateHz, result.SynapticEvents, result.SynapticEventsPerSecond, result.Synapses, result.AnyNaN));
        return (result, written);
    }

    /// <summary>The STDP WTA layer (Diehl and Cook) trained on the first <paramref name="samples"/> training images, each
    /// neuron labelled by its strongest class, and tested on <paramref name="testCount"/> images; the raster of test image 0.</summary>
    public static async Task<(WtaRunRecord Record, IReadOnlyList<string> Written)> WtaAsync(WtaConfig config, string data, int samples, int testCount,
        int seed, string outDir, CancellationToken ct)
    {
        Evaluation.RequireDataFolder(data);
        var train = DatasetDirectory.Open(data, DatasetSplit.Train, samples);
        var test = DatasetDirectory.Open(data, DatasetSplit.Test, testCount);
        var trainIdx = Enumerable.Range(0, train.Count).ToArray();
        var testIdx = Enumerable.Range(0, test.Count).ToArray();
        var layer = new WtaLayer(config, seed);
        var trainPhase = await WtaExperiment.PresentAsync("train", layer, train, trainIdx, plastic: true, seed, cancellationToken: ct);
        var labelPhase = await WtaExperiment.PresentAsync("label", layer, train, trainIdx, plastic: false, seed, cancellationToken: ct);
        var trace = new TraceRecorder();
        trace.Watch(new TraceSelection("wta", Neurons: Enumerable.Range(0, config.Neurons).ToArray(), Capacity: 1 << 20));
        long testStart = layer.Population.StepCount;
        var testPhase = await WtaExperiment.PresentAsync("test", layer, test, testIdx, plastic: false, seed, trace, ct);
        int classes = Math.Max(train.ClassCount, 1);
        var assignments = WtaExperiment.AssignLabels(labelPhase.Counts, trainIdx.Select(train.GetLabel).ToArray(), classes);
        int correct = 0;
        for (int k = 0; k < testIdx.Length; k++)
            if (WtaExperiment.Predict(testPhase.Counts[k], assignments, classes) == test.GetLabel(testIdx[k])) correct++;
        double accuracy = testIdx.Length == 0 ? 0 : (double)correct / testIdx.Length;

        Directory.CreateDirectory(outDir);
        int stepsPerSample = config.Schedule.StepsPerSample;
        var spikes = trace.For("wta")!.Spikes.Where(s => s.Sequence >= testStart && s.Sequence < testStart + stepsPerSample)
            .Select(s => ((s.Sequence - testStart) * config.DtMs, s.Neuron)).ToList();
        var written = new List<string>();
        if (spikes.Count > 0)
            written.AddRange(PlotExport.Save(Plots.SpikeRaster(spikes, "STDP WTA: output spikes for test image 0", markerSize: 2, populationSize: config.Neurons),
                Path.Combine(outDir, "wta-raster")));
        var record = new WtaRunRecord(data, train.Count, test.Count, accuracy, trainPhase.SamplesPerSecond, labelPhase.SamplesPerSecond,
            testPhase.SamplesPerSecond, trainPhase.InputSpikes, trainPhase.OutputSpikes);
        RunDirectory.WriteJson(outDir, "wta.json", record);
        return (record, written);
    }
}
