using Neuromorphic.Hardware.Cores;
using Neuromorphic.Testing;

namespace Neuromorphic.Hardware.Tests;

/// <summary>A small architecture and network in SANA-FE's format, written for these tests (the reference files
/// are GPL-3 and stay outside the repository), and comparisons of whole records.</summary>
internal static class SanafeTiny
{
    public const string Arch = """
        architecture:
          name: tiny
          attributes: {width: 1, height: 2, link_buffer_size: 2}
          tile:
            - name: t[0..1]
              attributes:
                energy_north_hop: 1e-12
                latency_north_hop: 1e-9
                energy_east_hop: 2e-12
                latency_east_hop: 2e-9
                energy_south_hop: 3e-12
                latency_south_hop: 3e-9
                energy_west_hop: 4e-12
                latency_west_hop: 4e-9
              core:
                - name: c[0..1]
                  attributes: {buffer_position: soma, max_neurons_supported: 4}
                  axon_in: [{name: ain, attributes: {energy_message_in: 0, latency_message_in: 1e-9}}]
                  synapse:
                    - name: syn
                      attributes: {model: current_based, energy_process_spike: 1e-12, latency_process_spike: 1e-9}
                  dendrite:
                    - name: den
                      attributes: {model: accumulator}
                  soma:
                    - name: lif
                      attributes:
                        model: leaky_integrate_fire
                        energy_access_neuron: 1e-12
                        energy_update_neuron: 2e-12
                        energy_spike_out: 3e-12
                    - name: src
                      attributes: {model: input}
                  axon_out: [{name: aout, attributes: {energy_message_out: 1e-12, latency_message_out: 1e-9}}]
        """;

    public const string Net = """
        network:
          name: tiny_net
          groups:
            - name: a
              attributes: {threshold: 1}
              neurons: [0..3]
            - name: b
              attributes: []
              neurons:
                - 0
                - 1: {bias: 2}
          edges:
            - a -> b: {type: dense, weight: [1, 2, 3, 4, 5, 6, 7, 8]}
            - a.0 -> b.1: {weight: 9}
        mappings:
          - a: {core: '0.0'}
          - b.0: {core: '0.1', soma: src}
          - b.1: {core: '1.0'}
        """;

    public static ChipArchitecture LoadArch() => SanafeArchitectureReader.Parse(Arch, "tiny_arch.yaml");

    public static string Reference(string relative) => Path.Combine(Requires.SanafeReference(), relative);

    public static string RoundTripText(ChipArchitecture arch)
    {
        var w = new StringWriter();
        SanafeFileWriter.WriteArchitecture(arch, w);
        return w.ToString();
    }

    public static string RoundTripText(SpikingNetworkSpec net, ChipArchitecture arch)
    {
        var w = new StringWriter();
        SanafeFileWriter.WriteNetwork(net, arch, w);
        return w.ToString();
    }

    public static void AssertSame(IReadOnlyDictionary<string, AttributeValue> a, IReadOnlyDictionary<string, AttributeValue> b)
    {
        Assert.Equal(a.Keys.Order(StringComparer.Ordinal), b.Keys.Order(StringComparer.Ordinal));
        foreach (var (k, v) in a) Assert.True(SanafeFileWriter.Same(v, b[k]), $"attribute {k}: {v.Describe()} vs {b[k].Describe()}");
    }

    public static void AssertEqual(ChipArchitecture a, ChipArchitecture b)
    {
        Assert.Equal((a.Name, a.Width, a.Height, a.LinkBufferSize), (b.Name, b.Width, b.Height, b.LinkBufferSize));
        Assert.Equal(a.Sync.Entries, b.Sync.Entries);
        Assert.Equal(a.Tiles.Count, b.Tiles.Count);
        for (int t = 0; t < a.Tiles.Count; t++)
        {
            var (x, y) = (a.Tiles[t], b.Tiles[t]);
            Assert.Equal((x.Id, x.Name, x.X, x.Y, x.Hops), (y.Id, y.Name, y.X, y.Y, y.Hops));
            Assert.Equal(x.Cores.Count, y.Cores.Count);
            for (int c = 0; c < x.Cores.Count; c++)
            {
                var (p, q) = (x.Cores[c], y.Cores[c]);
                Assert.Equal((p.Id, p.TileId, p.Offset, p.Name, p.Buffer, p.MaxNeurons), (q.Id, q.TileId, q.Offset, q.Name, q.Buffer, q.MaxNeurons));
                Assert.Equal(p.AxonIn.Select(u => (u.Name, u.Energy, u.Latency)), q.AxonIn.Select(u => (u.Name, u.Energy, u.Latency)));
                Assert.Equal(p.AxonOut.Select(u => (u.Name, u.Energy, u.Latency)), q.AxonOut.Select(u => (u.Name, u.Energy, u.Latency)));
                foreach (var (l, m) in new[] { (p.Synapses, q.Synapses), (p.Dendrites, q.Dendrites), (p.Somas, q.Somas) })
                {
                    Assert.Equal(l.Count, m.Count);
                    for (int i = 0; i < l.Count; i++)
                    {
                        Assert.Equal(l[i] with { Attributes = m[i].Attributes, Line = 0 }, m[i] with { Line = 0 });
                        AssertSame(l[i].Attributes, m[i].Attributes);
                    }
                }
            }
        }
    }

    public static void AssertEqual(SpikingNetworkSpec a, SpikingNetworkSpec b)
    {
        Assert.Equal(a.Name, b.Name);
        Assert.Equal(a.Groups.Select(g => (g.Name, g.First, g.Neurons.Count)), b.Groups.Select(g => (g.Name, g.First, g.Neurons.Count)));
        for (int i = 0; i < a.NeuronCount; i++)
        {
            var (x, y) = (a.Neuron(i), b.Neuron(i));
            Assert.Equal((x.Offset, x.LogSpikes, x.LogPotential, x.SomaUnit, x.DendriteUnit, x.SynapseUnit),
                (y.Offset, y.LogSpikes, y.LogPotential, y.SomaUnit, y.DendriteUnit, y.SynapseUnit));
            Assert.Equal((x.Placement?.Tile, x.Placement?.CoreOffset), (y.Placement?.Tile, y.Placement?.CoreOffset));
            AssertSame(x.SomaAttributes, y.SomaAttributes);
            AssertSame(x.DendriteAttributes, y.DendriteAttributes);
        }
        Assert.Equal(a.Connections.Count, b.Connections.Count);
        Assert.True(a.Connections.Pre.SequenceEqual(b.Connections.Pre));
        Assert.True(a.Connections.Post.SequenceEqual(b.Connections.Post));
        Assert.True(a.Connections.Weight.SequenceEqual(b.Connections.Weight));
        Assert.True(a.Connections.Delay.SequenceEqual(b.Connections.Delay));
        Assert.Equal(a.MappingOrder, b.MappingOrder);
    }
}
