using Neuromorphic.Hardware;

namespace Neuromorphic.Hardware.Tests;

/// <summary>A made-up chip small enough to compute everything by hand.</summary>
internal static class TinyChip
{
    // 4 cores on a 2 x 2 mesh, one core per router:
    //   core 0 (0,0)  core 1 (1,0)
    //   core 2 (0,1)  core 3 (1,1)
    public const string Yaml = """
        format: 1
        chip:
          name: Tiny
          process: 10 nm
          clock: none
          static_power: 1 mW
          execution: event-driven
          message_bits: 32
        cores:
          count: 4
          per_router: 1
          mesh_width: 2
          mesh_height: 2
        core_limits:
          neurons: 4
          synapse_memory: 48 bit
          fan_in: 8
          fan_out: 8
          weight_bits: 4
          weight_sharing: false
          learning:
            supported: true
            kind: hebbian
        energy:
          synaptic_op: 2 pJ
          neuron_active: 10 pJ
          neuron_idle: 1 pJ
          weight_update: 5 pJ
          spike_local: 3 pJ
          spike_hop: 7 pJ
        latency:
          synaptic_op: 1 ns
          neuron_active: 2 ns
          neuron_idle: 1 ns
          weight_update: 4 ns
          spike_local: 3 ns
          spike_hop: 5 ns
        timestep:
          sync: barrier
          barrier: 10 ns
        """;

    public static ChipModel Load(string yaml = Yaml) => ChipModelLoader.Parse(yaml, "tiny.yaml");

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Neuromorphic.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Neuromorphic.sln not found above " + AppContext.BaseDirectory);
    }

    public static string ModelsFolder() => Path.Combine(RepoRoot(), "hardware-models");
}
