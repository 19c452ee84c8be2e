using System.Collections.Concurrent;
using Neuromorphic.Application.Tuning;
using Neuromorphic.Learning;
using Orleans.TestingHost;

namespace Neuromorphic.Cli.Tests;

/// <summary>`tune --cluster` on an in-process Orleans test cluster of two silos: trials spread over the silos, one silo
/// killed mid-search, and every trial's result equal to the same trial run alone in this process.</summary>
public class ClusterTuneTests
{
    const string Space = """
        { "preset": "mnist-small", "strategy": "grid", "seeds": 2, "limitTrain": 300,
          "parameters": { "layers[0].learningRate": [0.02, 0.04, 0.08, 0.16] } }
        """;

    static Tuner Tuner(string outDir, Func<TrialRequest, CancellationToken, Task<TrialOutcome>>? runner, List<string> log) =>
        new(SearchSpace.Parse(Space, "space.json"), PresetLibrary.BuiltInJson("mnist-small"),
            new TuneOptions(RepositoryPaths.DefaultDataset, outDir) { Parallel = 4, FinalSeeds = 0, ClassifierEpochs = 2 },
            line => { lock (log) log.Add(line); }, runner);

    static Dictionary<string, double> ByRun(IEnumerable<TrialResult> results) =>
        results.SelectMany(r => r.Seeds.Select(s => ($"{r.Trial.Id}/{s.Seed}", s.Accuracy))).ToDictionary(p => p.Item1, p => p.Item2);

    [Fact]
    public async Task Trials_spread_over_silos_survive_a_killed_silo_and_equal_the_same_trials_run_alone()
    {
        using var tmp = new TempDir();
        var alone = ByRun(await Tuner(Path.Combine(tmp.Path, "alone"), null, []).SearchAsync(CancellationToken.None));

        var cluster = new InProcessTestClusterBuilder(2).Build();
        await cluster.DeployAsync();
        try
        {
            var log = new List<string>();
            var started = new ConcurrentDictionary<string, string>(); // run directory -> silo it last started on
            var runner = new ClusterTrialRunner(cluster.Client, line => { lock (log) log.Add(line); }) { Started = (run, silo) => started[run] = silo };
            var second = cluster.Silos[1];
            string outDir = Path.Combine(tmp.Path, "cluster");
            var search = Tuner(outDir, runner.RunAsync, log).SearchAsync(CancellationToken.None);

            // Kill the second silo as soon as a run has started on it (placement is random: 8 runs all on one silo is 1 in 128).
            var deadline = DateTime.UtcNow.AddSeconds(120);
            while (!started.Values.Contains(second.SiloAddress.ToString()) && !search.IsCompleted && DateTime.UtcNow < deadline) await Task.Delay(20);
            var onSecond = started.Where(p => p.Value == second.SiloAddress.ToString()).Select(p => p.Key).ToList();
            await cluster.KillSiloAsync(second);
            var results = await search.WaitAsync(TimeSpan.FromMinutes(5));

            Assert.NotEmpty(onSecond);                                                  // the runs were spread over both silos
            Assert.All(onSecond, run => Assert.NotEqual(second.SiloAddress.ToString(), started[run])); // and finished on the other
            Assert.Contains(log, l => l.Contains("starting it again", StringComparison.Ordinal));
            Assert.Equal(alone, ByRun(results));                                        // each result as if run alone
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }
}
