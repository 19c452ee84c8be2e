namespace Neuromorphic.Cli.Commands;

/// <summary>`report`: one self-contained HTML file with the run's configuration, figures, tables and plots.</summary>
public sealed class ReportCommand : ICliCommand
{
    public string Name => "report";
    public string Summary => "write RUN_DIR/report.html (configuration, metrics, chip table, plots)";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("report", "Writes RUN_DIR/report.html: one HTML file with no outside references (plots embedded), readable offline.",
            CommonOptions.Run),
    ];

    public Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        string run = args.String("run") ?? throw new UserErrorException("report needs --run RUN_DIR.");
        args.ThrowOnUnknown(Name);
        using var runLock = RunLock.Acquire(run, create: false);
        Console.WriteLine(RunReportWriter.Write(run, Evaluation.LoadModel(run)));
        return Task.FromResult(0);
    }
}
