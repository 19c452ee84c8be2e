using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Neuromorphic.Datasets;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Application.Tuning;

/// <summary>Everything one trial run needs, as plain values, so it can cross to another process (an Orleans silo).</summary>
[GenerateSerializer, Immutable]
public sealed record TrialRequest(
    [property: Id(0)] string SpaceSource,
    [property: Id(1)] double Validation,
    [property: Id(2)] int SplitSeed,
    [property: Id(3)] string PresetJson,
    [property: Id(4)] string TrialId,
    [property: Id(5)] int TrainImages,
    [property: Id(6)] string ValuesJson,
    [property: Id(7)] int Seed,
    [property: Id(8)] string Data,
    [property: Id(9)] string Out,
    [property: Id(10)] int? ClassifierEpochs)
{
    /// <summary>The run directory of this configuration and seed.</summary>
    public string Directory => Path.Combine(Out, "trials", TrialId, $"seed-{Seed}");

    public static TrialRequest For(SearchSpace space, string presetJson, TuneOptions options, TrialSpec trial, int seed) => new(
        space.Source, space.Validation, space.Seed, presetJson, trial.Id, trial.TrainImages,
        new JsonObject(trial.Values.Select(v => KeyValuePair.Create(v.Key, (JsonNode?)v.Value.DeepClone()))).ToJsonString(),
        seed, Path.GetFullPath(options.Data), Path.GetFullPath(options.Out), options.ClassifierEpochs);

    public IReadOnlyDictionary<string, JsonNode> Values() =>
        JsonNode.Parse(ValuesJson)!.AsObject().ToDictionary(p => p.Key, p => p.Value!.DeepClone());
}

/// <summary>How a trial run ended: its validation accuracy, whether it had finished before (read, not trained), its
/// training time, and the machine and process that ran it.</summary>
[GenerateSerializer, Immutable]
public sealed record TrialOutcome([property: Id(0)] double Accuracy, [property: Id(1)] bool FinishedEarlier,
    [property: Id(2)] double Seconds, [property: Id(3)] string RanOn);

/// <summary>
/// Runs one trial: the configuration trained with one seed on the training part of the split and scored on the
/// validation part, into its run directory. A run that finished is read instead; one that was interrupted resumes from
/// its checkpoint. The same code runs in the tuning process and in a silo.
/// </summary>
public static class TrialExecution
{
    // The split is a function of (data, fraction, seed); each process opens a dataset once for all its trials.
    private static readonly ConcurrentDictionary<(string, double, int, int), Lazy<(IImageSource Train, IImageSource Validation)>> Splits = new();

    public static async Task<TrialOutcome> RunAsync(TrialRequest r, CancellationToken ct)
    {
        string ranOn = $"{Environment.MachineName}:{Environment.ProcessId}";
        if (RunDirectory.ReadMetrics(r.Directory) is { } done)
            return new TrialOutcome(done.TestAccuracy, true, done.WallSeconds, ranOn);
        var values = r.Values();
        string json = PresetPatch.Apply(r.PresetJson, values, $"{r.SpaceSource}: trial {r.TrialId}");
        var preset = PresetPatch.Read(json, $"{r.SpaceSource}: trial {r.TrialId} ({string.Join(", ", values.Select(v => $"{v.Key}={v.Value.ToJsonString()}"))})");
        var (train, validation) = Splits.GetOrAdd((r.Data, r.Validation, r.SplitSeed, preset.Channels * 1_000_000 + preset.Height * 1000 + preset.Width),
            _ => new Lazy<(IImageSource, IImageSource)>(() => Split(r, preset))).Value;
        var part = r.TrainImages < train.Count ? new SubsetImageSource(train, Enumerable.Range(0, r.TrainImages).ToArray()) : train;
        var options = new TrainingOptions { Preset = preset, DataDirectory = r.Data, RunDirectory = r.Directory, Seed = r.Seed, ClassifierEpochs = r.ClassifierEpochs };
        var clock = Stopwatch.StartNew();
        var result = await SearchRunAsync(options, json, new TrainingData(part, part, validation), [r.SpaceSource, r.TrialId], ct);
        return new TrialOutcome(result.TestAccuracy, false, clock.Elapsed.TotalSeconds, ranOn);
    }

    /// <summary>A run of a search: resumed from its checkpoint if it has one, otherwise started afresh over whatever an
    /// earlier attempt left. <paramref name="data"/> null: the data directory's own splits.</summary>
    public static Task<TrainingResult> SearchRunAsync(TrainingOptions options, string presetJson, TrainingData? data, string[] describe, CancellationToken ct) =>
        // A run whose silo is stopping lets go of its directory once it has written its checkpoint.
        Training.RunAsync(options, presetJson, RunDirectory.Describe("tune", describe, options.Seed), RunStart.ResumeIfInterrupted,
            progress: null, ct, data, lockWait: TimeSpan.FromMinutes(2));

    /// <summary>How many of <paramref name="total"/> training images the validation part takes.</summary>
    public static int HeldOut(double fraction, int total) => (int)Math.Ceiling(fraction * total);

    /// <summary>The training set cut in two by one shuffle from the split seed: the validation part first, the rest for training.</summary>
    static (IImageSource Train, IImageSource Validation) Split(TrialRequest r, Learning.NetworkPreset preset)
    {
        var whole = DatasetDirectory.Open(r.Data, DatasetSplit.Train, null, preset.InputShape);
        var order = Enumerable.Range(0, whole.Count).ToArray();
        new Random(r.SplitSeed).Shuffle(order);
        int held = HeldOut(r.Validation, whole.Count);
        if (held < 1 || held >= whole.Count)
            throw new UserErrorException($"{r.SpaceSource}: $.validation: {r.Validation} of {whole.Count} training images leaves no validation or no training images.");
        return (new SubsetImageSource(whole, order[held..], $"{whole.Name}, training part"),
                new SubsetImageSource(whole, order[..held], $"{whole.Name}, validation part"));
    }
}
