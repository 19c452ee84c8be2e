using Neuromorphic.Datasets;
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
        using var runLock = RunLock.Acquire(run, create: false);
        var model = LoadModel(run);
        var test = OpenTest(data, limit, model.Preset);
        var result = await Inference.EvaluateAsync(model, test, progress: new ConsoleProgress(), ct: cancellationToken);
        var interval = result.Interval;
        Console.WriteLine($"accuracy {100 * result.Accuracy:F2} % ({interval}) on {result.Samples:N0} test images of {data}");
        Console.WriteLine(ConfusionText(result.Confusion, test.ClassNames));
        RunDirectory.WriteDerived(run, RunDirectory.EvaluationFile, new EvaluationResult(data, result.Samples, result.Accuracy, interval.Low, interval.High,
            ToJagged(result.Confusion), result.Report.WallTime.TotalSeconds, result.Report.EngineOverheadFraction));
        return 0;
    }

    internal static TrainedModel LoadModel(string run)
    {
        try { return TrainedModel.Load(run); }
        catch (FileNotFoundException e) { throw new UserErrorException(e.Message, e); }
    }

    /// <summary>The test split, checked to fit the trained network's preset (image folders are resized to its input).</summary>
    internal static IImageSource OpenTest(string data, int? limit, NetworkPreset preset)
    {
        DatasetsCommand.RequireFolder(data);
        var test = DatasetDirectory.Open(data, DatasetSplit.Test, limit, preset.InputShape);
        SoftHebbTrainer.CheckShapes(preset, test, labelled: true);
        return test;
    }

    static long[][] ToJagged(long[,] m) =>
        Enumerable.Range(0, m.GetLength(0)).Select(i => Enumerable.Range(0, m.GetLength(1)).Select(j => m[i, j]).ToArray()).ToArray();

    static string ConfusionText(long[,] m, IReadOnlyList<string> names)
    {
        int k = m.GetLength(0);
        var sb = new System.Text.StringBuilder("confusion (rows: true class, columns: predicted)\n");
        for (int i = 0; i < k; i++)
        {
            string name = i < names.Count ? names[i] : i.ToString();
            sb.Append(name.Length > 10 ? name[..10] : name.PadRight(10));
            for (int j = 0; j < k; j++) sb.Append($" {m[i, j],5}");
            sb.AppendLine();
        }
        return sb.ToString().TrimEnd();
    }
}
