using Neuromorphic.Cli.Simulation;
using Neuromorphic.Hardware;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Cli.Commands;

/// <summary>`simulate`: a trained network on chips from hardware model files: accuracy beside modeled energy and latency.</summary>
public sealed class SimulateCommand : ICliCommand
{
    public string Name => "simulate";
    public string Summary => "map a trained run onto chips and report accuracy, energy and latency";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("simulate", "For each chip: maps the network onto its cores, quantises the weights to its precision, runs the test\n" +
                        "split through the engine with the chip as the cost model, and prints accuracy after quantisation, energy\n" +
                        "per inference by category, latency, throughput and cores used. Writes RUN_DIR/hardware.json.",
            CommonOptions.Run,
            new CliOption("hardware", "FILE|all", "a chip model file (YAML, see docs/hardware-model-format.md) or 'all' for every file in hardware-models/",
                Default: "all"),
            CommonOptions.Data, CommonOptions.LimitTest),
    ];

    public async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        string run = args.String("run") ?? throw new UserErrorException("simulate needs --run RUN_DIR.");
        string hardware = args.String("hardware")!;
        string data = args.String("data") ?? RepositoryPaths.DefaultDataset;
        int? limit = args.Int("limit-test", min: 1);
        args.ThrowOnUnknown(Name);
        using var runLock = RunLock.Acquire(run, create: false);
        var outcomes = await SimulateAsync(run, hardware, data, limit, new ConsoleProgress(), cancellationToken);
        Console.WriteLine(HardwareTable.Format(outcomes.Select(o => o.ToRow())));
        return 0;
    }

    internal static async Task<IReadOnlyList<ChipOutcome>> SimulateAsync(string run, string hardware, string data, int? limit,
        ConsoleProgress progress, CancellationToken ct)
    {
        var model = EvaluateCommand.LoadModel(run); // once for every chip
        var catalog = LoadCatalog(hardware);
        var test = EvaluateCommand.OpenTest(data, limit, model.Preset);
        var outcomes = await ChipSimulation.RunAsync(model, catalog.Chips, test, progress, ct);
        RunDirectory.WriteDerived(run, RunDirectory.HardwareFile, new HardwareResults(hardware, data, [.. outcomes]));
        return outcomes;
    }

    static HardwareCatalog LoadCatalog(string hardware)
    {
        string path = hardware == "all" ? RepositoryPaths.HardwareModels : hardware;
        if (!File.Exists(path) && !Directory.Exists(path)) throw new UserErrorException($"hardware model '{path}' does not exist.");
        try { return HardwareCatalog.Load(path); }
        catch (HardwareModelException e) { throw new UserErrorException(e.Message, e); }
    }
}
