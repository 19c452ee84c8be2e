using System.Globalization;

namespace Neuromorphic.Hardware;

/// <summary>Reads and validates chip description files (schema: docs/hardware-model-format.md). Every failure,
/// whatever the input, is a <see cref="HardwareModelException"/> naming file, line and field.</summary>
public static class ChipModelLoader
{
    public const int FormatVersion = 1;

    /// <summary>Largest chip file read (1 MiB): the shipped files are about 5 KB, and the cap keeps a wrong path
    /// (a disk image, /dev/urandom) from being read into memory.</summary>
    public const int MaxFileBytes = 1 << 20;

    /// <summary>Longest text value (a name, a learning kind) and longest key, in characters.</summary>
    public const int MaxTextLength = 200;

    /// <summary>Most YAML nodes (keys, values, mappings) in one file; a chip file has about 100.</summary>
    public const int MaxNodes = 1000;

    /// <summary>Loads one file from disk. Only regular files of 1 byte to <see cref="MaxFileBytes"/> are read.</summary>
    public static ChipModel LoadFile(string path) => Parse(BoundedTextFile.Read(path, MaxFileBytes, "chip file"), path);

    /// <summary>Parses the text of a chip file; <paramref name="file"/> is only used in messages (and to find a board's chip file).</summary>
    public static ChipModel Parse(string text, string file) => Parse(text, file, boardAllowed: true);

    // A board's chip file may not be a board: that keeps a file naming itself from recursing without end.
    private static ChipModel Parse(string text, string file, bool boardAllowed)
    {
        if (text.Length > MaxFileBytes)
            throw new HardwareModelException(file, 0, "(file)", $"the text is {text.Length} characters; chip files are at most {MaxFileBytes} bytes (1 MiB)");
        try
        {
            return Read(YamlTree.Parse(text, file), file, boardAllowed);
        }
        catch (HardwareModelException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bug in validation must still surface as a located error rather than as a crash.
            throw new HardwareModelException(file, 1, "(document)", "internal error while validating: " + e.Message, e);
        }
    }

    /// <summary>The accepted range of one kind of quantity (SI; memory in bits). Generous, far beyond any real chip,
    /// but finite, so that no energy or latency computed from an accepted file can overflow to infinity.
    /// Listed in docs/hardware-model-format.md ("Accepted ranges").</summary>
    private sealed record Range(Dimension Dimension, double Min, bool MinExcluded, double Max, string Text);

    private const double TiBBits = 8.0 * (1L << 40);
    private static readonly Range ProcessRange = new(Dimension.Length, 0, true, 1e-3, "more than 0 and at most 1 mm");
    private static readonly Range ClockRange = new(Dimension.Frequency, 0, true, 1e11, "more than 0 and at most 100 GHz");
    private static readonly Range PowerRange = new(Dimension.Power, 0, false, 1e3, "0 to 1 kW");
    private static readonly Range OpEnergyRange = new(Dimension.Energy, 0, false, 1e-3, "0 to 1 mJ");
    private static readonly Range OpTimeRange = new(Dimension.Time, 0, false, 1e-3, "0 to 1 ms");
    private static readonly Range StepTimeRange = new(Dimension.Time, 0, true, 1, "more than 0 and at most 1 s");
    private static readonly Range CoreMemoryRange = new(Dimension.Memory, 1, false, TiBBits, "1 bit to 1 TiB");
    private static readonly Range ChipMemoryRange = new(Dimension.Memory, 0, false, TiBBits, "0 to 1 TiB");

    private static ChipModel Read(YNode rootNode, string file, bool boardAllowed)
    {
        var root = new MapReader(file, rootNode, "", 1, "format", "board", "chip", "cores", "core_limits", "energy", "latency", "timestep", "memory");
        long format = root.Int("format", 1, int.MaxValue);
        if (format != FormatVersion)
            throw root.Error("format", $"this reader understands format {FormatVersion}, the file says {format}");
        if (root.Has("board"))
            return boardAllowed ? ReadBoard(root, file) : throw root.Error("board", "this file is a board; a board's 'board.chip' names a chip file");

        var chip = root.Map("chip", "name", "process", "clock", "static_power", "execution", "message_bits", "spikes");
        string name = chip.Text("name");
        double process = chip.Quantity("process", ProcessRange);
        double? clock = chip.IsWord("clock", "none") ? null : chip.Quantity("clock", ClockRange);
        double staticPower = chip.Quantity("static_power", PowerRange);
        var execution = chip.Choice("execution", new Dictionary<string, ExecutionStyle>
        {
            ["event-driven"] = ExecutionStyle.EventDriven,
            ["dense"] = ExecutionStyle.Dense,
        });
        int messageBits = (int)chip.Int("message_bits", 1, 1 << 20);
        bool binarySpikes = false, gradedSpikes = false;
        if (chip.Has("spikes"))
        {
            if (execution == ExecutionStyle.Dense)
                throw chip.Error("spikes", "a dense chip sends words of message_bits, not spikes: remove 'spikes' or make execution event-driven");
            binarySpikes = chip.Choice("spikes", new Dictionary<string, bool> { ["binary"] = true, ["graded"] = false });
            gradedSpikes = !binarySpikes;
            if (gradedSpikes && messageBits < 2)
                throw chip.Error("spikes", $"a graded spike's payload is signed, so it needs message_bits of 2 or more, not {messageBits}");
        }

        var cores = root.Map("cores", "count", "per_router", "mesh_width", "mesh_height", "link_buffer");
        int count = (int)cores.Int("count", 1, 10_000_000);
        int perRouter = (int)cores.Int("per_router", 1, 1_000_000);
        int width = (int)cores.Int("mesh_width", 1, 100_000);
        int height = (int)cores.Int("mesh_height", 1, 100_000);
        int linkBuffer = cores.Has("link_buffer") ? (int)cores.Int("link_buffer", 1, 1_000_000) : 1;
        if ((long)perRouter * width * height < count)
            throw cores.Error("count",
                $"{count} cores do not fit a {width} x {height} mesh with {perRouter} cores per router ({(long)perRouter * width * height} places)");

        var lim = root.Map("core_limits", "neurons", "synapse_memory", "fan_in", "fan_out", "weight_bits", "weight_sharing", "learning", "fan_in_split",
            "axon_types", "max_delay");
        int neurons = (int)lim.Int("neurons", 1, 1_000_000_000);
        double synBits = lim.Quantity("synapse_memory", CoreMemoryRange);
        int fanIn = (int)lim.Int("fan_in", 1, 1_000_000_000);
        int fanOut = (int)lim.Int("fan_out", 1, 1_000_000_000);
        int weightBits = (int)lim.Int("weight_bits", 1, 32);
        bool sharing = lim.Bool("weight_sharing");
        var split = lim.Has("fan_in_split")
            ? lim.Choice("fan_in_split", new Dictionary<string, FanInSplit>
            {
                ["none"] = FanInSplit.None,
                ["dendritic"] = FanInSplit.Dendritic,
                ["relay"] = FanInSplit.Relay,
            })
            : FanInSplit.None;
        int maxDelay = lim.Has("max_delay") ? (int)lim.Int("max_delay", 0, 1024) : 0;
        AxonTypeWeights? axonTypes = null;
        if (lim.Has("axon_types"))
        {
            var types = lim.Map("axon_types", "types", "weight_bits");
            axonTypes = new AxonTypeWeights((int)types.Int("types", AxonTypeWeights.AxonsPerInput, 64), (int)types.Int("weight_bits", 2, 32));
            if (weightBits != 1)
                throw lim.Error("weight_bits", $"with axon_types a synapse stores one connectivity bit, so weight_bits must be 1, got {weightBits}");
        }
        var learning = lim.Map("learning", "supported", "kind");
        bool learns = learning.Bool("supported");
        string kind = learns ? learning.Text("kind") : learning.OptionalText("kind") ?? "none";

        var energy = ReadCosts(root.Map("energy", CostKeys), OpEnergyRange, execution);
        var latency = ReadCosts(root.Map("latency", CostKeys), OpTimeRange, execution);

        var ts = root.Map("timestep", "sync", "barrier", "tick");
        var sync = ts.Choice("sync", new Dictionary<string, SyncModel>
        {
            ["none"] = SyncModel.None,
            ["barrier"] = SyncModel.Barrier,
            ["tick"] = SyncModel.Tick,
        });
        double barrier = 0, tick = 0;
        if (sync == SyncModel.Barrier) barrier = ts.Quantity("barrier", StepTimeRange);
        else ts.Forbid("barrier", "is only used with 'sync: barrier'");
        if (sync == SyncModel.Tick) tick = ts.Quantity("tick", StepTimeRange);
        else ts.Forbid("tick", "is only used with 'sync: tick'");

        MemoryModel? memory = null;
        if (root.Has("memory"))
        {
            var mem = root.Map("memory", "on_chip", "sram_access", "dram_access");
            memory = new MemoryModel(
                mem.Quantity("on_chip", ChipMemoryRange),
                mem.Quantity("sram_access", OpEnergyRange),
                mem.Quantity("dram_access", OpEnergyRange));
        }

        return new ChipModel(name, file, process, clock, staticPower, execution, messageBits,
            new MeshLayout(count, perRouter, width, height, linkBuffer),
            new CoreLimits(neurons, (long)Math.Round(synBits), fanIn, fanOut, weightBits, sharing, learns, kind, split, axonTypes, maxDelay),
            energy, latency, new TimestepModel(sync, barrier, tick), memory) { BinarySpikes = binarySpikes, GradedSpikes = gradedSpikes };
    }

    /// <summary>A board file: its chip is another chip file (a path relative to this one), so the chip's figures are
    /// written once; the board adds how many chips, their links and the barrier across them.</summary>
    private static ChipModel ReadBoard(MapReader root, string file)
    {
        foreach (var key in new[] { "chip", "cores", "core_limits", "energy", "latency", "timestep", "memory" })
            root.Forbid(key, "belongs in the chip file that 'board.chip' names: a board file holds only 'format' and 'board'");
        var b = root.Map("board", "name", "chip", "chips_x", "chips_y", "link_energy", "link_latency", "barrier");
        string name = b.Text("name");
        string chipPath = Path.GetFullPath(b.Text("chip"), Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".");
        ChipModel chip;
        try
        {
            chip = Parse(BoundedTextFile.Read(chipPath, MaxFileBytes, "chip file"), chipPath, boardAllowed: false);
        }
        catch (Exception e) when (e is HardwareModelException or IOException or UnauthorizedAccessException)
        {
            throw b.Error("chip", $"the board's chip file {chipPath} could not be read: {e.Message}");
        }
        int x = (int)b.Int("chips_x", 1, 4096), y = (int)b.Int("chips_y", 1, 4096);
        var m = chip.Cores;
        if ((long)m.Count * x * y > 10_000_000)
            throw b.Error("chips_x", $"{x} x {y} chips of {m.Count} cores are {(long)m.Count * x * y} cores; a board holds at most 10,000,000");
        if ((long)m.Width * x > 100_000 || (long)m.Height * y > 100_000)
            throw b.Error("chips_x", $"the board's mesh would be {(long)m.Width * x} x {(long)m.Height * y} routers; at most 100,000 a side");
        double linkEnergy = b.Quantity("link_energy", OpEnergyRange), linkLatency = b.Quantity("link_latency", OpTimeRange);
        double barrier = 0;
        if (chip.Timestep.Sync == SyncModel.Barrier) barrier = b.Quantity("barrier", StepTimeRange);
        else b.Forbid("barrier", $"is only used with a chip that closes its steps by barrier; {chip.Name}'s are '{chip.Timestep.Sync.ToString().ToLowerInvariant()}'");
        // Every core of a chip keeps its place in its chip's block of the board's mesh.
        var layout = new MeshLayout(m.Count * x * y, m.CoresPerRouter, m.Width * x, m.Height * y, m.LinkBuffer, x, y);
        return chip with
        {
            Name = $"{name} ({x * y} x {chip.Name})",
            SourceFile = file,
            Cores = layout,
            Board = new BoardModel(chip.Name, x, y, linkEnergy, linkLatency, barrier),
        };
    }

    private static readonly string[] CostKeys =
        ["dense_mac", "synaptic_op", "neuron_active", "neuron_idle", "weight_update", "spike_local", "spike_hop"];

    private static OperationCosts ReadCosts(MapReader m, Range range, ExecutionStyle execution)
    {
        double? mac = execution == ExecutionStyle.Dense || m.Has("dense_mac")
            ? m.Quantity("dense_mac", range)
            : null;
        return new OperationCosts(mac,
            m.Quantity("synaptic_op", range),
            m.Quantity("neuron_active", range),
            m.Quantity("neuron_idle", range),
            m.Quantity("weight_update", range),
            m.Quantity("spike_local", range),
            m.Quantity("spike_hop", range));
    }

    /// <summary>Reads the fields of one mapping, remembering each node's line; unknown keys are refused up front.</summary>
    private sealed class MapReader
    {
        private readonly string file;
        private readonly YMap map;
        private readonly string path;
        private readonly int ownerLine;

        /// <param name="ownerLine">The line of the key that names this mapping: where a missing field is reported.</param>
        public MapReader(string file, YNode node, string path, int ownerLine, params string[] known)
        {
            this.file = file;
            this.path = path;
            this.ownerLine = ownerLine;
            string where = path.Length == 0 ? "the top level" : $"'{path}'";
            if (node is not YMap m)
                throw new HardwareModelException(file, node.Line, path.Length == 0 ? "(document)" : path,
                    $"{where} must be a mapping with the fields {string.Join(", ", known)}");
            map = m;
            foreach (var (k, _) in m.Entries)
                if (Array.IndexOf(known, k.Value) < 0)
                    throw new HardwareModelException(file, k.Line, Path(k.Value),
                        $"unknown field '{k.Value}' in {where}; known fields: {string.Join(", ", known)}");
        }

        private string Path(string key) => path.Length == 0 ? key : path + "." + key;

        public HardwareModelException Error(string key, string problem) =>
            new(file, map.Find(key)?.Line ?? ownerLine, Path(key), problem);

        public bool Has(string key) => map.Find(key) is not null;

        private YNode Need(string key) => map.Find(key)
            ?? throw new HardwareModelException(file, ownerLine, Path(key),
                $"the required field '{key}' is missing from {(path.Length == 0 ? "the top level" : $"'{path}'")}");

        private YScalar Scalar(string key)
        {
            var node = Need(key);
            if (node is not YScalar s)
                throw new HardwareModelException(file, node.Line, Path(key), "expected a single value, found a nested structure");
            if (s.Value.Length > MaxTextLength)
                throw new HardwareModelException(file, s.Line, Path(key), $"the value is {s.Value.Length} characters long; at most {MaxTextLength} are accepted");
            if (!s.Quoted && (s.Value.Length == 0 || s.Value is "~" or "null" or "Null" or "NULL"))
                throw new HardwareModelException(file, s.Line, Path(key), "the value is empty");
            return s;
        }

        public MapReader Map(string key, params string[] known)
        {
            var node = Need(key);
            int line = map.Entries.First(e => e.Key.Value == key).Key.Line;
            return new(file, node, Path(key), line, known);
        }

        public string Text(string key)
        {
            var s = Scalar(key);
            if (string.IsNullOrWhiteSpace(s.Value))
                throw new HardwareModelException(file, s.Line, Path(key), "the value is empty");
            // Names end up in tables, plots and one-line messages.
            if (s.Value.Trim().Any(char.IsControl))
                throw new HardwareModelException(file, s.Line, Path(key), "the value contains a line break or another control character");
            return s.Value.Trim();
        }

        public string? OptionalText(string key) => Has(key) ? Text(key) : null;

        public bool IsWord(string key, string word)
        {
            var s = Scalar(key);
            return !s.Quoted && s.Value.Trim() == word;
        }

        public long Int(string key, long min, long max)
        {
            var s = Scalar(key);
            string v = s.Value.Trim().Replace("_", "", StringComparison.Ordinal);
            if (!long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long x))
                throw new HardwareModelException(file, s.Line, Path(key), $"expected a whole number, got '{s.Value}'");
            if (x < min)
                throw new HardwareModelException(file, s.Line, Path(key),
                    min == 1 ? $"must be positive, got {x}" : $"must be at least {min}, got {x}");
            if (x > max)
                throw new HardwareModelException(file, s.Line, Path(key), $"must be at most {max}, got {x}");
            return x;
        }

        public bool Bool(string key)
        {
            var s = Scalar(key);
            return s.Value.Trim() switch
            {
                "true" => true,
                "false" => false,
                _ => throw new HardwareModelException(file, s.Line, Path(key), $"expected true or false, got '{s.Value}'"),
            };
        }

        public T Choice<T>(string key, Dictionary<string, T> options)
        {
            var s = Scalar(key);
            if (options.TryGetValue(s.Value.Trim(), out T? v)) return v;
            throw new HardwareModelException(file, s.Line, Path(key),
                $"expected one of {string.Join(", ", options.Keys)}, got '{s.Value}'");
        }

        public double Quantity(string key, Range r)
        {
            var s = Scalar(key);
            if (!Units.TryParse(s.Value, r.Dimension, out double v, out string error))
                throw new HardwareModelException(file, s.Line, Path(key), error);
            string bound = v > r.Max ? "is too large"
                : v < r.Min || (r.MinExcluded && v == r.Min) ? (r.MinExcluded && r.Min == 0 ? "must be positive" : r.Min == 0 ? "must not be negative" : "is too small")
                : "";
            if (bound.Length > 0)
                throw new HardwareModelException(file, s.Line, Path(key), $"{bound} (accepted: {r.Text}), got '{s.Value}'");
            return v;
        }

        public void Forbid(string key, string why)
        {
            if (map.Find(key) is not null)
                throw new HardwareModelException(file, map.Entries.First(e => e.Key.Value == key).Key.Line, Path(key), $"'{key}' {why}");
        }
    }
}
