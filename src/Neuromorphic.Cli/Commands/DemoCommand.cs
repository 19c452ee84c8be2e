using Neuromorphic.Application;
using Neuromorphic.Application.Simulation;
using Neuromorphic.Hardware;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Cli.Commands;

/// <summary>
/// `demo`: the whole product on the shipped MNIST sample in a few minutes: trains a small SoftHebb network,
/// evaluates it, simulates it on every chip in hardware-models/, runs it as a spiking network (accuracy versus time
/// steps, a spike raster and membrane traces), plots, and writes the HTML report.
/// </summary>
public sealed class DemoCommand : ICliCommand
{
    public string Name => "demo";
    public string Summary => "train, simulate on chips, run as spikes, plot and report on the shipped MNIST sample";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("demo", "Trains the 'mnist-small' preset (2 SoftHebb conv layers + linear read-out) on datasets/mnist-sample\n" +
                    "(6,000 training / 1,000 test images), evaluates it through the engine, simulates it on every chip model\n" +
                    "in hardware-models/, runs it as a spiking network (accuracy at 4-32 time steps, the spike raster and\n" +
                    "membrane traces of the first layer for test image 0, regular and Poisson input coding), and writes plots\n" +
                    "and an HTML report into the run directory.",
            new CliOption("out", "RUN_DIR", "the run directory", DefaultNote: "runs/demo"),
            new CliOption("seed", "N", "seed of weights, data order and dropout", Default: "0")),
    ];

    public async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        string run = args.String("out") ?? Path.Combine(RepositoryPaths.Root, "runs", "demo");
        int seed = args.Int("seed")!.Value;
        args.ThrowOnUnknown(Name);
        string data = RepositoryPaths.DefaultDataset;
        var preset = PresetLibrary.Load("mnist-small");
        var progress = new ConsoleProgress();

        Console.WriteLine($"1/5 training '{preset.Name}' on {data} (concurrent schedule, seed {seed})");
        // The demo is run again and again: it starts afresh, clearing only the files of its earlier run.
        var result = await Training.RunAsync(new TrainingOptions
        {
            Preset = preset, DataDirectory = data, RunDirectory = run, Seed = seed, Schedule = HebbianSchedule.Concurrent,
        }, PresetLibrary.BuiltInJson("mnist-small"), RunDirectory.Describe(Name, args.Raw, seed), RunStart.Overwrite, progress, cancellationToken);
        Console.WriteLine($"    test accuracy {100 * result.TestAccuracy:F2} % ({result.TestImages:N0} images)");

        Console.WriteLine("2/5 simulating on every chip in hardware-models/");
        var outcomes = await ChipCosting.RunAsync(run, "all", data, null, ChipCosting.DefaultTrainImages, progress, cancellationToken);
        Console.WriteLine(HardwareTable.Format(outcomes.Select(o => o.ToRow())));

        Console.WriteLine("3/5 the trained network as spikes: accuracy versus time steps, spike raster, membrane traces");
        var spiking = SpikingCommand.ParseSoftHebb(new CommandArguments(
            ["softhebb", "--data", data, "--steps", "4,8,16,32", "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            new SpikingCommand().Verbs[0].Options));
        await SpikingCommand.RunSoftHebbAsync(run, spiking, cancellationToken);

        // Each step above holds the run directory's lock while it writes; the last two take it here.
        using var runLock = RunLock.Acquire(run, create: false);
        Console.WriteLine("4/5 plots");
        var model = Evaluation.LoadModel(run);
        var plots = RunPlots.Save(run, RunPlots.Make(run, RunPlots.Kinds, model));
        Console.WriteLine("5/5 report");
        string report = RunReportWriter.Write(run, model);

        Console.WriteLine();
        Console.WriteLine($"run directory: {run}");
        Console.WriteLine($"plots:         {Path.Combine(run, "plots")} ({plots.Count} files)");
        Console.WriteLine($"report:        {report}");
        return 0;
    }
}
