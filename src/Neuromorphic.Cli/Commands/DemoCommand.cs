using Neuromorphic.Hardware;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Cli.Commands;

/// <summary>
/// `demo`: the whole product on the shipped MNIST sample in a few minutes: trains a small SoftHebb network,
/// evaluates it, simulates it on every chip in hardware-models/, plots, and writes the HTML report.
/// </summary>
public sealed class DemoCommand : ICliCommand
{
    public string Name => "demo";
    public string Summary => "train, evaluate, simulate, plot and report on the shipped MNIST sample";
    public string Help => """
        usage: neuromorphic demo [--out RUN_DIR] [--seed N]

        Trains the 'mnist-small' preset (2 SoftHebb conv layers + linear read-out) on datasets/mnist-sample
        (6,000 training / 1,000 test images), evaluates it through the engine, simulates it on every chip model
        in hardware-models/, and writes plots and an HTML report into RUN_DIR (default runs/demo).
        """;

    public async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        string run = args.String("out") ?? Path.Combine(RepositoryPaths.Root, "runs", "demo");
        int seed = args.Int("seed") ?? 0;
        args.ThrowOnUnknown(Name);
        string data = RepositoryPaths.DefaultDataset;
        var preset = PresetLibrary.Load("mnist-small");
        var progress = new ConsoleProgress();
        Directory.CreateDirectory(run);
        RunDirectory.WriteAtomically(Path.Combine(run, SoftHebbTrainer.PresetFile), PresetLibrary.BuiltInJson("mnist-small"));
        RunDirectory.WriteJson(run, RunDirectory.RunInfoFile, RunDirectory.Describe(Name, args.Raw, seed));

        Console.WriteLine($"1/4 training '{preset.Name}' on {data} (concurrent schedule, seed {seed})");
        var result = await new SoftHebbTrainer(progress).RunAsync(new TrainingOptions
        {
            Preset = preset, DataDirectory = data, RunDirectory = run, Seed = seed, Schedule = HebbianSchedule.Concurrent,
        }, cancellationToken);
        RunDirectory.WriteJson(run, RunDirectory.MetricsFile, result);
        Console.WriteLine($"    test accuracy {100 * result.TestAccuracy:F2} % ({result.TestImages:N0} images)");

        Console.WriteLine("2/4 simulating on every chip in hardware-models/");
        var outcomes = await SimulateCommand.SimulateAsync(run, "all", data, null, progress, cancellationToken);
        Console.WriteLine(HardwareTable.Format(outcomes.Select(o => o.ToRow())));

        Console.WriteLine("3/4 plots");
        var plots = RunPlots.Save(run, RunPlots.Make(run, RunPlots.Kinds));
        Console.WriteLine("4/4 report");
        string report = RunReportWriter.Write(run);

        Console.WriteLine();
        Console.WriteLine($"run directory: {run}");
        Console.WriteLine($"plots:         {Path.Combine(run, "plots")} ({plots.Count} files)");
        Console.WriteLine($"report:        {report}");
        return 0;
    }
}
