using Neuromorphic.Datasets;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Application;

/// <summary>How a training run treats what an earlier run left in its directory.</summary>
public enum RunStart
{
    /// <summary>Refuse a directory that holds an earlier run's files.</summary>
    Fresh,
    /// <summary>Continue from the directory's checkpoint (`train --resume`).</summary>
    Resume,
    /// <summary>Clear the earlier run's files first (`train --overwrite`, the demo).</summary>
    Overwrite,
    /// <summary>Resume if a checkpoint is there, otherwise start over whatever is left (a search's trial).</summary>
    ResumeIfInterrupted,
}

/// <summary>`train`: one SoftHebb run into its run directory: the directory locked and prepared, the preset and run.json
/// written, the network trained, metrics.json written. `train`, the demo and every trial of a search run through here.</summary>
public static class Training
{
    /// <param name="presetJson">The preset's text as given, kept in the run directory beside the result.</param>
    /// <param name="data">The images to train and test on; null: the data directory's own splits.</param>
    /// <param name="lockWait">How long to wait for another process to let go of the directory (a stopping silo).</param>
    public static async Task<TrainingResult> RunAsync(TrainingOptions options, string presetJson, RunInfo info, RunStart start,
        IRunProgress? progress, CancellationToken ct, TrainingData? data = null, TimeSpan? lockWait = null)
    {
        string dir = options.RunDirectory;
        using var runLock = RunLock.Acquire(dir, wait: lockWait ?? default);
        bool resume = start == RunStart.Resume
                      || (start == RunStart.ResumeIfInterrupted && File.Exists(Path.Combine(dir, SoftHebbTrainer.CheckpointFile)));
        RunDirectory.Prepare(dir, resume, overwrite: start is RunStart.Overwrite || (start == RunStart.ResumeIfInterrupted && !resume));
        RunDirectory.WriteAtomically(Path.Combine(dir, SoftHebbTrainer.PresetFile), presetJson);
        RunDirectory.WriteJson(dir, RunDirectory.RunInfoFile, info);
        var trainer = progress is null ? new SoftHebbTrainer() : new SoftHebbTrainer(progress);
        var o = options with { Resume = resume };
        var result = data is null ? await trainer.RunAsync(o, ct) : await trainer.RunAsync(o, data, ct);
        RunDirectory.WriteDerived(dir, RunDirectory.MetricsFile, result);
        return result;
    }

    /// <summary>A built-in preset by name, or a preset file.</summary>
    public static NetworkPreset LoadPreset(string nameOrPath)
    {
        try { return PresetLibrary.Load(nameOrPath); }
        catch (PresetFormatException e) { throw new UserErrorException(e.Message, e); }
        catch (FileNotFoundException e) { throw new UserErrorException(e.Message, e); }
    }

    /// <summary>The text of a preset file, or of the built-in preset of that name.</summary>
    public static string PresetText(string nameOrPath) =>
        File.Exists(nameOrPath) ? File.ReadAllText(nameOrPath) : PresetLibrary.BuiltInJson(nameOrPath);
}
