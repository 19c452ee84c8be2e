using Neuromorphic.Application;
using Neuromorphic.Application.Simulation;
using Neuromorphic.Hardware;
using Neuromorphic.Hardware.Cores;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Cli.Commands;

/// <summary>`simulate`: a trained network on chips from hardware model files: accuracy beside modeled energy and latency.</summary>
public sealed class SimulateCommand : ICliCommand
{
    public string Name => "simulate";
    public string Summary => "map a trained run onto chips and report accuracy, energy and latency";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("simulate", "For each chip: maps the network onto its cores, quantises the weights to its precision, runs the test\n" +
                        "split through the engine with the chip as the cost model, and prints accuracy after quantisation, energy\n" +
                        "per inference by category, latency, throughput and cores used. Writes RUN_DIR/hardware.json.",
            CommonOptions.Run,
            new CliOption("hardware", "FILE|all", "a chip model file (YAML, see docs/hardware-model-format.md) or 'all' for every file in hardware-models/",
                Default: "all"),
            CommonOptions.Data, CommonOptions.LimitTest,
            new CliOption("train-images", "N", "on chips with on-chip learning, the Hebbian phase's energy and time per training image, " +
                "from the first N training images learnt one at a time; 0: inference only", Default: $"{ChipCosting.DefaultTrainImages}"),
            new CliOption("per-layer", null, "also the accuracy with one layer at a time at each chip's precision, the others as trained " +
                "(one more pass of the test split per layer and precision), to tell which layer the precision costs")),
        new("simulate", "Simulates a network mapped onto a chip core by core, from SANA-FE's architecture and network files: every\n" +
                        "core an actor that owns its neurons and synapses, every spike message timed on the mesh, energy counted\n" +
                        "where it is spent. Prints the run summary and writes run_summary.yaml, perf.csv, spikes.csv and\n" +
                        "potentials.csv (and messages.csv with --messages) in SANA-FE's formats, so the two tools can be diffed.",
            new CliOption("arch", "FILE", "a SANA-FE architecture file (YAML), e.g. ../shared/sanafe/arch/loihi.yaml",
                DefaultNote: "required unless --hardware"),
            new CliOption("hardware", "FILE", "instead of --arch: a chip file of hardware-models/, its figures given to every core (docs/chip-simulation.md)",
                DefaultNote: "none"),
            new CliOption("snn", "FILE", "a SANA-FE network file mapped onto that architecture: YAML, or its legacy netlist format when the name ends in .net", DefaultNote: "required unless --run"),
            new CliOption("softhebb", "RUN_DIR", "instead of --snn: a trained SoftHebb run, converted to integrate-and-fire layers and placed on the chip's cores",
                DefaultNote: "none"),
            new CliOption("nir", "FILE", "instead of --snn: a NIR graph (.nir), run first as the graph says, then as the chip's neurons on its cores; " +
                "needs --hardware, --input and --dt", DefaultNote: "none"),
            new CliOption("input", "FILE|poisson:P", "with --nir: a CSV with one row per step (the Input node's spikes; other values than 0 and 1 are sent as graded spikes on a " +
                "chip whose spikes carry a value), or Poisson spikes with probability P per step",
                DefaultNote: "required with --nir"),
            new CliOption("input-columns", "C1,C2,...", "with --nir: the CSV columns (0-based) that hold the input", DefaultNote: "every column"),
            new CliOption("dt", "SECONDS", "with --nir: the time step the graph's continuous-time neurons are stepped by", DefaultNote: "required with --nir"),
            new CliOption("integration", "exact|euler", "with --nir: how the graph's neurons are stepped (see 'nir run')", Default: "exact"),
            new CliOption("images", "N", "with --softhebb: the first N test images, each a run from rest on the chip", Default: "20"),
            new CliOption("threads", "N", "with --softhebb: images run side by side, each on its own copy of the chip (as memory allows); " +
                "the results do not depend on it", DefaultNote: "all cores"),
            CommonOptions.Data,
            new CliOption("steps", "N|T1,T2,...", "time steps to simulate; with --softhebb, the steps of evidence per test image (the chip runs T steps plus those a " +
                "spike takes to reach the read-out), and a list gives the accuracy and " +
                "costs at each T of one run", DefaultNote: "required, except with --softhebb and graded spikes"),
            new CliOption("spikes", "binary|graded", "with --softhebb: rate-coded binary spikes over --steps, or graded spikes (each neuron's value " +
                "once a step, images pipelined, the class after one step per layer) on a chip file that says 'chip.spikes: graded'",
                DefaultNote: "the chip's: graded on Loihi 2, binary elsewhere"),
            new CliOption("max-pool", "or|tree", "with --softhebb and binary spikes: max pooling by one OR neuron per window (a spike whenever " +
                "any of its neurons fired in the step), or by comparator trees whose pooled count follows the window's highest, as the " +
                "software's exact max pooling (about 1.2 more neurons per conv neuron, a step of lag per tree level)", Default: "or"),
            new CliOption("avg-pool", "neurons|fold", "with --softhebb: the last layer's average pooling folded into the read-out's weights, " +
                "which it composes with, on the chip and in software (the read-out reads the conv neurons: the exact mean, no pooled neurons, " +
                "a step less, more synapses; on TrueNorth the folded read-out is the one quantised), or run by neurons of its own (a " +
                "counting neuron per window, whose count rounds the window's mean to whole spikes)",
                DefaultNote: "fold where the last layer is average pooled"),
            new CliOption("power", "linear|piecewise[:K]", "with --softhebb: the Triangle's power P taken as 1 (the chip and the software runs alike), " +
                $"or computed on the chip by K knee neurons per powered value as a sum of ReLUs through r^P (K = {DefaultPowerKnees} unless given; " +
                "after max pooling one neuron more adds them up), beside software runs with the power exact", Default: "linear"),
            new CliOption("timing", "simple|detailed", "timing model: the busiest core per step, or every message scheduled on the mesh with congestion",
                Default: "detailed"),
            new CliOption("sync", "barrier|free", "time steps: all cores wait at a global barrier after each (at the chip's sync cost), or free-running: " +
                "a core starts its next step once it and the cores that send to it are done (docs/chip-simulation.md)",
                DefaultNote: "the chip's own"),
            new CliOption("out", "DIR", "folder for the output files", DefaultNote: "runs/NETWORK-ARCH from the two file names"),
            new CliOption("messages", null, "also write messages.csv, one line per message with its delays (about 120 bytes a message)"),
            new CliOption("export", null, "also write the chip and the mapped network as SANA-FE files (arch.yaml, snn.yaml; one line a synapse), " +
                "to run the same simulation in SANA-FE"),
            new CliOption("seed", "N", "seed of stochastic (Poisson) inputs", Default: "1")),
    ];

    public async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        bool cores = new[] { "arch", "snn", "steps", "softhebb", "nir" }.Any(args.OptionNames.Contains);
        if (cores && args.OptionNames.Contains("run"))
            throw new UserErrorException("simulate takes either --run RUN_DIR (a trained run costed layer by layer on chip models) or " +
                                         "--steps with --snn or --softhebb (core by core), not both.");
        if (cores) return await RunCoresAsync(args, cancellationToken);
        string run = args.String("run") ?? throw new UserErrorException("simulate needs --run RUN_DIR.");
        string hardware = args.String("hardware")!;
        string data = args.String("data") ?? RepositoryPaths.DefaultDataset;
        int? limit = args.Int("limit-test", min: 1);
        int trainImages = args.Int("train-images", min: 0)!.Value;
        bool perLayer = args.Flag("per-layer");
        args.ThrowOnUnknown(Name);
        var outcomes = await ChipCosting.RunAsync(run, hardware, data, limit, trainImages, new ConsoleProgress(), cancellationToken, perLayer);
        Console.WriteLine(HardwareTable.Format(outcomes.Select(o => o.ToRow())));
        if (perLayer) PrintPerLayer(outcomes);
        return 0;
    }

    /// <summary>`simulate --run --per-layer`: per chip, the accuracy with each layer alone at its precision.</summary>
    static void PrintPerLayer(IReadOnlyList<ChipOutcome> outcomes)
    {
        var rows = outcomes.Where(o => o.Layers is not null).ToList();
        if (rows.Count == 0)
        {
            Console.WriteLine("per layer: no chip here quantises the weights (float32 machines compute with them as trained).");
            return;
        }
        Console.WriteLine("accuracy with one layer at the chip's precision, the others as trained (relative RMS change of its weights):");
        Console.WriteLine($"| chip | {string.Join(" | ", rows[0].Layers!.Select(l => l.Layer))} | all layers |");
        Console.WriteLine($"|---|{string.Concat(rows[0].Layers!.Select(_ => "---|"))}---|");
        foreach (var o in rows)
            Console.WriteLine(FormattableString.Invariant(
                $"| {o.Chip} | {string.Join(" | ", o.Layers!.Select(l => $"{100 * l.Accuracy:F2} % ({100 * l.RelativeRmsError:F1} %)"))} | {100 * o.Accuracy:F2} % |"));
    }

    async Task<int> RunCoresAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        string? archFile = args.String("arch");
        string? chipFile = args.String("hardware");
        if ((archFile is null) == (chipFile is null))
            throw new UserErrorException("simulate --steps needs one chip: --arch FILE (SANA-FE's format) or --hardware FILE (hardware-models/).");
        string arch = (archFile ?? chipFile)!;
        string? snn = args.String("snn");
        string? trained = args.String("softhebb");
        string? nir = args.String("nir");
        if (new[] { snn, trained, nir }.Count(x => x is not null) != 1)
            throw new UserErrorException("simulate --steps needs one network: --snn FILE (SANA-FE's format), --softhebb RUN_DIR (a trained run) or --nir FILE (a NIR graph).");
        if (nir is not null && chipFile is null)
            throw new UserErrorException("simulate --nir needs --hardware FILE: in SANA-FE's files an input unit holds one spike train for all its neurons, " +
                "so a graph's input cannot be replayed element by element there.");
        int images = args.Int("images", min: 1)!.Value;
        string data = args.String("data") ?? RepositoryPaths.DefaultDataset;
        string? spikes = args.String("spikes");
        if (spikes is not null && trained is null) throw new UserErrorException("--spikes goes with --softhebb.");
        if (spikes is not (null or CoresRunResult.BinarySpikes or CoresRunResult.GradedSpikes))
            throw new UserErrorException($"--spikes must be binary or graded, got '{spikes}'.");
        var chipModel = archFile is null ? ChipModelLoader.LoadFile(chipFile!) : null;
        bool graded = trained is not null && (spikes is null ? chipModel?.GradedSpikes == true : spikes == CoresRunResult.GradedSpikes);
        if (graded && args.String("steps") is not null)
            throw new UserErrorException($"with graded spikes{(spikes is null ? $" ({chipModel!.Name}'s own)" : "")} the class is read after one step per layer, " +
                "so --steps is not used; for rate-coded binary spikes over --steps, add --spikes binary.");
        var maxPool = args.String("max-pool")! switch
        {
            "or" => MaxPoolCircuit.Or,
            "tree" => MaxPoolCircuit.Tree,
            var m => throw new UserErrorException($"--max-pool must be or or tree, got '{m}'."),
        };
        if (maxPool != MaxPoolCircuit.Or && (trained is null || graded))
            throw new UserErrorException(trained is null ? "--max-pool goes with --softhebb."
                : "--max-pool chooses how binary spikes are max pooled; graded spikes send the window's largest value (add --spikes binary).");
        int powerKnees = ParsePower(args.String("power")!);
        bool? foldAveragePooling = args.String("avg-pool") switch
        {
            null => null,
            "neurons" => false,
            "fold" => true,
            var a => throw new UserErrorException($"--avg-pool must be neurons or fold, got '{a}'."),
        };
        if (foldAveragePooling is not null && trained is null) throw new UserErrorException("--avg-pool goes with --softhebb.");
        int? threads = args.Int("threads", min: 1);
        if (threads is not null && trained is null) throw new UserErrorException("--threads goes with --softhebb.");
        if (powerKnees > 0 && trained is null) throw new UserErrorException("--power goes with --softhebb.");
        int[] stepList = graded ? [] : ParseSteps(args.String("steps") ?? throw new UserErrorException("simulate needs --steps N with --arch and --snn."));
        if (stepList.Length > 1 && trained is null) throw new UserErrorException("a list of --steps needs --softhebb; with --snn give one number.");
        int steps = graded ? 0 : stepList[^1];
        var timing = args.String("timing") switch
        {
            "detailed" => TimingModel.Detailed,
            "simple" => TimingModel.Simple,
            var other => throw new UserErrorException($"--timing must be simple or detailed, got '{other}'."),
        };
        bool? freeRunning = args.String("sync") switch
        {
            null => null,
            "barrier" => false,
            "free" => true,
            var other => throw new UserErrorException($"--sync must be barrier or free, got '{other}'."),
        };
        string output = args.String("out") ?? (trained is not null
            ? Path.Combine(trained, $"cores-{Path.GetFileNameWithoutExtension(arch)}")
            : Path.Combine("runs", $"{Path.GetFileNameWithoutExtension(snn ?? nir)}-{Path.GetFileNameWithoutExtension(arch)}"));
        var graph = nir is null ? null : ParseGraphOptions(args, nir);
        bool messages = args.Flag("messages");
        bool export = args.Flag("export");
        int seed = args.Int("seed") ?? 1;
        args.ThrowOnUnknown(Name);
        if (steps > CoreSimulation.MaxSteps) throw new UserErrorException($"--steps is at most {CoreSimulation.MaxSteps}, got {steps}.");

        var progress = new ConsoleProgress();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var architecture = chipModel is null ? SanafeArchitectureReader.LoadFile(archFile!) : ChipModelArchitecture.From(chipModel);
        // On the architecture rather than the run's options, so that every path below (SoftHebb's images included) sees it.
        if (freeRunning is { } free) architecture = architecture with { FreeRunning = free };
        if (architecture.FreeRunning && export)
            throw new UserErrorException("SANA-FE's files have no free-running steps, so this run cannot be exported as it runs; export it with --sync barrier.");
        if (architecture.SplitterStepForAll && export)
        {
            // SANA-FE runs synaptic delays otherwise (docs/chip-simulation.md): the exported run keeps the synapses undelayed.
            architecture = architecture with { SplitterStepForAll = false };
            Console.WriteLine($"  note: --export: the synapses a neuron keeps on {architecture.Name} do not wait its splitters' step, as SANA-FE's files " +
                              "cannot hold that delay, so a spike through a splitter arrives a step after one that is not");
        }
        if (chipModel is not null && ChipModelArchitecture.Unmodelled(chipModel) is { } unmodelled) Console.WriteLine($"  note: {unmodelled}");
        if (trained is not null)
        {
            var cores = await SoftHebbOnCoresRun.RunAsync(trained, architecture, chipModel, stepList, timing, images, data, output, seed, export,
                new ConsoleProgress(), cancellationToken, graded, maxPool, powerKnees, threads ?? Environment.ProcessorCount, foldAveragePooling);
            PrintCoresRun(cores, architecture);
            if (export) PrintExported(output, architecture);
            Console.WriteLine($"  wrote {output}: {CoresRunResult.FileName}, image 0's run_summary.yaml, perf.csv, spikes.csv, potentials.csv, plots/, report.html; " +
                              $"'report --run {trained}' includes it");
            return 0;
        }
        NirOnCoresRun? graphRun = graph is null ? null : await NirOnCoresRun.PrepareAsync(graph, architecture, steps, cancellationToken,
            chipModel?.Limits.AxonTypes);
        var network = graphRun?.Chip.Network ?? SanafeNetworkReader.LoadFile(snn!, architecture);
        var loaded = clock.Elapsed;
        Directory.CreateDirectory(output);
        using var runLock = RunLock.Acquire(output);
        using var trace = messages ? File.Create(Path.Combine(output, "messages.csv")) : null;
        if (export)
        {
            SanafeExport.Write(output, architecture, network);
            PrintExported(output, architecture);
        }
        progress.Begin($"{network.Name} on {architecture.Name}", steps, "steps");
        var result = await CoreSimulation.RunAsync(architecture, network,
            new CoreSimulationOptions(steps, timing, seed, trace, new Progress<long>(progress.Advance)), cancellationToken);
        progress.End($"{steps:N0} steps in {result.WallTime.TotalSeconds:F2} s");
        string commit = RunDirectory.GitCommit();
        SanafeOutputWriter.Write(output, result, network, commit);
        string report = CoreRunReport.Write(output, architecture, network, result, timing.ToString().ToLowerInvariant(), commit);

        var s = result.Summary;
        double wall = clock.Elapsed.TotalSeconds;
        Console.WriteLine($"{network.NeuronCount:N0} neurons, {network.Connections.Count:N0} synapses on {result.Cores.Count} cores " +
                          $"of {architecture.Name}; {timing.ToString().ToLowerInvariant()} timing{FreeNote(architecture)}");
        Console.WriteLine($"  synaptic events {s.SynapticEvents:N0}, messages {s.Messages:N0}, neurons updated {s.NeuronsUpdated:N0}, fired {s.NeuronsFired:N0}");
        Console.WriteLine($"  energy {s.TotalEnergy * 1e6:F3} µJ (synapse {s.SynapseEnergy * 1e6:F3}, dendrite {s.DendriteEnergy * 1e6:F3}, " +
                          $"soma {s.SomaEnergy * 1e6:F3}, network {s.NetworkEnergy * 1e6:F3})");
        if (s.StaticEnergy > 0)
            Console.WriteLine($"  static energy {s.StaticEnergy * 1e6:F3} µJ on top ({result.StaticPowerW * 1e3:G4} mW over the simulated time" +
                              (architecture.BoardBarrierS is null ? ")" : $", {result.Chips} of the board's chips in use)"));
        Console.WriteLine($"  simulated time {s.SimulatedTime * 1e3:F4} ms ({s.SimulatedTime / s.Steps * 1e6:F3} µs a step), average power {s.AveragePower * 1e3:F3} mW");
        Console.WriteLine($"  wall {wall:F2} s: loading {loaded.TotalSeconds:F2} s, simulating {result.WallTime.TotalSeconds:F2} s " +
                          $"({s.SynapticEvents / Math.Max(result.WallTime.TotalSeconds, 1e-9) / 1e6:F1} M synaptic events/s)");
        Console.WriteLine($"  wrote {output}/run_summary.yaml, perf.csv, spikes.csv, potentials.csv{(result.CurrentNeurons.Count > 0 ? ", neurons.csv" : "")}" +
                          $"{(messages ? ", messages.csv" : "")}, plots/");
        Console.WriteLine($"  report: {report}");
        if (AxonLimit.Exceeded(architecture, network, result.Cores) is { } fit) Console.WriteLine($"  note: {fit}");
        if (!architecture.GenericUnits && network.Connections.HasDelays)
            Console.WriteLine("  note: a delayed synapse charges its neuron that many steps later, as a chip's delay slots hold it; SANA-FE's " +
                              "accumulator_with_delay behind a soma buffer passes a charge on only when a later message reaches the neuron, so " +
                              "SANA-FE's own run of these files differs (docs/chip-simulation.md)");
        if (graphRun is not null) Console.Write(graphRun.Compare(result));
        return 0;
    }

    const int DefaultPowerKnees = 2, MaxPowerKnees = 16;

    /// <summary>"linear" → 0; "piecewise" → the default knees; "piecewise:K" → K, 1 to 16.</summary>
    static int ParsePower(string text)
    {
        if (text == "linear") return 0;
        if (text == "piecewise") return DefaultPowerKnees;
        if (text.StartsWith("piecewise:", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan("piecewise:".Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k)
            && k is >= 1 and <= MaxPowerKnees)
            return k;
        throw new UserErrorException($"--power must be linear, piecewise or piecewise:K with K from 1 to {MaxPowerKnees} knees, got '{text}'.");
    }

    static string FreeNote(ChipArchitecture arch) => arch.FreeRunning ? ", free-running steps" : "";

    /// <summary>"32" or "8,16,32": whole numbers from 1 up, ascending.</summary>
    static int[] ParseSteps(string text)
    {
        var values = new List<int>();
        foreach (string part in text.Split(','))
        {
            if (!int.TryParse(part.Trim(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int v) || v < 1)
                throw new UserErrorException($"--steps takes whole numbers >= 1 (e.g. 32 or 8,16,32), got '{text}'.");
            if (values.Count > 0 && v <= values[^1]) throw new UserErrorException($"--steps must be ascending, got '{text}'.");
            values.Add(v);
        }
        return [.. values];
    }

    static NirGraphOptions ParseGraphOptions(CommandArguments args, string file)
    {
        string input = args.String("input") ?? throw new UserErrorException("simulate --nir needs --input FILE or --input poisson:P.");
        double dt = args.Double("dt", double.Epsilon, 1e6) ?? throw new UserErrorException("simulate --nir needs --dt SECONDS.");
        return new NirGraphOptions(file, input, args.String("input-columns"), dt, NirCommand.Integration(args), args.Int("seed") ?? 1);
    }

    /// <summary>Where the SANA-FE files went, and what of the chip they cannot carry.</summary>
    static void PrintExported(string output, ChipArchitecture arch)
    {
        Console.WriteLine($"  exported {output}/{SanafeExport.ArchitectureFile} and {SanafeExport.NetworkFile} (SANA-FE's formats)");
        if (SanafeExport.NotCarried(arch) is { } note) Console.WriteLine($"  note: {note}");
    }

    /// <summary>The table of `simulate --softhebb`: per read-out time, accuracy on the chip and in software, and the costs per inference.</summary>
    static void PrintCoresRun(CoresRunResult r, ChipArchitecture arch)
    {
        Console.WriteLine($"{r.Neurons:N0} neurons, {r.Synapses:N0} synapses on {r.Cores} cores of {arch.Name}; " +
                          $"{r.Timing} timing{FreeNote(arch)}, {r.Images} test images; rate-based accuracy {100 * r.RateAccuracy:F2} % (weights as trained)");
        Console.WriteLine(r.WeightError is { } e
            ? $"weights quantised to {arch.Name}'s precision (relative RMS change {100 * e:F2} %) for both spiking runs"
            : "weights as trained (the architecture file gives no weight precision)");
        if (r.ForcedWeightError is { } forced)
            Console.WriteLine($"the converted synapses (BatchNorm and the inhibition folded in) forced to each neuron's values per axon type, " +
                              $"in both spiking runs: relative RMS change {100 * forced:F2} % (the most-changed layer)");
        if (r.DoesNotFit is { } fit) Console.WriteLine($"note: {fit}");
        Console.WriteLine(PowerNote(r));
        if (r.AveragePoolingFolded)
            Console.WriteLine("the last layer's average pooling folded into the read-out's weights, on the chip and in software: the read-out reads " +
                              "the conv neurons (--avg-pool neurons pools them in neurons of its own)");
        if (r.Graded)
        {
            Console.WriteLine($"graded spikes ({r.PayloadBits}-bit payloads): each neuron sends its value once a step and images stream through the layers, " +
                              $"one a step ({r.StepS * 1e6:F3} µs a step, {1 / r.StepS:N0} images/s); an inference costs one step of the full pipeline " +
                              $"and takes T = {r.ByT[0].T} steps from its arrival to its class");
            Console.WriteLine("| T | accuracy on the chip | software, rates in place of spikes | energy / inference | synapse | soma | network | static | latency | synaptic events | values sent |");
        }
        else
        {
            Console.WriteLine($"binary spikes: the image is held at the input and the class read at step T + {r.ReadoutLag} (a spike takes " +
                              $"{r.ReadoutLag} steps from the input to the read-out: one per group it passes, more through splitters and relays), " +
                              $"after the T steps of evidence the software run has at step T; energy and latency count all T + {r.ReadoutLag} steps");
            if (r.MaxPooling is { } pooling) Console.WriteLine(MaxPoolingNote(pooling));
            Console.WriteLine("| T | accuracy on the chip | software, the chip's pooling | software spiking (exact pooling) | energy / inference | synapse | soma | network | static | latency | synaptic events | spikes |");
        }
        Console.WriteLine(r.Graded ? "|---|---|---|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var t in r.ByT)
            Console.WriteLine($"| {t.T} | {100 * t.ChipAccuracy:F2} % | " +
                              (r.Graded ? "" : t.SoftwareChipPoolingAccuracy is { } any ? $"{100 * any:F2} % | " : "- | ") +
                              $"{100 * t.SoftwareAccuracy:F2} % | {t.EnergyJ * 1e6:F3} µJ | " +
                              $"{t.SynapseJ * 1e6:F3} µJ | {t.SomaJ * 1e6:F3} µJ | {t.NetworkJ * 1e6:F3} µJ | " +
                              $"{(t.StaticJ > 0 ? $"{t.StaticJ * 1e6:F3} µJ" : "-")} | {t.LatencyS * 1e6:F2} µs | {t.SynapticEvents:N0} | {t.Spikes:N0} |");
    }

    static string PowerNote(CoresRunResult r) => r.PowerKnees == 0
        ? "the Triangle's power taken as 1 on the chip and in software (--power linear); --power piecewise computes it on the chip with knee neurons"
        : $"the Triangle's power on the chip as a sum of ReLUs with {r.PowerKnees} knees per powered value (--power piecewise:{r.PowerKnees}; largest " +
          $"error against r^P {r.PowerError:0.0000} of a spike a step); in software exactly";

    static string MaxPoolingNote(string pooling) => pooling == "tree"
        ? "max pooling by comparator trees (--max-pool tree): the pooled count follows the window's highest, as the software's exact max pooling"
        : "max pooling by OR neurons (--max-pool or): a pooled spike whenever any neuron of the window fired in the step; " +
          "--max-pool tree computes the maximum with comparator trees where the chip holds them (docs/chip-simulation.md)";
}
