using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Cli.Commands;

/// <summary>`train`: a SoftHebb run from a preset, start to finish, into a run directory.</summary>
public sealed class TrainCommand : ICliCommand
{
    public string Name => "train";
    public string Summary => "train a SoftHebb network (Hebbian phase, features, read-out) and evaluate it";
    public string Help => $"""
        usage: neuromorphic train --preset NAME|FILE [--data DIR] [--schedule concurrent|successive] [--seed N]
                                  [--out RUN_DIR] [--limit-train N] [--limit-test N] [--classifier-epochs N]
                                  [--checkpoint-every BATCHES] [--resume] [--lockstep]

        --preset             a built-in preset ({string.Join(", ", PresetLibrary.Names)}) or a preset JSON file
        --data DIR           dataset folder in its standard format, or an image folder (train/, val/, one
                             subfolder per class; images resized to the preset's input) (default: datasets/mnist-sample)
        --schedule           concurrent: all Hebbian layers learn in one pipelined pass (default);
                             successive: one pass per layer, as in the paper
        --seed N             seed of weights, data order, augmentation and dropout (default 0)
        --out RUN_DIR        run directory (default runs/PRESET-seedN)
        --limit-train N      use the first N training images; --limit-test N likewise
        --classifier-epochs  override the preset's read-out epochs
        --checkpoint-every   consistent checkpoint every this many Hebbian batches (default 500)
        --resume             continue from RUN_DIR/checkpoint.ckpt after an interruption
        --lockstep           admit one Hebbian batch at a time (no pipelining between layers): the
                             baseline for measuring what the engine's pipelining gains; same results
        """;

    public async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        var options = Parse(args, out var preset);
        args.ThrowOnUnknown(Name);
        var info = RunDirectory.Describe(Name, args.Raw, options.Seed);
        Directory.CreateDirectory(options.RunDirectory);
        RunDirectory.WriteAtomically(Path.Combine(options.RunDirectory, SoftHebbTrainer.PresetFile), PresetText(args.String("preset")!));
        RunDirectory.WriteJson(options.RunDirectory, RunDirectory.RunInfoFile, info);
        Console.WriteLine($"training preset '{preset.Name}' ({options.Schedule.ToString().ToLowerInvariant()}, seed {options.Seed}) on {options.DataDirectory} -> {options.RunDirectory}");
        Console.WriteLine($"GEMM back-end: {info.Gemm}");

        var result = await new SoftHebbTrainer(new ConsoleProgress()).RunAsync(options, cancellationToken);
        RunDirectory.WriteJson(options.RunDirectory, RunDirectory.MetricsFile, result);
        Console.WriteLine($"test accuracy {100 * result.TestAccuracy:F2} % ({result.TestAccuracyInterval}) on {result.TestImages:N0} images; " +
                          $"wall {result.WallSeconds:F1} s; peak memory {result.PeakMemoryBytes / (1024.0 * 1024):F0} MiB");
        Console.WriteLine($"run directory: {options.RunDirectory}");
        return 0;
    }

    internal static TrainingOptions Parse(CommandArguments args, out NetworkPreset preset)
    {
        string presetName = args.String("preset") ?? throw new UserErrorException("train needs --preset NAME|FILE; built-in presets: " + string.Join(", ", PresetLibrary.Names));
        preset = LoadPreset(presetName);
        int seed = args.Int("seed") ?? 0;
        string data = args.String("data") ?? RepositoryPaths.DefaultDataset;
        if (!Directory.Exists(data)) throw new UserErrorException($"dataset folder '{data}' does not exist.");
        var schedule = args.String("schedule", "concurrent") switch
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
            CheckpointEveryBatches = args.Int("checkpoint-every", min: 0) ?? 500,
            Resume = args.Flag("resume"),
            Lockstep = args.Flag("lockstep"),
        };
    }

    internal static NetworkPreset LoadPreset(string nameOrPath)
    {
        try { return PresetLibrary.Load(nameOrPath); }
        catch (PresetFormatException e) { throw new UserErrorException(e.Message, e); }
        catch (FileNotFoundException e) { throw new UserErrorException(e.Message, e); }
    }

    static string PresetText(string nameOrPath) =>
        File.Exists(nameOrPath) ? File.ReadAllText(nameOrPath) : PresetLibrary.BuiltInJson(nameOrPath);
}
