using System.Globalization;

namespace Neuromorphic.Hardware.Cores;

/// <summary>Reads SANA-FE architecture files (the <c>architecture</c> section; see docs on the SANA-FE format) into a
/// <see cref="ChipArchitecture"/>. Every failure is a <see cref="HardwareModelException"/> naming file, line and a
/// field such as <c>architecture.tile[0].core[1].soma[0].energy_access_neuron</c>.</summary>
public static class SanafeArchitectureReader
{
    /// <summary>Largest architecture file read (64 MiB): SANA-FE's own, and <see cref="SanafeFileWriter"/>'s, are a few KB
    /// thanks to ranges; Loihi written out unit by unit is about 30 MB.</summary>
    public const int MaxFileBytes = 64 << 20;

    /// <summary>Most YAML nodes in one architecture file (Loihi's has about 300; written unit by unit, 2.7 million).</summary>
    public const int MaxNodes = 10_000_000;

    /// <summary>The longest synaptic delay SANA-FE's accumulator_with_delay dendrite holds, in steps (its compiled
    /// limit, 5, at commit 8951ab0).</summary>
    public const int SanafeMaxDelay = 5;

    /// <summary>Most tiles, cores per tile, and copies of one unit; bounds what a range like <c>t[0..99999999]</c> makes.</summary>
    public const int MaxTiles = 1 << 16, MaxCoresPerTile = 1 << 12, MaxUnitCopies = 1 << 16;

    /// <summary>Most units (all kinds) one file may describe: Loihi's about 1,040, written unit by unit 132,000. Copies
    /// of a ranged core block share their units, so they count once.</summary>
    public const int MaxUnits = 1 << 22;

    /// <summary>Most cores one file may make (SANA-FE's 32-chip loihi_large.yaml has 4,096).</summary>
    public const int MaxCores = 1 << 20;

    private static readonly YamlLimits Limits = new("SANA-FE architecture file", MaxNodes, 1000,
        $"the limit is SanafeArchitectureReader.MaxNodes ({MaxNodes})");

    private static readonly string[] Sections = ["axon_in", "synapse", "dendrite", "soma", "axon_out"];

    public static ChipArchitecture LoadFile(string path) =>
        Parse(BoundedTextFile.Read(path, MaxFileBytes, "SANA-FE architecture file"), path);

    /// <summary>Parses an architecture file's text; <paramref name="file"/> is only used in messages.</summary>
    public static ChipArchitecture Parse(string text, string file)
    {
        if (text.Length > MaxFileBytes)
            throw new HardwareModelException(file, 0, "(file)", $"the text is {text.Length} characters; architecture files are at most {MaxFileBytes} bytes");
        return SanafeYaml.Guard(file, () => new Reader(new SanafeYaml(file)).Read(YamlTree.Parse(text, file, Limits)));
    }

    private sealed class Reader(SanafeYaml y)
    {
        private int units, nextCoreId; // units described, cores made

        public ChipArchitecture Read(YNode rootNode)
        {
            var root = y.Map(rootNode, "(document)");
            var arch = y.Map(y.Required(root, "architecture", "(document)") is var a && SanafeYaml.IsEmpty(a)
                ? throw y.Error(a, "architecture", "the architecture section is empty") : a, "architecture");
            var nameNode = y.Required(arch, "name", "architecture");
            string name = y.Text(nameNode, "architecture.name");
            if (name.Contains("..", StringComparison.Ordinal) && name.EndsWith(']'))
                throw y.Error(nameNode, "architecture.name", "a chip name cannot be a range: a file describes one chip");
            var attrs = y.Map(y.Required(arch, "attributes", "architecture"), "architecture.attributes");
            const string ap = "architecture";
            int width = y.Int(y.Required(attrs, "width", ap), ap + ".width", 1, MaxTiles);
            int height = y.Int(y.Required(attrs, "height", ap), ap + ".height", 1, MaxTiles);
            int linkBuffer = y.Int(y.Required(attrs, "link_buffer_size", ap), ap + ".link_buffer_size", 0, int.MaxValue);
            var sync = ReadSync(attrs);

            var tiles = new List<TileSpec>();
            var tileBlocks = SanafeYaml.ListOrSingle(y.Required(arch, "tile", ap));
            long places = (long)width * height;
            foreach (var blockNode in tileBlocks)
            {
                var block = y.Map(blockNode, $"architecture.tile[{tiles.Count}]");
                string field = $"architecture.tile[{tiles.Count}]";
                var names = y.ExpandName(y.Required(block, "name", field), field + ".name", MaxTiles);
                if (tiles.Count + names.Count > places)
                    throw y.Error(block, field,
                        $"{tiles.Count + names.Count} tiles do not fit the {width} x {height} mesh ({places} places)");
                foreach (string tileName in names)
                    tiles.Add(ReadTile(block, tiles.Count, tileName, height));
            }
            if (tiles.Count == 0) throw y.Error(arch, "architecture.tile", "the chip has no tiles");
            return new ChipArchitecture(name, width, height, linkBuffer, sync, tiles, y.File);
        }

        private SyncTable ReadSync(YMap attrs)
        {
            const string f = "architecture.sync_model";
            var modelNode = attrs.Find("sync_model");
            string model = modelNode is null ? "fixed" : y.Text(modelNode, f);
            var latency = attrs.Find("latency_sync");
            const string lf = "architecture.latency_sync";
            switch (model)
            {
                case "fixed":
                    return SyncTable.Fixed(latency is null ? 0 : y.Cost(latency, lf));
                case "table":
                    if (latency is null) throw y.Error(attrs, lf, "sync_model table needs latency_sync: {tiles: seconds, ...}");
                    if (latency is YScalar) return SyncTable.Fixed(y.Cost(latency, lf));
                    var entries = new List<(int Tiles, double Seconds)>();
                    if (latency is YSeq seq)
                    {
                        for (int i = 0; i < seq.Items.Count; i++)
                            entries.Add((i, y.Cost(seq.Items[i], $"{lf}[{i}]")));
                    }
                    else
                    {
                        foreach (var (k, v) in ((YMap)latency).Entries)
                        {
                            int tiles = y.Int(k, lf, 0, int.MaxValue);
                            entries.Add((tiles, y.Cost(v, $"{lf}.{k.Value}")));
                        }
                    }
                    if (entries.Count == 0) throw y.Error(latency, lf, "the sync table is empty");
                    var sorted = entries.OrderBy(e => e.Tiles).ToArray();
                    for (int i = 1; i < sorted.Length; i++)
                        if (sorted[i].Tiles == sorted[i - 1].Tiles)
                            throw y.Error(latency, lf, $"the tile count {sorted[i].Tiles} appears twice");
                    return new SyncTable(sorted);
                default:
                    throw y.Error(modelNode!, f, $"expected fixed or table, found '{model}'");
            }
        }

        private TileSpec ReadTile(YMap block, int id, string name, int height)
        {
            string field = $"architecture.tile[{id}]";
            var attrs = y.Map(y.Required(block, "attributes", field), field + ".attributes");
            double Hop(string key) => y.Cost(y.Required(attrs, key, field), field + "." + key);
            var hops = new HopCosts(
                Hop("energy_north_hop"), Hop("latency_north_hop"), Hop("energy_east_hop"), Hop("latency_east_hop"),
                Hop("energy_south_hop"), Hop("latency_south_hop"), Hop("energy_west_hop"), Hop("latency_west_hop"));
            if (attrs.Find("log_energy") is { } log) y.Bool(log, field + ".log_energy");

            var cores = new List<CoreSpec>();
            foreach (var coreNode in SanafeYaml.ListOrSingle(y.Required(block, "core", field)))
            {
                string cf = $"{field}.core[{cores.Count}]";
                var coreBlock = y.Map(coreNode, cf);
                var names = y.ExpandName(y.Required(coreBlock, "name", cf), cf + ".name", MaxCoresPerTile);
                if (cores.Count + names.Count > MaxCoresPerTile)
                    throw y.Error(coreBlock, cf, $"more than {MaxCoresPerTile} cores in one tile");
                foreach (string coreName in names)
                    cores.Add(ReadCore(coreBlock, id, cores.Count, coreName));
            }
            if (cores.Count == 0) throw y.Error(block, field + ".core", "the tile has no cores");
            return new TileSpec(id, name, id / height, id % height, hops, cores, block.Line);
        }

        // Every copy of a ranged core block (loihi_core[0..3] in each of 32 tiles) has the same pipeline: it is read
        // once and its immutable unit records are shared, which keeps Loihi's 1,024 input units a core from being built for each of its 128 cores.
        private readonly Dictionary<YMap, CoreSpec> templates = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<(string File, int Bits), LoihiNoise> noiseFiles = [];

        private CoreSpec ReadCore(YMap block, int tile, int offset, string name)
        {
            if (nextCoreId >= MaxCores) throw y.Error(block, $"architecture.tile[{tile}].core[{offset}]", $"the chip has more than {MaxCores} cores");
            if (templates.TryGetValue(block, out var template))
                return template with { Id = nextCoreId++, TileId = tile, Offset = offset, Name = name };
            var core = ReadCoreBlock(block, tile, offset, name);
            templates[block] = core;
            return core;
        }

        private CoreSpec ReadCoreBlock(YMap block, int tile, int offset, string name)
        {
            string field = $"architecture.tile[{tile}].core[{offset}]";
            var attrs = y.Map(y.Required(block, "attributes", field), field + ".attributes");
            var posNode = y.Required(attrs, "buffer_position", field);
            bool inside = attrs.Find("buffer_inside_unit") is { } ins && y.Bool(ins, field + ".buffer_inside_unit");
            var buffer = (y.Text(posNode, field + ".buffer_position"), inside) switch
            {
                ("dendrite", false) => BufferPosition.BeforeDendrite,
                ("dendrite", true) => BufferPosition.InsideDendrite,
                ("soma", false) => BufferPosition.BeforeSoma,
                ("soma", true) => BufferPosition.InsideSoma,
                ("axon_out", false) => BufferPosition.BeforeAxonOut,
                ("axon_out", true) => throw y.Error(posNode, field + ".buffer_inside_unit",
                    "an axon_out unit holds no neuron state, so the buffer cannot be inside it"),
                var (p, _) => throw y.Error(posNode, field + ".buffer_position", $"expected dendrite, soma or axon_out, found '{p}'"),
            };
            int maxNeurons = y.Int(y.Required(attrs, "max_neurons_supported", field), field + ".max_neurons_supported", 0, int.MaxValue);
            if (attrs.Find("log_energy") is { } log) y.Bool(log, field + ".log_energy");
            foreach (string section in Sections)
                if (block.Find(section) is null)
                    throw y.Error(block, field + "." + section,
                        $"the core has no {section} section; SANA-FE needs all five (axon_in, synapse, dendrite, soma, axon_out)");

            var axonIn = ReadAxons(block, field, "axon_in", "energy_message_in", "latency_message_in");
            var axonOut = ReadAxons(block, field, "axon_out", "energy_message_out", "latency_message_out");
            // One builder per unit name: a name under several sections is one unit with several roles.
            var builders = new Dictionary<string, UnitBuilder>(StringComparer.Ordinal);
            var lists = new Dictionary<string, List<UnitBuilder>>();
            foreach (string section in (string[])["synapse", "dendrite", "soma"])
            {
                var list = new List<UnitBuilder>();
                var inSection = new HashSet<UnitBuilder>();
                int index = 0;
                foreach (var unitNode in SanafeYaml.ListOrSingle(block.Find(section)!))
                {
                    string uf = $"{field}.{section}[{index++}]";
                    var unit = y.Map(unitNode, uf);
                    var unitAttrs = y.Attributes(y.Required(unit, "attributes", uf), uf + ".attributes");
                    foreach (string unitName in y.ExpandName(y.Required(unit, "name", uf), uf + ".name", MaxUnitCopies))
                    {
                        if (++units > MaxUnits)
                            throw y.Error(unit, uf, $"the chip has more than {MaxUnits} units");
                        if (!builders.TryGetValue(unitName, out var b))
                            builders[unitName] = b = new UnitBuilder(unitName, uf, unit.Line);
                        if (!inSection.Add(b))
                            throw y.Error(unit, uf + ".name", $"the unit '{unitName}' appears twice in the {section} section");
                        b.Roles.Add(section);
                        foreach (var (k, v) in unitAttrs)
                            b.Attributes[k.Value] = (v, uf + "." + k.Value);
                        list.Add(b);
                    }
                }
                if (list.Count == 0) throw y.Error(block, field + "." + section, $"the {section} section lists no units");
                lists[section] = list;
            }
            var built = builders.Values.ToDictionary(b => b, Build);
            return new CoreSpec(nextCoreId++, tile, offset, name, buffer, maxNeurons, axonIn,
                lists["synapse"].Select(b => built[b]).ToArray(),
                lists["dendrite"].Select(b => built[b]).ToArray(),
                lists["soma"].Select(b => built[b]).ToArray(),
                axonOut, block.Line);
        }

        private AxonUnitSpec[] ReadAxons(YMap block, string field, string section, string energyKey, string latencyKey)
        {
            var result = new List<AxonUnitSpec>();
            int index = 0;
            foreach (var unitNode in SanafeYaml.ListOrSingle(block.Find(section)!))
            {
                string uf = $"{field}.{section}[{index++}]";
                var unit = y.Map(unitNode, uf);
                var attrs = y.Map(y.Required(unit, "attributes", uf), uf + ".attributes");
                double energy = y.Cost(y.Required(attrs, energyKey, uf), uf + "." + energyKey);
                double latency = y.Cost(y.Required(attrs, latencyKey, uf), uf + "." + latencyKey);
                foreach (string unitName in y.ExpandName(y.Required(unit, "name", uf), uf + ".name", MaxUnitCopies))
                {
                    if (++units > MaxUnits) throw y.Error(unit, uf, $"the chip has more than {MaxUnits} units");
                    result.Add(new AxonUnitSpec(unitName, energy, latency, unit.Line));
                }
            }
            if (result.Count == 0) throw y.Error(block, field + "." + section, $"the {section} section lists no units");
            return [.. result];
        }

        private sealed class UnitBuilder(string name, string field, int line)
        {
            public string Name { get; } = name;
            public string Field { get; } = field;
            public int Line { get; } = line;
            public HashSet<string> Roles { get; } = [];
            public Dictionary<string, (YNode Node, string Field)> Attributes { get; } = new(StringComparer.Ordinal);
        }

        private ProcessingUnitSpec Build(UnitBuilder b)
        {
            var rest = new Dictionary<string, (YNode Node, string Field)>(b.Attributes, StringComparer.Ordinal);
            (YNode Node, string Field)? Take(string key) => rest.Remove(key, out var v) ? v : null;
            double? CostOf(string key) => Take(key) is { } v ? y.Cost(v.Node, v.Field) : null;

            var model = Take("model") ?? throw y.Error(b.Line, b.Field + ".model", "the required key 'model' is missing");
            string modelName = y.Text(model.Node, model.Field);
            if (Take("plugin") is { } plugin)
                throw y.Error(plugin.Node, plugin.Field, "plugin models (shared libraries) are not supported; use a built-in model");
            bool everyStep = Take("update_every_timestep") is { } u && y.Bool(u.Node, u.Field);
            double? eSpike = CostOf("energy_process_spike"), lSpike = CostOf("latency_process_spike");
            double? eUpdate = CostOf("energy_update"), lUpdate = CostOf("latency_update");
            var energy = SomaTriple(b, rest, "energy");
            var latency = SomaTriple(b, rest, "latency");
            var attributes = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
            foreach (var (key, (node, field)) in rest)
            {
                if (key is "log_energy" or "log_latency") y.Bool(node, field);
                attributes[key] = y.Value(node, field);
            }
            return new ProcessingUnitSpec(b.Name, modelName, b.Roles.Contains("synapse"), b.Roles.Contains("dendrite"),
                b.Roles.Contains("soma"), eSpike, lSpike, eUpdate, lUpdate, energy, latency, everyStep, attributes, b.Line)
            {
                MaxDelay = modelName == "accumulator_with_delay" ? SanafeMaxDelay : 0,
                Noise = Noise(modelName, attributes),
            };
        }

        // A Loihi soma's recorded noise, read once for every core whose unit names it.
        private LoihiNoise? Noise(string model, Dictionary<string, AttributeValue> attributes)
        {
            if (!attributes.TryGetValue("noise", out var name)) return null;
            if (model != "leaky_integrate_fire")
                throw y.Error(name.Line, "noise", $"a noise sequence belongs to a leaky_integrate_fire soma, not a '{model}' unit");
            string file = name.AsText(y.File, "noise");
            int bits = attributes.TryGetValue("noise_bits", out var b) ? b.AsInt(y.File, "noise_bits") : 7;
            if (!noiseFiles.TryGetValue((file, bits), out var noise))
                noiseFiles[(file, bits)] = noise = LoihiNoise.Load(file, bits, y.File, name.Line);
            return noise;
        }

        // SANA-FE takes a soma's three default energies (or latencies) together or not at all.
        private SomaCosts? SomaTriple(UnitBuilder b, Dictionary<string, (YNode Node, string Field)> rest, string kind)
        {
            string[] keys = [$"{kind}_access_neuron", $"{kind}_update_neuron", $"{kind}_spike_out"];
            var found = keys.Select(k => rest.Remove(k, out var v) ? v : ((YNode Node, string Field)?)null).ToArray();
            if (found.All(f => f is null)) return null;
            int missing = Array.FindIndex(found, f => f is null);
            if (missing >= 0)
            {
                var given = found.First(f => f is not null)!.Value;
                throw y.Error(given.Node, b.Field + "." + keys[missing],
                    $"the soma's {kind} costs go together: {string.Join(", ", keys)} are all given or none; {keys[missing]} is missing");
            }
            double V(int i) => y.Cost(found[i]!.Value.Node, found[i]!.Value.Field);
            return new SomaCosts(V(0), V(1), V(2));
        }
    }

    internal static string CoreAddress(CoreSpec core) =>
        core.TileId.ToString(CultureInfo.InvariantCulture) + "." + core.Offset.ToString(CultureInfo.InvariantCulture);
}
