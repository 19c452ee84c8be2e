using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Neuromorphic.Datasets;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;
using Neuromorphic.Plotting;

namespace Neuromorphic.Application.Tuning;

/// <summary>Where a search writes and what it may spend.</summary>
public sealed record TuneOptions(string Data, string Out)
{
    /// <summary>Trial runs trained at once in this process.</summary>
    public int Parallel { get; init; } = 1;
    /// <summary>No trial run starts after this much wall time (the ones running finish); null: no limit.</summary>
    public TimeSpan? TimeLimit { get; init; }
    /// <summary>Seeds the best configuration is trained with on the whole training set and scored on the test set (0: none).</summary>
    public int FinalSeeds { get; init; } = 4;
    /// <summary>Training images of the final runs (null: the whole training set, as the search's result is meant to be used).</summary>
    public int? FinalLimitTrain { get; init; }
    public int? LimitTest { get; init; }
    public int? ClassifierEpochs { get; init; }
}

/// <summary>A configuration's outcome: validation accuracy per finished seed, their mean and sample standard deviation.</summary>
public sealed record TrialResult(TrialSpec Trial, IReadOnlyList<(int Seed, double Accuracy)> Seeds)
{
    public double Mean => Seeds.Count == 0 ? double.NaN : Seeds.Average(s => s.Accuracy);
    public double Spread => Seeds.Count < 2 ? 0 : Math.Sqrt(Seeds.Sum(s => Math.Pow(s.Accuracy - Mean, 2)) / (Seeds.Count - 1));
}

/// <summary>
/// Runs a search in this process. Each (configuration, seed) is a normal run directory under OUT/trials/ID/seed-N, trained
/// on the training set minus a validation part and scored on that part; the split is drawn once from the space's seed,
/// and the test set is never read until the best configuration's final runs. A run that finished (its metrics.json is
/// there) is read, not trained again, and one that was interrupted resumes from its checkpoint, so a killed search
/// continues where it stopped.
/// </summary>
public sealed class Tuner(SearchSpace space, string presetJson, TuneOptions options, Action<string> log,
    Func<TrialRequest, CancellationToken, Task<TrialOutcome>>? runTrial = null)
{
    private readonly Func<TrialRequest, CancellationToken, Task<TrialOutcome>> runTrial = runTrial ?? TrialExecution.RunAsync;
    public const string ResultsCsv = "results.csv";
    public const string BestPreset = "best-preset.json";
    private readonly Stopwatch clock = Stopwatch.StartNew();

    public async Task<IReadOnlyList<TrialResult>> SearchAsync(CancellationToken ct)
    {
        var basePreset = PresetPatch.Read(presetJson, $"{space.Source}: preset '{space.Preset}'");
        // Only the split's size is needed here; the runs open the data themselves (in this process or on a silo).
        int total = CountTraining(basePreset);
        int held = TrialExecution.HeldOut(space.Validation, total);
        int budget = Math.Min(space.LimitTrain ?? total - held, total - held);
        log($"search: {space.Strategy.ToString().ToLowerInvariant()} over {string.Join(", ", space.Parameters.Select(p => p.Path))}; " +
            $"{space.Seeds} seed(s) each; {total - held:N0} training and {held:N0} validation images (seed {space.Seed}), up to {budget:N0} per run");

        var configs = SearchPlan.Configurations(space);
        var results = new List<TrialResult>();
        var current = configs.Select((c, i) => new TrialSpec($"t{i:D3}", 0, SearchPlan.RungImages(space, 0, budget), c)).ToList();
        int rungs = space.Strategy == SearchStrategy.Halving ? space.Rungs : 1;
        for (int rung = 0; rung < rungs && current.Count > 0; rung++)
        {
            var rungResults = await RunRungAsync(current, ct);
            results.AddRange(rungResults);
            if (rung + 1 == rungs) break;
            var best = rungResults.Where(r => r.Seeds.Count > 0).OrderByDescending(r => r.Mean).Take(SearchPlan.Survivors(space, current.Count));
            current = best.Select(r => r.Trial with
            {
                Id = $"r{rung + 1}-{r.Trial.Id.Split('-')[^1]}",
                Rung = rung + 1,
                TrainImages = SearchPlan.RungImages(space, rung + 1, budget),
            }).ToList();
        }
        Write(results);
        return results;
    }

    int CountTraining(NetworkPreset preset)
    {
        var whole = DatasetDirectory.Open(options.Data, DatasetSplit.Train, null, preset.InputShape);
        try { return whole.Count; }
        finally { (whole as IDisposable)?.Dispose(); }
    }

    async Task<List<TrialResult>> RunRungAsync(IReadOnlyList<TrialSpec> trials, CancellationToken ct)
    {
        var accuracies = trials.ToDictionary(t => t.Id, _ => new List<(int, double)>());
        using var slots = new SemaphoreSlim(options.Parallel);
        var work = new List<Task>();
        foreach (var trial in trials)
            for (int seed = 1; seed <= space.Seeds; seed++)
            {
                await slots.WaitAsync(ct);
                if (options.TimeLimit is { } limit && clock.Elapsed > limit)
                {
                    slots.Release();
                    log($"time limit of {limit.TotalMinutes:F0} min reached: no further trial runs start");
                    goto done;
                }
                int s = seed;
                var trialSeed = trial;
                work.Add(Task.Run(async () =>
                {
                    try
                    {
                        double accuracy = await RunTrialAsync(trialSeed, s, ct);
                        lock (accuracies) accuracies[trialSeed.Id].Add((s, accuracy));
                    }
                    finally { slots.Release(); }
                }, ct));
            }
        done:
        await Task.WhenAll(work);
        return trials.Select(t => new TrialResult(t, accuracies[t.Id].OrderBy(a => a.Item1).ToList())).ToList();
    }

    async Task<double> RunTrialAsync(TrialSpec trial, int seed, CancellationToken ct)
    {
        var outcome = await runTrial(TrialRequest.For(space, presetJson, options, trial, seed), ct);
        log(outcome.FinishedEarlier
            ? $"{trial.Id} seed {seed}: validation {100 * outcome.Accuracy:F2} % (finished earlier)"
            : $"{trial.Id} seed {seed}: validation {100 * outcome.Accuracy:F2} % on {trial.TrainImages:N0} images ({trial.Describe()}) " +
              $"[{outcome.Seconds:F0} s on {outcome.RanOn}; {clock.Elapsed:hh\\:mm\\:ss} in all]");
        return outcome.Accuracy;
    }

    /// <summary>results.csv (ranked by rung, then mean validation accuracy), the figure, and the best configuration as a preset.</summary>
    void Write(IReadOnlyList<TrialResult> results)
    {
        var ranked = Ranked(results);
        var csv = new StringBuilder("rank,trial,rung,train_images,");
        csv.Append(string.Join(',', space.Parameters.Select(p => p.Path))).Append(",seeds,mean_validation_accuracy,std\n");
        for (int i = 0; i < ranked.Count; i++)
        {
            var r = ranked[i];
            csv.Append(CultureInfo.InvariantCulture, $"{i + 1},{r.Trial.Id},{r.Trial.Rung},{r.Trial.TrainImages},");
            csv.Append(string.Join(',', space.Parameters.Select(p => r.Trial.Values[p.Path].ToJsonString().Replace(',', ';'))));
            csv.Append(CultureInfo.InvariantCulture, $",{r.Seeds.Count},{r.Mean:R},{r.Spread:R}\n");
        }
        Directory.CreateDirectory(options.Out);
        RunDirectory.WriteAtomically(Path.Combine(options.Out, ResultsCsv), csv.ToString());
        var finished = ranked.Where(r => r.Seeds.Count > 0).ToList();
        if (finished.Count == 0) return;
        var points = finished.Select(r => (r.Trial.Id, 100 * r.Mean, 100 * r.Spread)).ToList();
        PlotExport.Save(Plots.SearchTrials(points, "Validation accuracy (%)", $"{space.Preset}: trials ranked by mean validation accuracy (± std over seeds)"),
            Path.Combine(options.Out, "results"));
        var best = finished[0];
        RunDirectory.WriteAtomically(Path.Combine(options.Out, BestPreset), PresetPatch.Apply(presetJson, best.Trial.Values, space.Source));
    }

    /// <summary>The last rung first (its configurations saw the most images), then by mean validation accuracy.</summary>
    public static List<TrialResult> Ranked(IEnumerable<TrialResult> results) =>
        results.OrderByDescending(r => r.Trial.Rung).ThenByDescending(r => r.Seeds.Count > 0 ? r.Mean : double.NegativeInfinity).ToList();

    /// <summary>The best configuration trained on the whole training set with seeds 1..FinalSeeds and scored once on the test set.</summary>
    public async Task<IReadOnlyList<double>> FinalAsync(CancellationToken ct)
    {
        string json = File.ReadAllText(Path.Combine(options.Out, BestPreset));
        var preset = PresetPatch.Read(json, Path.Combine(options.Out, BestPreset));
        var accuracies = new List<double>();
        for (int seed = 1; seed <= options.FinalSeeds; seed++)
        {
            string dir = Path.Combine(options.Out, "final", $"seed-{seed}");
            var result = RunDirectory.ReadMetrics(dir) ?? await TrialExecution.SearchRunAsync(new TrainingOptions
            {
                Preset = preset, DataDirectory = options.Data, RunDirectory = dir, Seed = seed,
                LimitTrain = options.FinalLimitTrain, LimitTest = options.LimitTest, ClassifierEpochs = options.ClassifierEpochs,
            }, json, null, [space.Source, "final"], ct);
            accuracies.Add(result.TestAccuracy);
            log($"final seed {seed}: test {100 * result.TestAccuracy:F2} % on {result.TestImages:N0} images");
        }
        return accuracies;
    }
}
