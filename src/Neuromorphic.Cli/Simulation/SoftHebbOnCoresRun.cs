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
    /// <param name="steps">The time steps at which to read the class, ascending; each image runs to the last.</param>
    public static async Task RunAsync(string run, ChipArchitecture arch, int[] steps, TimingModel timing, int images, string data,
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
        int length = steps[^1];
        var progress = new ConsoleProgress();
        progress.Begin($"SoftHebb on {arch.Name}, {length} steps an image", test.Count, "images");
        var pixels = new float[chipNetwork.InputNeurons];
        // Compiled once: each image changes only the input neurons' biases.
        test.CopyBatch([0], pixels);
        var compiled = CompiledChip.Build(arch, chipNetwork.ForImage(pixels), seed);
        // Per read-out time T: correct answers, and the run's first T steps summed over the images.
        var correct = new int[steps.Length];
        var totals = steps.Select(t => StepPerf.Zero(t)).ToArray();
        int cores = 0, neurons = 0, synapses = 0;
        for (int i = 0; i < test.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            test.CopyBatch([i], pixels);
            var spec = chipNetwork.ForImage(pixels);
            var result = await compiled.RunAsync(spec, new CoreSimulationOptions(length, timing, seed), ct);
            for (int k = 0; k < steps.Length; k++)
            {
                if (chipNetwork.Classify(result, steps[k]) == test.GetLabel(i)) correct[k]++;
                foreach (var step in result.Steps.Take(steps[k])) totals[k] += step;
            }
            cores = result.Cores.Count;
            if (i == 0)
            {
                (neurons, synapses) = (spec.NeuronCount, spec.Connections.Count);
                if (export) SimulateCommand.ExportSanafe(output, arch, spec);
                string commit = RunDirectory.GitCommit();
                SanafeOutputWriter.Write(output, result, spec, commit);
                CoreRunReport.Write(output, arch, spec, result, timing.ToString().ToLowerInvariant(), commit);
            }
            progress.Advance(i + 1);
        }
        progress.End($"{test.Count} images");

        var software = await SpikingSoftHebb.EvaluateAsync(network, test, steps, SpikeInputEncoding.Regular, seed, cancellationToken: ct);
        var rate = await Inference.EvaluateAsync(model, test, ct: ct);
        int n = test.Count;
        Console.WriteLine($"{neurons:N0} neurons, {synapses:N0} synapses on {cores} cores of {arch.Name}; " +
                          $"{timing.ToString().ToLowerInvariant()} timing, {n} test images; rate-based accuracy {100 * rate.Accuracy:F2} %");
        Console.WriteLine("| T | accuracy on the chip | software spiking (exact max pooling) | energy / inference | synapse | soma | network | static | latency | synaptic events | spikes |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        for (int k = 0; k < steps.Length; k++)
        {
            var t = totals[k];
            double staticJ = arch.StaticPowerW * t.Latency;
            Console.WriteLine($"| {steps[k]} | {100.0 * correct[k] / n:F2} % | {100 * software.Accuracy[k]:F2} % | {t.TotalEnergy / n * 1e6:F3} µJ | " +
                              $"{t.SynapseEnergy / n * 1e6:F3} µJ | {t.SomaEnergy / n * 1e6:F3} µJ | {t.NetworkEnergy / n * 1e6:F3} µJ | " +
                              $"{(staticJ > 0 ? $"{staticJ / n * 1e6:F3} µJ" : "-")} | {t.Latency / n * 1e6:F2} µs | {t.SynapticEvents / n:N0} | {t.Fired / n:N0} |");
        }
        var record = new CoresRunResult(arch.Name, timing.ToString().ToLowerInvariant(), data, n, neurons, synapses, cores, rate.Accuracy,
            RunDirectory.ModelChecksum(run), steps.Select((t, k) => new CoresRunRow(t, (double)correct[k] / n, software.Accuracy[k],
                totals[k].TotalEnergy / n, totals[k].SynapseEnergy / n, totals[k].SomaEnergy / n, totals[k].NetworkEnergy / n,
                arch.StaticPowerW * totals[k].Latency / n, totals[k].Latency / n, (double)totals[k].SynapticEvents / n, (double)totals[k].Fired / n)).ToArray());
        RunDirectory.WriteJson(output, CoresRunResult.FileName, record);
        Console.WriteLine($"  wrote {output}: {CoresRunResult.FileName}, image 0's run_summary.yaml, perf.csv, spikes.csv, potentials.csv, plots/, report.html; " +
                          $"'report --run {run}' includes it");
    }
}
