namespace Neuromorphic.Hardware.Cores;

/// <summary>Whether a mapped network's cores stay within the input axons a core accepts
/// (<see cref="ChipArchitecture.AxonsPerCore"/>). Core by core, a core takes one axon for each neuron whose spikes reach
/// it. A network runs as it was written: one whose neurons read more sources than a core has axons (and that was not
/// split over cores where it was written) needs more than the chip has; the run goes on, and says so.</summary>
public static class AxonLimit
{
    /// <summary>Null when every core fits (or the chip sets no limit); otherwise one sentence naming, group by group, the
    /// cores over the limit and the most axons one of them takes. A core is named by the groups it holds.</summary>
    public static string? Exceeded(ChipArchitecture arch, SpikingNetworkSpec network, IReadOnlyList<CoreActivity> cores)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(cores);
        if (arch.AxonsPerCore is not { } limit) return null;
        var over = cores.Where(c => c.AxonsIn > limit).ToArray();
        if (over.Length == 0) return null;

        // A core is named by the groups it holds, in network order ("hebb1+hebb1_maxpool" for a shared one).
        var groupsOn = new Dictionary<(int Tile, int Core), List<string>>();
        foreach (var group in network.Groups)
            foreach (var core in group.Neurons.Select(n => n.Placement).OfType<CorePlacement>().Select(p => (p.Tile, p.CoreOffset)).Distinct())
            {
                if (!groupsOn.TryGetValue(core, out var names)) groupsOn[core] = names = [];
                names.Add(group.Name);
            }
        var byGroup = over.GroupBy(c => groupsOn.TryGetValue((c.Tile, c.CoreOffset), out var names) ? string.Join('+', names) : "?")
            .Select(g => $"{g.Key}'s {g.Count():N0} (up to {g.Max(c => c.AxonsIn):N0})");
        return $"the network does not fit {arch.Name} as mapped: {over.Length:N0} of its {cores.Count:N0} cores {(over.Length == 1 ? "takes" : "take")} more input axons " +
               $"than a core has ({limit:N0}, the chip file's fan_in): {string.Join(", ", byGroup)}. The run is costed " +
               "as cores that have that many axons.";
    }
}
