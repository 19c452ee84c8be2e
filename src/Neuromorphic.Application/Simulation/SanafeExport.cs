using Neuromorphic.Hardware.Cores;

namespace Neuromorphic.Application.Simulation;

/// <summary>`simulate --export`: the chip and the network mapped onto it as SANA-FE's files, so the same run can be
/// checked in SANA-FE.</summary>
public static class SanafeExport
{
    public const string ArchitectureFile = "arch.yaml";
    public const string NetworkFile = "snn.yaml";

    /// <summary>Most neurons one core's units hold in SANA-FE's built-in models (its <c>loihi_max_compartments</c>); SANA-FE
    /// stops with an out-of-range error on a core that holds more.</summary>
    public const int SanafeMaxNeuronsPerCore = 1024;

    /// <summary>What of <paramref name="arch"/> SANA-FE cannot run as it is here, said before the files are used; null when
    /// nothing.</summary>
    public static string? NotCarried(ChipArchitecture arch)
    {
        var notes = new List<string>();
        if (arch.MinimumStepS > 0)
            notes.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{arch.Name} waits for a {arch.MinimumStepS * 1e3:G4} ms tick each step; SANA-FE's files have no minimum step, so SANA-FE times the exported steps without it (counts and energies are unaffected)"));
        int most = arch.Tiles.SelectMany(t => t.Cores).Max(c => c.MaxNeurons);
        if (most > SanafeMaxNeuronsPerCore)
            notes.Add($"{arch.Name}'s cores hold up to {most} neurons; SANA-FE's built-in models hold {SanafeMaxNeuronsPerCore} a core and stop on a core that holds more");
        return notes.Count == 0 ? null : string.Join("; ", notes);
    }

    // 'graded: true', 'input_max: true', or a non-empty 'values' train, as the core-by-core path reads them.
    static bool SendsOrTakesValues(string key, AttributeValue value) => key switch
    {
        "graded" or "input_max" => value.Text?.ToLowerInvariant() is "true" or "1",
        "values" => value.Items is { Count: > 0 },
        _ => false,
    };

    /// <summary>Writes <see cref="ArchitectureFile"/> and <see cref="NetworkFile"/> (one line a synapse) into <paramref name="directory"/>, atomically.</summary>
    public static void Write(string directory, ChipArchitecture architecture, SpikingNetworkSpec network)
    {
        // SANA-FE prices every hop of a message at its destination tile and has one barrier: a chip-to-chip link, the
        // board's barrier and its chip-by-chip tile order have no place in its files.
        if (architecture.BoardBarrierS is not null)
            throw new UserErrorException($"{architecture.Name} is a board of chips; SANA-FE's files describe one mesh with no chip-to-chip links " +
                "or board barrier, so a board cannot be exported: export the network on the board's chip file instead.");
        // SANA-FE's neurons send binary spikes: a value sent or a largest input taken would be another network there.
        var graded = network.Groups.FirstOrDefault(g => g.Neurons.Any(n => n.SomaAttributes.Any(a => SendsOrTakesValues(a.Key, a.Value))));
        if (graded is not null)
            throw new UserErrorException($"SANA-FE's files have no graded spikes, and group '{graded.Name}' of {network.Name} sends or takes values: " +
                "this network cannot be exported as it runs.");
        // SANA-FE's delaying dendrite, behind the soma's buffer as its Loihi has it, hands the soma a delayed charge only
        // when a later message reaches that neuron (docs/chip-simulation.md): the run there would be another one.
        if (network.Connections.Delay.IndexOfAnyExcept(0) is var delayed and >= 0)
            throw new UserErrorException($"{network.Name} has synaptic delays ({network.NeuronName(network.Connections.Pre[delayed])} -> " +
                $"{network.NeuronName(network.Connections.Post[delayed])} waits {network.Connections.Delay[delayed]} steps), which SANA-FE's accumulator_with_delay " +
                "does not run as the chip does: this network cannot be exported as it runs.");
        Engine.AtomicFile.Write(Path.Combine(directory, ArchitectureFile), stream =>
        {
            using var w = new StreamWriter(stream, leaveOpen: true);
            SanafeFileWriter.WriteArchitecture(architecture, w);
        });
        Engine.AtomicFile.Write(Path.Combine(directory, NetworkFile), stream =>
        {
            using var w = new StreamWriter(stream, leaveOpen: true);
            SanafeFileWriter.WriteNetwork(network, architecture, w);
        });
    }
}
