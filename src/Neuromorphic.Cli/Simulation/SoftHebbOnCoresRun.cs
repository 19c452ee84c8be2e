using Neuromorphic.Cli.Commands;
using Neuromorphic.Datasets;
using Neuromorphic.Hardware.Cores;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Spiking;

namespace Neuromorphic.Cli.Simulation;

/// <summary>`simulate --softhebb RUN_DIR --arch|--hardware FILE --steps T`: a trained SoftHebb network run on a chip core by
/// core, one test image after another (each from rest, T steps), with the accuracy that execution gives beside the
/// same converted network run in software (exact max pooling) and the rate-based network.</summary>
public static class SoftHebbOnCoresRun
{
    public static async Task RunAsync(string run, ChipArchitecture arch, int steps, TimingModel timing, int images, string data,
        string output, int seed, bool export, CancellationToken ct)
    {
        var model = EvaluateCommand.LoadModel(run);
        var test = EvaluateCommand.OpenTest(data, images, model.Preset);
        var train = DatasetDirectory.Open(data, DatasetSplit.Train, 100, model.Preset.InputShape);
        var conversion = new SpikingConversionOptions { Power = PowerApproximation.Linear, FoldInhibition = true, BatchSize = 1 };
        SpikingSoftHebbNetwork network;
        try { network = SpikingSoftHebbNetwork.Convert(model, train, conversion); }
        catch (NotSupportedException e) { throw new UserErrorException(e.Message, e); }
        var chipNetwork = SoftHebbOnCores.Build(network, model.Readout, arch);

        Directory.CreateDirectory(output);
        using var runLock = RunLock.Acquire(output);
        var progress = new ConsoleProgress();
        progress.Begin($"SoftHebb on {arch.Name}, {steps} steps an image", test.Count, "images");
        var pixels = new float[chipNetwork.InputNeurons];
        int correct = 0;
        double synapse = 0, dendrite = 0, soma = 0, net = 0, stat = 0, time = 0;
        long events = 0, messages = 0, fired = 0;
        int cores = 0;
        for (int i = 0; i < test.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            test.CopyBatch([i], pixels);
            var spec = chipNetwork.ForImage(pixels);
            var result = await CoreSimulation.RunAsync(arch, spec, new CoreSimulationOptions(steps, timing, seed), ct);
            if (chipNetwork.Classify(result) == test.GetLabel(i)) correct++;
            var s = result.Summary;
            (synapse, dendrite, soma, net, stat, time) = (synapse + s.SynapseEnergy, dendrite + s.DendriteEnergy, soma + s.SomaEnergy,
                net + s.NetworkEnergy, stat + s.StaticEnergy, time + s.SimulatedTime);
            (events, messages, fired) = (events + s.SynapticEvents, messages + s.Messages, fired + s.NeuronsFired);
            cores = result.Cores.Count;
            if (i == 0)
            {
                if (export) SimulateCommand.ExportSanafe(output, arch, spec);
                SanafeOutputWriter.Write(output, result, spec, RunDirectory.GitCommit());
                CoreRunReport.Write(output, arch, spec, result, timing.ToString().ToLowerInvariant());
            }
            progress.Advance(i + 1);
        }
        progress.End($"{test.Count} images");

        var software = await SpikingSoftHebb.EvaluateAsync(network, test, [steps], SpikeInputEncoding.Regular, seed, cancellationToken: ct);
        var rate = await Inference.EvaluateAsync(model, test, ct: ct);
        int n = test.Count;
        var spec0 = chipNetwork.ForImage(pixels);
        Console.WriteLine($"{spec0.NeuronCount:N0} neurons, {spec0.Connections.Count:N0} synapses on {cores} cores of {arch.Name}; " +
                          $"{steps} steps an image, {timing.ToString().ToLowerInvariant()} timing, {n} test images");
        Console.WriteLine($"  accuracy on the chip {100.0 * correct / n:F2} % | same spiking network in software (exact max pooling) " +
                          $"{100 * software.Accuracy[0]:F2} % | rate-based {100 * rate.Accuracy:F2} %");
        Console.WriteLine($"  per inference: energy {(synapse + dendrite + soma + net) / n * 1e6:F3} µJ (synapse {synapse / n * 1e6:F3}, " +
                          $"dendrite {dendrite / n * 1e6:F3}, soma {soma / n * 1e6:F3}, network {net / n * 1e6:F3})" +
                          (stat > 0 ? $" + static {stat / n * 1e6:F3} µJ" : ""));
        Console.WriteLine($"  per inference: latency {time / n * 1e6:F2} µs, {events / n:N0} synaptic events, {messages / n:N0} messages, {fired / n:N0} spikes");
        Console.WriteLine($"  wrote {output}: image 0's run_summary.yaml, perf.csv, spikes.csv, potentials.csv, plots/, report.html");
    }
}
