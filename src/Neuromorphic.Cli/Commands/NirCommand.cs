using System.Globalization;
using Neuromorphic.Application.Simulation;
using Neuromorphic.Datasets;
using Neuromorphic.Spiking;
using Neuromorphic.Interop.Nir;

namespace Neuromorphic.Cli.Commands;

/// <summary>`nir show FILE`, `nir run FILE` and `nir export`: NIR graphs (the Neuromorphic Intermediate Representation, HDF5).</summary>
public sealed class NirCommand : ICliCommand
{
    public string Name => "nir";
    public string Summary => "show, run or export NIR graphs (Neuromorphic Intermediate Representation, .nir)";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("nir show FILE",
            "Reads a NIR graph (as written by Norse, snnTorch, Sinabs, Rockpool, Lava, ...) and prints its nodes (type,\n" +
            "input and output shape where the parameters fix them, each parameter array's shape and min/mean/max, in the\n" +
            "file's units: tau in seconds), its edges with the recurrent ones (those that close a cycle) marked, and nested\n" +
            "graphs indented. A malformed file gives one error naming the node and the field."),
        new("nir run FILE",
            "Runs a NIR graph on the engine, one actor per node, for --steps steps of --dt seconds (NIR neurons are\n" +
            "continuous-time; the step is chosen here). Recurrent edges carry the previous step. Writes spikes.csv,\n" +
            "membranes.csv and outputs.csv (sample 0), summary.txt, a raster per spiking node and membrane figures.",
            new CliOption("input", "FILE|poisson:P", "a CSV with one row per step (the Input node's values), or Poisson spikes with probability P per step", DefaultNote: "required unless --images"),
            new CliOption("images", "N", "instead of --input: the first N test images of --data, encoded as spikes; prints the accuracy the graph's Output gives (its largest value at the last step)",
                DefaultNote: "none"),
            CommonOptions.Data,
            new CliOption("encoder", "regular|poisson", "with --images: pixel x as an integrate-and-fire input (rate x, deterministic) or Poisson spikes of probability x per step", Default: "regular"),
            new CliOption("input-columns", "C1,C2,...", "the CSV columns (0-based) that hold the input", DefaultNote: "every column"),
            new CliOption("dt", "SECONDS", "the time step", DefaultNote: "required"),
            new CliOption("steps", "N", "time steps to run", DefaultNote: "the input file's rows"),
            new CliOption("integration", "exact|euler", "exact: the equations solved over each step with the input held (reset at the crossing); euler: forward Euler, as Norse and Lava step", Default: "exact"),
            new CliOption("record", "NODE,...|all", "nodes whose membranes are recorded", DefaultNote: "populations of at most 256 neurons"),
            new CliOption("seed", "N", "seed of the Poisson input", Default: "1"),
            new CliOption("out", "DIR", "output folder", DefaultNote: "runs/nir-NAME")),
        new("nir export",
            "Writes a trained SoftHebb run in its spiking form as a NIR graph: per layer Conv2d (BatchNorm and the Triangle's\n" +
            "inhibition folded in) and IF neurons, pooling (max as SumPool2d then Threshold 0.5, an OR of the window), the\n" +
            "read-out as Affine into integrators. The graph's metadata says what NIR does not carry exactly (reflect padding,\n" +
            "the input encoder); docs/nir.md has the details. Λ is calibrated on 100 training images of --data.",
            CommonOptions.Run,
            new CliOption("out", "FILE", "the .nir file to write", DefaultNote: "RUN_DIR/model.nir"),
            new CliOption("dt", "SECONDS", "the time step the graph's neurons are written for (r = 1/dt)", Default: "0.001"),
            CommonOptions.Data),
    ];

    public async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        string verb = args.Positional.FirstOrDefault() ?? "";
        if (verb == "export" && args.Positional.Count == 1) return Export(args);
        if (args.Positional.Count != 2 || verb is not ("show" or "run"))
            throw new UserErrorException("usage: neuromorphic nir show FILE | nir run FILE --input ... --dt S | nir export --run RUN_DIR (see 'neuromorphic nir --help').");
        string path = args.Positional[1];
        if (verb == "show")
        {
            args.ThrowOnUnknown(Name + " show");
            var graph = NirReader.Read(path);
            Console.WriteLine(path);
            Console.WriteLine(NirSummary.Format(graph));
            return 0;
        }
        return await RunGraphAsync(args, path, cancellationToken);
    }

    static int Export(CommandArguments args)
    {
        string run = args.String("run") ?? throw new UserErrorException("nir export needs --run RUN_DIR.");
        string output = args.String("out") ?? Path.Combine(run, RunDirectory.NirExportFile);
        double dt = args.Double("dt", double.Epsilon, 1e6)!.Value;
        string data = args.String("data") ?? RepositoryPaths.DefaultDataset;
        args.ThrowOnUnknown("nir export");
        using var runLock = RunLock.Acquire(run, create: false);
        var exported = SoftHebbToNir.FromRun(run, data, dt);
        // The model's checksum travels with the graph, so a file found later can be traced to the model it came from.
        var metadata = new Dictionary<string, string>(exported.Metadata) { ["model_sha256"] = RunDirectory.ModelChecksum(run) };
        var graph = exported with { Metadata = metadata };
        NirWriter.Write(graph, output);
        Console.WriteLine(NirSummary.Format(graph));
        Console.WriteLine($"wrote {Path.GetFullPath(output)}");
        return 0;
    }

    static async Task<int> RunGraphAsync(CommandArguments args, string path, CancellationToken ct)
    {
        var plan = NirPlan.Compile(NirReader.Read(path), path);
        int? images = args.Int("images", min: 1);
        string? input = args.String("input");
        if ((input is null) == (images is null)) throw new UserErrorException("nir run needs one input: --input FILE, --input poisson:P or --images N.");
        double dt = args.Double("dt", double.Epsilon, 1e6) ?? throw new UserErrorException("nir run needs --dt SECONDS (NIR neurons are continuous-time).");
        int? steps = args.Int("steps", min: 1);
        var integration = Integration(args);
        long seed = args.Int("seed", min: 0)!.Value;
        string out_ = args.String("out") ?? Path.Combine("runs", "nir-" + Path.GetFileNameWithoutExtension(path));
        var record = Record(args.String("record"), plan);
        string data = args.String("data") ?? RepositoryPaths.DefaultDataset;
        var encoding = args.String("encoder") switch
        {
            "regular" => SpikeInputEncoding.Regular,
            "poisson" => SpikeInputEncoding.Poisson,
            var other => throw new UserErrorException($"--encoder takes regular or poisson, not '{other}'."),
        };
        if (images is not null)
        {
            args.ThrowOnUnknown("nir run");
            if (steps is null) throw new UserErrorException("--images needs --steps N (the steps each image is presented for).");
            Evaluation.RequireDataFolder(data);
            var test = DatasetDirectory.Open(data, DatasetSplit.Test, images);
            var options_ = new NirRunOptions(dt, steps.Value) { Integration = integration, RecordMembranes = record, Seed = seed };
            var (first, correct) = await NirImages.ClassifyAsync(plan, options_, test, encoding, seed, ct);
            Console.Write(NirRunFiles.Write(first, out_));
            Console.WriteLine($"accuracy {100.0 * correct / test.Count:F2} % ({correct}/{test.Count} test images of {data}, {steps} steps, {args.String("encoder")} encoder)");
            Console.WriteLine($"wrote {Path.GetFullPath(out_)} (sample 0 of the first batch)");
            return 0;
        }
        var stimulus = NirInputs.Stimulus(plan, input!, args.String("input-columns"), steps, seed);
        args.ThrowOnUnknown("nir run");
        int length = steps ?? stimulus.Count;
        if (length > stimulus.Count) throw new UserErrorException($"--steps {length}: the input has {stimulus.Count} rows.");

        var options = new NirRunOptions(dt, length) { Integration = integration, RecordMembranes = record, Seed = seed };
        var run = await NirRunner.RunAsync(plan, options, 1, stimulus, ct);
        Console.Write(NirRunFiles.Write(run, out_));
        Console.WriteLine($"wrote {Path.GetFullPath(out_)}");
        return 0;
    }

    internal static NirIntegration Integration(CommandArguments args) => args.String("integration") switch
    {
        "exact" => NirIntegration.Exact,
        "euler" => NirIntegration.Euler,
        var other => throw new UserErrorException($"--integration takes exact or euler, not '{other}'."),
    };

    static HashSet<string> Record(string? text, NirPlan plan)
    {
        if (text is null) return plan.Nodes.Where(n => n.OutputLength <= 256).Select(n => n.Name).ToHashSet();
        if (text == "all") return plan.Nodes.Select(n => n.Name).ToHashSet();
        var names = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        foreach (string n in names)
            if (plan.Nodes.All(p => p.Name != n))
                throw new UserErrorException($"--record {n}: the graph has no such node; it has {string.Join(", ", plan.Nodes.Select(p => p.Name))}.");
        return names;
    }
}
