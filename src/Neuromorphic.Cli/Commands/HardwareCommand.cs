using System.Globalization;
using System.Text;
using Neuromorphic.Hardware;

namespace Neuromorphic.Cli.Commands;

/// <summary>
/// `hardware list|show|validate`: the chip model files (docs/hardware-model-format.md) as the loader understands
/// them, so a new or edited file can be checked before a `simulate`.
/// </summary>
public sealed class HardwareCommand : ICliCommand
{
    public string Name => "hardware";
    public string Summary => "list, show or validate chip model files (hardware-models/*.yaml)";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("hardware list",
            "Every chip file in DIR: name, process, cores, neurons per core, weight bits, on-chip learning and file.",
            new CliOption("dir", "DIR", "the folder of chip files", DefaultNote: "hardware-models/")),
        new("hardware show FILE|NAME",
            "Every figure of one chip, with its unit, as the loader read it (SI prefixes; memory in bytes and bits). NAME is a\n" +
            "chip name (case-insensitive) or file name in DIR.",
            new CliOption("dir", "DIR", "the folder of chip files", DefaultNote: "hardware-models/")),
        new("hardware validate FILE|DIR",
            "Reads a chip file (or every chip file in a folder) and prints \"ok\", or the first problem as\n" +
            "FILE:LINE: FIELD: PROBLEM with exit code 2. The file format is described in docs/hardware-model-format.md."),
    ];

    public Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        string verb = args.Positional.Count > 0 ? args.Positional[0] : "";
        switch (verb)
        {
            case "list":
            {
                string dir = args.String("dir") ?? RepositoryPaths.HardwareModels;
                args.ThrowOnUnknown(Name);
                NoMoreWords(args, 1);
                return Task.FromResult(List(dir));
            }
            case "show":
            {
                string dir = args.String("dir") ?? RepositoryPaths.HardwareModels;
                args.ThrowOnUnknown(Name);
                if (args.Positional.Count < 2) throw new UserErrorException("hardware show needs a chip file or chip name; see 'neuromorphic hardware list'.");
                NoMoreWords(args, 2);
                Console.Write(Describe(Find(args.Positional[1], dir)));
                return Task.FromResult(0);
            }
            case "validate":
            {
                args.ThrowOnUnknown(Name);
                if (args.Positional.Count < 2) throw new UserErrorException("hardware validate needs a chip file (or a folder of them).");
                NoMoreWords(args, 2);
                Console.WriteLine(Validate(args.Positional[1]));
                return Task.FromResult(0);
            }
            default:
                throw new UserErrorException(verb.Length == 0
                    ? "hardware needs list, show or validate; see 'neuromorphic hardware --help'."
                    : $"unknown hardware action '{verb}'; use list, show or validate.");
        }
    }

    static void NoMoreWords(CommandArguments args, int expected)
    {
        if (args.Positional.Count > expected)
            throw new UserErrorException($"unexpected '{args.Positional[expected]}'; see 'neuromorphic hardware --help'.");
    }

    /// <summary>The chip files of a folder, as <see cref="HardwareCatalog.LoadFolder"/> picks them.</summary>
    static List<string> ChipFiles(string dir)
    {
        if (!Directory.Exists(dir)) throw new UserErrorException($"hardware model folder '{dir}' does not exist.");
        return Directory.EnumerateFiles(dir)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Prints a row per readable file; a file that does not load is reported after the table (exit 2).</summary>
    static int List(string dir)
    {
        var files = ChipFiles(dir);
        if (files.Count == 0) throw new UserErrorException($"no chip files (*.yaml) in '{dir}'.");
        var chips = new List<ChipModel>();
        var errors = new List<string>();
        foreach (var file in files)
        {
            try { chips.Add(ChipModelLoader.LoadFile(file)); }
            catch (HardwareModelException e) { errors.Add(e.Message); }
        }
        string[] headers = ["chip", "process", "cores", "neurons/core", "weight bits", "on-chip learning", "file"];
        var rows = chips.OrderBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Select(c => new[]
        {
            c.Name, Units.Format(c.ProcessM, "m"), Count(c.Cores.Count), Count(c.Limits.Neurons),
            c.Limits.WeightBits.ToString(CultureInfo.InvariantCulture),
            c.Limits.LearningSupported ? "yes" : "no", DisplayPath(c.SourceFile),
        }).ToList();
        if (rows.Count > 0) Console.Write(FormatTable(headers, rows, rightAligned: [1, 2, 3, 4]));
        if (errors.Count > 0)
            throw new UserErrorException(errors[0] + (errors.Count > 1 ? $" (and {errors.Count - 1} more unreadable chip files)" : ""));
        return 0;
    }

    static ChipModel Find(string fileOrName, string dir)
    {
        if (File.Exists(fileOrName)) return Load(fileOrName);
        if (Directory.Exists(fileOrName)) throw new UserErrorException($"'{fileOrName}' is a folder; hardware show takes one chip file or chip name.");
        bool looksLikePath = fileOrName.Contains('/') || fileOrName.Contains(Path.DirectorySeparatorChar)
            || fileOrName.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || fileOrName.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        if (looksLikePath && !File.Exists(Path.Combine(dir, fileOrName)))
            throw new UserErrorException($"hardware model file '{fileOrName}' does not exist.");
        var files = ChipFiles(dir);
        // A file name in the folder ("loihi2" or "loihi2.yaml") is the cheapest match and needs no other file to load.
        var byFile = files.FirstOrDefault(f => string.Equals(Path.GetFileName(f), fileOrName, StringComparison.OrdinalIgnoreCase)
            || string.Equals(Path.GetFileNameWithoutExtension(f), fileOrName, StringComparison.OrdinalIgnoreCase));
        if (byFile is not null) return Load(byFile);
        var names = new List<string>();
        foreach (var file in files)
        {
            var chip = Load(file);
            if (string.Equals(chip.Name, fileOrName, StringComparison.OrdinalIgnoreCase)) return chip;
            names.Add(chip.Name);
        }
        throw new UserErrorException($"no chip file or chip named '{fileOrName}' in '{DisplayPath(dir)}'; chips: {string.Join(", ", names)}.");
    }

    static string Validate(string path)
    {
        if (Directory.Exists(path))
        {
            try
            {
                var catalog = HardwareCatalog.LoadFolder(path);
                return $"ok: {catalog.Chips.Count} chip files in {path} ({string.Join(", ", catalog.Chips.Select(c => c.Name))})";
            }
            catch (HardwareModelException e) { throw new UserErrorException(e.Message, e); }
        }
        var chip = Load(path);
        return $"ok: {path} describes chip '{chip.Name}'";
    }

    static ChipModel Load(string file)
    {
        if (!File.Exists(file)) throw new UserErrorException($"hardware model file '{file}' does not exist.");
        try { return ChipModelLoader.LoadFile(file); }
        catch (HardwareModelException e) { throw new UserErrorException(e.Message, e); }
    }

    /// <summary>Every figure of a chip with its unit, grouped as in the file.</summary>
    internal static string Describe(ChipModel c)
    {
        var sb = new StringBuilder();
        sb.Append(c.Name).Append("   (").Append(DisplayPath(c.SourceFile)).AppendLine(")");
        void Section(string title) => sb.AppendLine().AppendLine(title);
        void Row(string name, string value) => sb.Append("  ").Append(name.PadRight(18)).AppendLine(value);

        if (c.Board is { } b)
        {
            Section("board");
            Row("chips", $"{Count(b.Chips)} x {b.Chip}, {Count(b.ChipsX)} x {Count(b.ChipsY)}, each with the figures below");
            Row("chip-to-chip link", $"{Units.Format(b.LinkEnergyJ, "J")} and {Units.Format(b.LinkLatencyS, "s")} per message and link crossed, on top of its hops");
            if (c.Timestep.Sync == SyncModel.Barrier)
                Row("board barrier", $"{Units.Format(b.BarrierS, "s")} after each step once a run uses more than one chip");
            Row("static power", "the chip's, for each chip a run uses");
        }

        Section("chip");
        Row("process", Units.Format(c.ProcessM, "m"));
        Row("clock", c.ClockHz is { } hz ? Units.Format(hz, "Hz") : "none (asynchronous)");
        Row("static power", Units.Format(c.StaticPowerW, "W"));
        Row("execution", c.Execution == ExecutionStyle.Dense ? "dense (pays per MAC)" : "event-driven (pays per input event)");
        Row("message", $"{Count(c.MessageBits)} bit" + (c.BinarySpikes ? ", binary spikes (a spike carries no value)"
            : c.GradedSpikes ? ", graded spikes (a spike carries a value of up to that many bits)" : ""));

        Section("cores");
        Row("count", Count(c.Cores.Count));
        Row("mesh", $"{Count(c.Cores.Width)} x {Count(c.Cores.Height)} routers, {Count(c.Cores.CoresPerRouter)} core{(c.Cores.CoresPerRouter == 1 ? "" : "s")} per router " +
                    $"({Count((long)c.Cores.Width * c.Cores.Height * c.Cores.CoresPerRouter)} places), links buffer {Count(c.Cores.LinkBuffer)} " +
                    $"message{(c.Cores.LinkBuffer == 1 ? "" : "s")}");

        var l = c.Limits;
        Section("core limits (per core)");
        Row("neurons", Count(l.Neurons));
        Row("synapse memory", $"{Units.FormatBits(l.SynapseMemoryBits)} ({Count(l.SynapseMemoryBits)} bit)");
        Row("fan-in", $"{Count(l.FanIn)} input axons");
        Row("fan-in split", l.FanInSplit.ToString().ToLowerInvariant());
        Row("fan-out", $"{Count(l.FanOut)} destination cores");
        Row("weight bits", $"{l.WeightBits} bit (widest weight a synapse stores)");
        Row("weight sharing", l.WeightSharing ? "yes (one kernel per output channel per core)" : "no (convolutions stored unrolled)");
        Row("on-chip learning", l.LearningSupported ? $"yes: {l.LearningKind}" : $"no{(l.LearningKind is "none" or "" ? "" : $" ({l.LearningKind})")}");

        Section("energy per operation");
        Costs(c.Energy, "J");
        Section("latency per operation");
        Costs(c.Latency, "s");

        Section("time step");
        Row("sync", c.Timestep.Sync switch
        {
            SyncModel.Barrier => $"barrier, {Units.Format(c.Timestep.BarrierS, "s")} after each step",
            SyncModel.Tick => $"tick, a step takes at least {Units.Format(c.Timestep.TickS, "s")}",
            _ => "none (free running)",
        });

        Section("memory (von Neumann traffic)");
        if (c.Memory is { } m)
        {
            Row("on chip", $"{Units.FormatBits(m.OnChipBits)} ({Count((long)Math.Round(m.OnChipBits))} bit)");
            Row("SRAM access", Units.Format(m.SramAccessJ, "J") + " per synaptic op");
            Row("DRAM access", Units.Format(m.DramAccessJPerByte, "J") + " per byte");
        }
        else Row("model", "none (no memory section: no SRAM/DRAM traffic charged)");
        return sb.ToString();

        void Costs(OperationCosts o, string unit)
        {
            string V(double v) => Units.Format(v, unit);
            Row("dense MAC", o.DenseMac is { } mac ? V(mac) : "- (event-driven chip)");
            Row("synaptic op", V(o.SynapticOp));
            Row("neuron active", V(o.NeuronActive));
            Row("neuron idle", V(o.NeuronIdle));
            Row("weight update", V(o.WeightUpdate));
            Row("spike local", V(o.SpikeLocal));
            Row("spike hop", V(o.SpikeHop));
        }
    }

    static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A path relative to the repository when it lies inside it (shorter lines), else as given.</summary>
    static string DisplayPath(string path)
    {
        string full = Path.GetFullPath(path);
        string relative = Path.GetRelativePath(RepositoryPaths.Root, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    static string FormatTable(string[] headers, List<string[]> rows, int[] rightAligned)
    {
        var widths = headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var sb = new StringBuilder();
        void Line(string[] cells) => sb.AppendLine(string.Join("  ",
            cells.Select((cell, i) => rightAligned.Contains(i) ? cell.PadLeft(widths[i]) : cell.PadRight(widths[i]))).TrimEnd());
        Line(headers);
        sb.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var r in rows) Line(r);
        return sb.ToString();
    }
}
