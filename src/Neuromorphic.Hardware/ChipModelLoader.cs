using System.Globalization;

namespace Neuromorphic.Hardware;

/// <summary>Reads and validates chip description files (schema: docs/hardware-model-format.md). Every failure,
/// whatever the input, is a <see cref="HardwareModelException"/> naming file, line and field.</summary>
public static class ChipModelLoader
{
    public const int FormatVersion = 1;

    /// <summary>Loads one file from disk.</summary>
    public static ChipModel LoadFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new HardwareModelException(path, 0, "(file)", "cannot read the file: " + e.Message, e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses the text of a chip file; <paramref name="file"/> is only used in messages.</summary>
    public static ChipModel Parse(string text, string file)
    {
        try
        {
            return Read(YamlTree.Parse(text, file), file);
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

    private static ChipModel Read(YNode rootNode, string file)
    {
        var root = new MapReader(file, rootNode, "", 1, "format", "chip", "cores", "core_limits", "energy", "latency", "timestep", "memory");
        long format = root.Int("format", 1, int.MaxValue);
        if (format != FormatVersion)
            throw root.Error("format", $"this reader understands format {FormatVersion}, the file says {format}");

        var chip = root.Map("chip", "name", "process", "clock", "static_power", "execution", "message_bits");
        string name = chip.Text("name");
        double process = chip.Quantity("process", Dimension.Length, positive: true);
        double? clock = chip.IsWord("clock", "none") ? null : chip.Quantity("clock", Dimension.Frequency, positive: true);
        double staticPower = chip.Quantity("static_power", Dimension.Power, positive: false);
        var execution = chip.Choice("execution", new Dictionary<string, ExecutionStyle>
        {
            ["event-driven"] = ExecutionStyle.EventDriven,
            ["dense"] = ExecutionStyle.Dense,
        });
        int messageBits = (int)chip.Int("message_bits", 1, 1 << 20);

        var cores = root.Map("cores", "count", "per_router", "mesh_width", "mesh_height");
        int count = (int)cores.Int("count", 1, 10_000_000);
        int perRouter = (int)cores.Int("per_router", 1, 1_000_000);
        int width = (int)cores.Int("mesh_width", 1, 100_000);
        int height = (int)cores.Int("mesh_height", 1, 100_000);
        if ((long)perRouter * width * height < count)
            throw cores.Error("count",
                $"{count} cores do not fit a {width} x {height} mesh with {perRouter} cores per router ({(long)perRouter * width * height} places)");

        var lim = root.Map("core_limits", "neurons", "synapse_memory", "fan_in", "fan_out", "weight_bits", "weight_sharing", "learning", "fan_in_split");
        int neurons = (int)lim.Int("neurons", 1, int.MaxValue);
        double synBits = lim.Quantity("synapse_memory", Dimension.Memory, positive: true);
        if (synBits > long.MaxValue / 4)
            throw lim.Error("synapse_memory", "is larger than this model can count");
        if (synBits < 1)
            throw lim.Error("synapse_memory", "must hold at least one bit");
        int fanIn = (int)lim.Int("fan_in", 1, int.MaxValue);
        int fanOut = (int)lim.Int("fan_out", 1, int.MaxValue);
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
        var learning = lim.Map("learning", "supported", "kind");
        bool learns = learning.Bool("supported");
        string kind = learns ? learning.Text("kind") : learning.OptionalText("kind") ?? "none";

        var energy = ReadCosts(root.Map("energy", CostKeys), Dimension.Energy, execution);
        var latency = ReadCosts(root.Map("latency", CostKeys), Dimension.Time, execution);

        var ts = root.Map("timestep", "sync", "barrier", "tick");
        var sync = ts.Choice("sync", new Dictionary<string, SyncModel>
        {
            ["none"] = SyncModel.None,
            ["barrier"] = SyncModel.Barrier,
            ["tick"] = SyncModel.Tick,
        });
        double barrier = 0, tick = 0;
        if (sync == SyncModel.Barrier) barrier = ts.Quantity("barrier", Dimension.Time, positive: true);
        else ts.Forbid("barrier", "is only used with 'sync: barrier'");
        if (sync == SyncModel.Tick) tick = ts.Quantity("tick", Dimension.Time, positive: true);
        else ts.Forbid("tick", "is only used with 'sync: tick'");

        MemoryModel? memory = null;
        if (root.Has("memory"))
        {
            var mem = root.Map("memory", "on_chip", "sram_access", "dram_access");
            memory = new MemoryModel(
                mem.Quantity("on_chip", Dimension.Memory, positive: false),
                mem.Quantity("sram_access", Dimension.Energy, positive: false),
                mem.Quantity("dram_access", Dimension.Energy, positive: false));
        }

        return new ChipModel(name, file, process, clock, staticPower, execution, messageBits,
            new MeshLayout(count, perRouter, width, height),
            new CoreLimits(neurons, (long)Math.Round(synBits), fanIn, fanOut, weightBits, sharing, learns, kind, split),
            energy, latency, new TimestepModel(sync, barrier, tick), memory);
    }

    private static readonly string[] CostKeys =
        ["dense_mac", "synaptic_op", "neuron_active", "neuron_idle", "weight_update", "spike_local", "spike_hop"];

    private static OperationCosts ReadCosts(MapReader m, Dimension d, ExecutionStyle execution)
    {
        double? mac = execution == ExecutionStyle.Dense || m.Has("dense_mac")
            ? m.Quantity("dense_mac", d, positive: false)
            : null;
        return new OperationCosts(mac,
            m.Quantity("synaptic_op", d, positive: false),
            m.Quantity("neuron_active", d, positive: false),
            m.Quantity("neuron_idle", d, positive: false),
            m.Quantity("weight_update", d, positive: false),
            m.Quantity("spike_local", d, positive: false),
            m.Quantity("spike_hop", d, positive: false));
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
            new(file, Find(key)?.Line ?? ownerLine, Path(key), problem);

        private YNode? Find(string key)
        {
            foreach (var (k, v) in map.Entries)
                if (k.Value == key) return v;
            return null;
        }

        public bool Has(string key) => Find(key) is not null;

        private YNode Need(string key) => Find(key)
            ?? throw new HardwareModelException(file, ownerLine, Path(key),
                $"the required field '{key}' is missing from {(path.Length == 0 ? "the top level" : $"'{path}'")}");

        private YScalar Scalar(string key)
        {
            var node = Need(key);
            if (node is not YScalar s)
                throw new HardwareModelException(file, node.Line, Path(key), "expected a single value, found a nested structure");
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

        public double Quantity(string key, Dimension d, bool positive)
        {
            var s = Scalar(key);
            if (!Units.TryParse(s.Value, d, out double v, out string error))
                throw new HardwareModelException(file, s.Line, Path(key), error);
            if (v < 0 || (positive && v == 0))
                throw new HardwareModelException(file, s.Line, Path(key),
                    positive ? $"must be positive, got '{s.Value}'" : $"must not be negative, got '{s.Value}'");
            return v;
        }

        public void Forbid(string key, string why)
        {
            if (Find(key) is { } node)
                throw new HardwareModelException(file, node.Line, Path(key), $"'{key}' {why}");
        }
    }
}
