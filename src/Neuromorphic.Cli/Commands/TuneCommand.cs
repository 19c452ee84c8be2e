using System.Globalization;
using Neuromorphic.Application.Tuning;
using Neuromorphic.Learning;

namespace Neuromorphic.Cli.Commands;

/// <summary>`tune`: a hyperparameter search over a preset, on a validation part of the training set.</summary>
public sealed class TuneCommand : ICliCommand
{
    public string Name => "tune";
    public string Summary => "search a preset's hyperparameters on a validation split, then train the best over several seeds";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("tune", "Runs the search a space file describes (docs/tuning.md): grid, random or successive halving over any preset\n" +
                    "fields, each configuration trained with several seeds on the training set minus a validation part and scored\n" +
                    "on that part; the test set is not read. Writes each run as a run directory (OUT/trials/ID/seed-N),\n" +
                    "results.csv ranked by mean validation accuracy with its spread, a figure, and best-preset.json; then\n" +
                    "trains the best configuration on the whole training set with --final-seeds seeds and scores it on the test\n" +
                    "set. Run again with the same arguments, it reads the runs that finished and resumes the one interrupted.",
            new CliOption("space", "NAME|FILE", $"a built-in search space ({string.Join(", ", SearchSpace.BuiltIn)}) or a search space file (JSON)", DefaultNote: "required"),
            CommonOptions.Data,
            new CliOption("out", "DIR", "folder of the search", DefaultNote: "runs/tune-SPACE"),
            new CliOption("parallel", "N", "trial runs trained at once (with --cluster: handed to the cluster at once)", Default: "1"),
            new CliOption("cluster", "HOST:PORT,...", "run the trials on an Orleans cluster through these gateways (see 'cluster silo')", DefaultNote: "none: in this process"),
            new CliOption("time-limit", "MINUTES", "start no trial run after this much time (running ones finish)", DefaultNote: "none"),
            new CliOption("final-seeds", "N", "seeds of the best configuration's final runs on the test set (0: none)", Default: "4"),
            new CliOption("final-limit-train", "N", "training images of the final runs", DefaultNote: "all"),
            CommonOptions.LimitTest,
            new CliOption("classifier-epochs", "N", "read-out epochs of every run", DefaultNote: "the preset's")),
    ];

    public async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        string spaceFile = args.String("space") ?? throw new UserErrorException("tune needs --space NAME|FILE (see docs/tuning.md).");
        var space = SearchSpace.Load(spaceFile);
        string data = args.String("data") ?? RepositoryPaths.DefaultDataset;
        Evaluation.RequireDataFolder(data);
        string minutes = args.String("time-limit") ?? "";
        var options = new TuneOptions(data, args.String("out") ?? Path.Combine("runs", "tune-" + Path.GetFileNameWithoutExtension(spaceFile)))
        {
            Parallel = args.Int("parallel", min: 1)!.Value,
            TimeLimit = minutes.Length == 0 ? null
                : double.TryParse(minutes, NumberStyles.Float, CultureInfo.InvariantCulture, out double m) && m > 0 ? TimeSpan.FromMinutes(m)
                : throw new UserErrorException($"--time-limit takes a positive number of minutes, not '{minutes}'."),
            FinalSeeds = args.Int("final-seeds", min: 0)!.Value,
            FinalLimitTrain = args.Int("final-limit-train", min: 1),
            LimitTest = args.Int("limit-test", min: 1),
            ClassifierEpochs = args.Int("classifier-epochs", min: 1),
        };
        string? cluster = args.String("cluster");
        args.ThrowOnUnknown(Name);

        string presetJson = PresetText(space);
        void Log(string line) => Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {line}");
        using var client = cluster is null ? null : ClusterHosting.Client(cluster);
        if (client is not null)
        {
            try { await client.StartAsync(cancellationToken); }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new UserErrorException($"--cluster {cluster}: no silo answered ({e.Message.Split('\n')[0]}); start one with 'neuromorphic cluster silo'.", e);
            }
            Log($"connected to the cluster at {cluster}");
        }
        var runner = client is null ? null : new ClusterTrialRunner(ClusterHosting.Grains(client), Log);
        var tuner = new Tuner(space, presetJson, options, Log, runner is null ? null : runner.RunAsync);
        var results = await tuner.SearchAsync(cancellationToken);
        var ranked = Tuner.Ranked(results).Where(r => r.Seeds.Count > 0).ToList();
        Console.WriteLine($"{results.Count} configurations; best first (validation accuracy, mean ± std over seeds):");
        foreach (var r in ranked.Take(10))
            Console.WriteLine($"  {r.Trial.Id,-8} {100 * r.Mean,6:F2} ± {100 * r.Spread:F2} %  ({r.Seeds.Count} seeds, {r.Trial.TrainImages:N0} images)  {r.Trial.Describe()}");
        Console.WriteLine($"wrote {Path.Combine(options.Out, Tuner.ResultsCsv)}, results.png/svg, {Path.Combine(options.Out, Tuner.BestPreset)}");
        if (ranked.Count == 0 || options.FinalSeeds == 0) return 0;

        var final = await tuner.FinalAsync(cancellationToken);
        double mean = final.Average();
        double std = final.Count < 2 ? 0 : Math.Sqrt(final.Sum(a => (a - mean) * (a - mean)) / (final.Count - 1));
        Console.WriteLine($"best configuration ({ranked[0].Trial.Describe()}) on the test set: {100 * mean:F2} ± {100 * std:F2} % over {final.Count} seeds");
        return 0;
    }

    /// <summary>The space's preset: a built-in name, or a file path taken from the space file's folder.</summary>
    static string PresetText(SearchSpace space)
    {
        if (PresetLibrary.Names.Contains(space.Preset)) return PresetLibrary.BuiltInJson(space.Preset);
        string folder = File.Exists(space.Source) ? Path.GetDirectoryName(Path.GetFullPath(space.Source))! : Environment.CurrentDirectory;
        string path = Path.IsPathRooted(space.Preset) ? space.Preset : Path.Combine(folder, space.Preset);
        if (!File.Exists(path))
            throw new UserErrorException($"{space.Source}: $.preset: expected a built-in preset ({string.Join(", ", PresetLibrary.Names)}) or a preset file; '{space.Preset}' is neither.");
        return File.ReadAllText(path);
    }
}
