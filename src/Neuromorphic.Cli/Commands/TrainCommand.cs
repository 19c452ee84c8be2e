using Neuromorphic.Learning;
using Neuromorphic.Application;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Cli.Commands;

/// <summary>`train`: a SoftHebb run from a preset, start to finish, into a run directory.</summary>
public sealed class TrainCommand : ICliCommand
{
    public string Name => "train";
    public string Summary => "train a SoftHebb network (Hebbian phase, features, read-out) and evaluate it";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("train", "Trains a SoftHebb network from a preset: the Hebbian phase through the engine, feature extraction,\n" +
                     "the supervised read-out, then the test accuracy, all into the run directory.",
            new CliOption("preset", "NAME|FILE", $"a built-in preset ({string.Join(", ", PresetLibrary.Names)}) or a preset JSON file", DefaultNote: "required"),
            new CliOption("data", "DIR", "dataset folder in its standard format, or an image folder (train/, val/, one subfolder per class)",
                DefaultNote: "the shipped sample datasets/mnist-sample"),
            new CliOption("schedule", "concurrent|successive", "concurrent: all Hebbian layers learn in one pipelined pass; successive: one pass per layer, as in the paper",
                Default: "concurrent"),
            new CliOption("seed", "N", "seed of weights, data order, augmentation and dropout", Default: "0"),
            new CliOption("out", "RUN_DIR", "run directory", DefaultNote: "runs/PRESET-seedN"),
            new CliOption("limit-train", "N", "use the first N training images", DefaultNote: "all"),
            new CliOption("limit-test", "N", "use the first N test images", DefaultNote: "all"),
            new CliOption("classifier-epochs", "N", "read-out epochs", DefaultNote: "the preset's"),
            new CliOption("checkpoint-every", "BATCHES", "a consistent checkpoint every this many Hebbian batches (0: none)", Default: "500"),
            new CliOption("max-memory", "BYTES", "refuse a run whose planned peak memory exceeds this (e.g. 8G, 512M)",
                DefaultNote: "the memory available to the process"),
            new CliOption("resume", null, "continue from RUN_DIR/checkpoint.ckpt after an interruption (Ctrl-C writes one) with the options that change the result unchanged"),
            new CliOption("overwrite", null, "clear the run files of an earlier run in RUN_DIR first (only the files this tool writes)"),
            new CliOption("lockstep", null, "admit one Hebbian batch at a time (no pipelining between layers): the baseline for what pipelining gains; same results")),
    ];

    public async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        var options = Parse(args, out var preset);
        bool overwrite = args.Flag("overwrite");
        args.ThrowOnUnknown(Name);
        if (options.Resume && overwrite) throw new UserErrorException("--resume continues the run in RUN_DIR and --overwrite clears it: pass one of them.");
        var info = RunDirectory.Describe(Name, args.Raw, options.Seed);
        Console.WriteLine($"training preset '{preset.Name}' ({options.Schedule.ToString().ToLowerInvariant()}, seed {options.Seed}) on {options.DataDirectory} -> {options.RunDirectory}");
        Console.WriteLine($"GEMM back-end: {info.Gemm}");
        var start = options.Resume ? RunStart.Resume : overwrite ? RunStart.Overwrite : RunStart.Fresh;
        var result = await Training.RunAsync(options, Training.PresetText(args.String("preset")!), info, start, new ConsoleProgress(), cancellationToken);
        Console.WriteLine($"test accuracy {100 * result.TestAccuracy:F2} % ({result.TestAccuracyInterval}) on {result.TestImages:N0} images; " +
                          $"wall {result.WallSeconds:F1} s; peak memory {result.PeakMemoryBytes / (1024.0 * 1024):F0} MiB");
        Console.WriteLine($"run directory: {options.RunDirectory}");
        return 0;
    }

    internal static TrainingOptions Parse(CommandArguments args, out NetworkPreset preset)
    {
        string presetName = args.String("preset") ?? throw new UserErrorException("train needs --preset NAME|FILE; built-in presets: " + string.Join(", ", PresetLibrary.Names));
        preset = Training.LoadPreset(presetName);
        int seed = args.Int("seed")!.Value;
        string data = args.String("data") ?? RepositoryPaths.DefaultDataset;
        Evaluation.RequireDataFolder(data);
        var schedule = args.String("schedule")! switch
        {
            "concurrent" => HebbianSchedule.Concurrent,
            "successive" => HebbianSchedule.Successive,
            var s => throw new UserErrorException($"--schedule must be concurrent or successive, got '{s}'."),
        };
        return new TrainingOptions
        {
            Preset = preset,
            DataDirectory = data,
            RunDirectory = args.String("out") ?? Path.Combine(RepositoryPaths.Root, "runs", $"{preset.Name}-seed{seed}"),
            Schedule = schedule,
            Seed = seed,
            LimitTrain = args.Int("limit-train", min: 1),
            LimitTest = args.Int("limit-test", min: 1),
            ClassifierEpochs = args.Int("classifier-epochs", min: 1),
            CheckpointEveryBatches = args.Int("checkpoint-every", min: 0)!.Value,
            MaxMemoryBytes = args.String("max-memory") is { } max ? ParseBytes("max-memory", max) : null,
            Resume = args.Flag("resume"),
            Lockstep = args.Flag("lockstep"),
        };
    }

    /// <summary>A byte count written as a number with an optional binary suffix: 512M, 8G, 1.5T, 4096.</summary>
    internal static long ParseBytes(string option, string text)
    {
        string t = text.Trim().TrimEnd('B', 'b').TrimEnd('i');
        double scale = t.Length == 0 ? 0 : char.ToUpperInvariant(t[^1]) switch
        {
            'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1,
        };
        if (scale > 1) t = t[..^1];
        if (!double.TryParse(t, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double v)
            || !(v * scale >= 1 << 20) || !(v * scale <= 1L << 50))
            throw new UserErrorException($"--{option} takes a size from 1M to 1024T, such as 512M or 8G; got '{text}'.");
        return (long)(v * scale);
    }
}
