using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Hardware.Tests;

/// <summary>Network files are read as a stream: groups and edges become neurons and connections as the parser reaches
/// them, and are not held as YAML nodes; files are read through a reader that stops past the size cap.</summary>
public class StreamedReadingTests
{
    [Fact]
    public void Edges_listed_before_the_groups_are_read_once_the_groups_are_known()
    {
        var arch = SanafeTiny.LoadArch();
        var usual = SanafeNetworkReader.Parse(SanafeTiny.Net, "tiny.yaml", arch);
        int groups = SanafeTiny.Net.IndexOf("  groups:", StringComparison.Ordinal);
        int edges = SanafeTiny.Net.IndexOf("  edges:", StringComparison.Ordinal);
        int mappings = SanafeTiny.Net.IndexOf("mappings:", StringComparison.Ordinal);
        string edgesFirst = SanafeTiny.Net[..groups] + SanafeTiny.Net[edges..mappings] + SanafeTiny.Net[groups..edges] + SanafeTiny.Net[mappings..];
        Assert.NotEqual(SanafeTiny.Net, edgesFirst);

        var reordered = SanafeNetworkReader.Parse(edgesFirst, "edges-first.yaml", arch);

        SanafeTiny.AssertEqual(usual, reordered);
        Assert.Equal(9, usual.Connections.Count);
        Assert.Equal([1, 2, 3, 4, 5, 6, 7, 8, 9], Enumerable.Range(0, 9).Select(c => usual.Connections.Weight[c]));
    }

    [Fact]
    public void A_bad_edge_is_still_named_by_its_index_and_line()
    {
        string net = SanafeTiny.Net.Replace("- a.0 -> b.1: {weight: 9}", "- a.0 -> b.7: {weight: 9}");
        var e = Assert.Throws<HardwareModelException>(() => SanafeNetworkReader.Parse(net, "bad.yaml", SanafeTiny.LoadArch()));
        Assert.Equal(("bad.yaml", 14, "network.edges[1]"), (e.File, e.Line, e.Field));
        Assert.Contains("b.7 does not exist", e.Message);
    }

    [Fact]
    public void A_network_file_on_disk_reads_as_its_text_does()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("nm-stream").FullName, "net.yaml");
        try
        {
            File.WriteAllText(path, SanafeTiny.Net, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            var arch = SanafeTiny.LoadArch();
            SanafeTiny.AssertEqual(SanafeNetworkReader.Parse(SanafeTiny.Net, path, arch), SanafeNetworkReader.LoadFile(path, arch));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Streamed_items_arrive_in_order_and_do_not_count_against_the_node_limit()
    {
        // 200 items of 3 nodes each under a limit of 50 nodes: handed over one by one and dropped, they fit; held, they do not.
        string yaml = "net:\n  items:\n" + string.Concat(Enumerable.Range(0, 200).Select(i => $"    - {{k: {i}}}\n"));
        var limits = new YamlLimits("test file", 50, 100, "a test file is small");
        var seen = new List<(int Index, string Value, int Line)>();
        var root = YamlTree.Parse(new StringReader(yaml), "t.yaml", limits, [
            new StreamedList("net.items", (i, node) =>
            {
                var value = (YScalar)((YMap)node).Find("k")!;
                seen.Add((i, value.Value, value.Line));
                return false;
            }),
        ]);

        Assert.Equal(Enumerable.Range(0, 200).Select(i => (i, i.ToString(), i + 3)), seen);
        var items = (YSeq)((YMap)((YMap)root).Find("net")!).Find("items")!;
        Assert.Empty(items.Items);
        var e = Assert.Throws<HardwareModelException>(() => YamlTree.Parse(yaml, "t.yaml", limits));
        Assert.Contains("more than 50 YAML nodes", e.Message);
        // Items the reader keeps (edges that wait for their groups) count as held nodes.
        e = Assert.Throws<HardwareModelException>(() =>
            YamlTree.Parse(new StringReader(yaml), "t.yaml", limits, [new StreamedList("net.items", (_, _) => true)]));
        Assert.Contains("more than 50 YAML nodes", e.Message);
    }

    [Fact]
    public void A_root_key_with_dots_is_not_taken_for_the_path_it_spells()
    {
        // SANA-FE's reader ignores root keys it does not know; one spelled "network.groups" is one of those.
        var arch = SanafeTiny.LoadArch();
        string extra = SanafeTiny.Net + "\nnetwork.groups: [{name: extra, neurons: [0]}]\nnetwork.edges: [{a.0 -> b.0: {weight: 5}}]\n";
        SanafeTiny.AssertEqual(SanafeNetworkReader.Parse(SanafeTiny.Net, "tiny.yaml", arch), SanafeNetworkReader.Parse(extra, "extra.yaml", arch));
    }

    [Fact]
    public void A_list_elsewhere_with_the_same_key_is_not_streamed()
    {
        string yaml = "other:\n  items: [1, 2]\nnet:\n  inner:\n    items: [3]\n";
        int taken = 0;
        var root = (YMap)YamlTree.Parse(new StringReader(yaml), "t.yaml", new YamlLimits("test file", 100, 100, ""),
            [new StreamedList("net.items", (_, _) => { taken++; return false; })]);
        Assert.Equal(0, taken);
        Assert.Equal(2, ((YSeq)((YMap)root.Find("other")!).Find("items")!).Items.Count);
    }

    [Fact]
    public void A_file_that_grows_past_the_cap_while_it_is_read_is_refused()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("nm-grow").FullName, "net.yaml");
        try
        {
            File.WriteAllText(path, "a: 1\n");
            using var reader = BoundedTextFile.Open(path, 64, "test file");
            File.AppendAllText(path, new string('#', 100) + "\n");
            var e = Assert.Throws<HardwareModelException>(() => reader.ReadToEnd());
            Assert.Equal((path, 0, "(file)"), (e.File, e.Line, e.Field));
            Assert.Contains("larger than 64 bytes", e.Message);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Groups_without_neurons_are_bounded_by_their_own_limit()
    {
        // Empty groups pass the neuron limit and, streamed, the node limit: a file of them alone is refused at MaxGroups + 1.
        var text = new System.Text.StringBuilder("network:\n  name: many\n  groups:\n");
        for (int g = 0; g <= SanafeNetworkReader.MaxGroups; g++) text.Append("  - {name: g").Append(g).Append(", neurons: []}\n");
        var e = Assert.Throws<HardwareModelException>(() => SanafeNetworkReader.Parse(text.ToString(), "many.yaml", SanafeTiny.LoadArch()));
        Assert.Equal(($"network.groups[{SanafeNetworkReader.MaxGroups}]", SanafeNetworkReader.MaxGroups + 4), (e.Field, e.Line));
        Assert.Contains($"more than {SanafeNetworkReader.MaxGroups} groups", e.Message);
    }

    [Theory]
    [InlineData("network:\n  name: none\n  groups: []\n", 3)]
    [InlineData("network:\n  name: none\n  groups:\n  - {name: a, neurons: []}\n", 4)] // a block list starts at its first item
    public void A_network_without_neurons_is_one_error_not_a_crash(string yaml, int line)
    {
        // It used to reach the engine, which refused a chip with no core as an internal error.
        var e = Assert.Throws<HardwareModelException>(() => SanafeNetworkReader.Parse(yaml, "none.yaml", SanafeTiny.LoadArch()));
        Assert.Equal(("none.yaml", line, "network.groups"), (e.File, e.Line, e.Field));
        Assert.Contains("no neurons", e.Message);
        var empty = new SpikingNetworkSpec("none", [], new ConnectionList(), [], "built.yaml");
        Assert.Contains("no neurons", Assert.Throws<HardwareModelException>(() => CompiledChip.Build(SanafeTiny.LoadArch(), empty)).Message);
    }

    [Fact]
    public void A_read_that_fails_midway_is_a_file_error_not_a_syntax_error()
    {
        var e = Assert.Throws<HardwareModelException>(() => YamlTree.Parse(new FailingReader("network:\n  groups:\n"), "net.yaml",
            new YamlLimits("test file", 100, 100, ""), []));
        Assert.Equal(("net.yaml", 0, "(file)"), (e.File, e.Line, e.Field));
        Assert.Contains("cannot read the file: the disk went away", e.Message);
    }

    // Gives its text, then fails as a disk that stopped answering would.
    private sealed class FailingReader(string text) : TextReader
    {
        private int next;
        public override int Peek() => next < text.Length ? text[next] : throw new IOException("the disk went away");
        public override int Read() => next < text.Length ? text[next++] : throw new IOException("the disk went away");
        public override int Read(char[] buffer, int index, int count)
        {
            if (next == text.Length) throw new IOException("the disk went away");
            int n = Math.Min(count, text.Length - next);
            text.CopyTo(next, buffer, index, n);
            next += n;
            return n;
        }
    }
}
