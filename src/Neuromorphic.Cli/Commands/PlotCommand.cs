namespace Neuromorphic.Cli.Commands;

/// <summary>`plot`: the plots of a run directory as PNG and SVG under RUN_DIR/plots.</summary>
public sealed class PlotCommand : ICliCommand
{
    public string Name => "plot";
    public string Summary => "plot a run (receptive fields, weight norms, learning curves, energy)";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("plot", "Writes PNG and SVG files to RUN_DIR/plots. Energy plots need a 'simulate' of the run first, spiking plots a\n" +
                    "'spiking softhebb'.",
            CommonOptions.Run,
            new CliOption("kind", "KIND", $"all, or one of {string.Join(", ", RunPlots.Kinds)}", Default: "all")),
    ];

    public Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        string run = args.String("run") ?? throw new UserErrorException("plot needs --run RUN_DIR.");
        string kind = args.String("kind")!;
        args.ThrowOnUnknown(Name);
        using var runLock = RunLock.Acquire(run, create: false);
        var model = Evaluation.LoadModel(run);
        var plots = RunPlots.Make(run, kind == "all" ? RunPlots.Kinds : [kind], model);
        if (plots.Count == 0) throw new UserErrorException($"nothing to plot for '{kind}' in {run} (energy plots need 'neuromorphic simulate --run {run}' first).");
        foreach (var path in RunPlots.Save(run, plots)) Console.WriteLine(path);
        return Task.FromResult(0);
    }
}
