using Neuromorphic.Application;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Cli.Commands;

/// <summary>`evaluate`: the trained network, read-out included, on a test set, through the engine.</summary>
public sealed class EvaluateCommand : ICliCommand
{
    public string Name => "evaluate";
    public string Summary => "test a trained run on a dataset's test split";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("evaluate", "Runs the test split through the trained network (engine pipeline, read-out included), prints the\n" +
                        "accuracy and the confusion matrix, and writes RUN_DIR/evaluation.json.",
            CommonOptions.Run, CommonOptions.Data, CommonOptions.LimitTest),
    ];

    public async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        string run = args.String("run") ?? throw new UserErrorException("evaluate needs --run RUN_DIR.");
        string data = args.String("data") ?? RepositoryPaths.DefaultDataset;
        int? limit = args.Int("limit-test", min: 1);
        args.ThrowOnUnknown(Name);
        var (result, classNames) = await Evaluation.RunAsync(run, data, limit, new ConsoleProgress(), cancellationToken);
        var interval = new AccuracyInterval(result.AccuracyLow95, result.AccuracyHigh95, 0.95);
        Console.WriteLine($"accuracy {100 * result.Accuracy:F2} % ({interval}) on {result.Samples:N0} test images of {data}");
        Console.WriteLine(ConfusionText(result.Confusion, classNames));
        return 0;
    }

    static string ConfusionText(long[][] m, IReadOnlyList<string> names)
    {
        int k = m.Length;
        var sb = new System.Text.StringBuilder("confusion (rows: true class, columns: predicted)\n");
        for (int i = 0; i < k; i++)
        {
            string name = i < names.Count ? names[i] : i.ToString();
            sb.Append(name.Length > 10 ? name[..10] : name.PadRight(10));
            for (int j = 0; j < k; j++) sb.Append($" {m[i][j],5}");
            sb.AppendLine();
        }
        return sb.ToString().TrimEnd();
    }
}
