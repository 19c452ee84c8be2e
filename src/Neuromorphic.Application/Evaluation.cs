using Neuromorphic.Datasets;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Application;

/// <summary>The test split through the trained network and what it scored: the record written to evaluation.json, and the
/// class names the confusion matrix is labelled with.</summary>
public sealed record EvaluationOutcome(EvaluationResult Result, IReadOnlyList<string> ClassNames);

/// <summary>`evaluate`: a trained run, read-out included, on a test split through the engine; and the loading that every
/// use case of a trained run shares (the model once per command, the test split checked against its preset).</summary>
public static class Evaluation
{
    public static async Task<EvaluationOutcome> RunAsync(string run, string data, int? limit, IRunProgress? progress, CancellationToken ct)
    {
        using var runLock = RunLock.Acquire(run, create: false);
        var model = LoadModel(run);
        var test = OpenTest(data, limit, model.Preset);
        var result = await Inference.EvaluateAsync(model, test, progress: progress, ct: ct);
        var interval = result.Interval;
        var record = new EvaluationResult(data, result.Samples, result.Accuracy, interval.Low, interval.High,
            ToJagged(result.Confusion), result.Report.WallTime.TotalSeconds, result.Report.EngineOverheadFraction);
        RunDirectory.WriteDerived(run, RunDirectory.EvaluationFile, record);
        return new EvaluationOutcome(record, test.ClassNames);
    }

    public static TrainedModel LoadModel(string run)
    {
        try { return TrainedModel.Load(run); }
        catch (FileNotFoundException e) { throw new UserErrorException(e.Message, e); }
    }

    /// <summary>The test split, checked to fit the trained network's preset (image folders are resized to its input).</summary>
    public static IImageSource OpenTest(string data, int? limit, NetworkPreset preset)
    {
        RequireDataFolder(data);
        var test = DatasetDirectory.Open(data, DatasetSplit.Test, limit, preset.InputShape);
        SoftHebbTrainer.CheckShapes(preset, test, labelled: true);
        return test;
    }

    public static void RequireDataFolder(string dir)
    {
        if (!Directory.Exists(dir))
            throw new UserErrorException($"dataset folder '{dir}' does not exist; to get one: neuromorphic datasets download mnist --to {dir} " +
                                         $"(datasets: {string.Join(", ", Datasets.Download.DatasetCatalog.Names)}).");
    }

    static long[][] ToJagged(long[,] m) =>
        Enumerable.Range(0, m.GetLength(0)).Select(i => Enumerable.Range(0, m.GetLength(1)).Select(j => m[i, j]).ToArray()).ToArray();
}
