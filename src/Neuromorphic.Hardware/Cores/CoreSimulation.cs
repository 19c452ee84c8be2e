using System.Diagnostics;
using Neuromorphic.Engine;

namespace Neuromorphic.Hardware.Cores;

/// <summary>A network compiled onto a chip once and run many times with other soma attributes (one test image after
/// another, each from rest): compiling the synapse tables is most of a short run's time.</summary>
public sealed class CompiledChip
{
    private readonly MappedChip chip;

    private CompiledChip(MappedChip chip) => this.chip = chip;

    public static CompiledChip Build(ChipArchitecture architecture, SpikingNetworkSpec network, int seed = 1) =>
        new(MappedChip.Build(architecture, network, seed));

    /// <summary>A chip for runs beside this one's (one test image each, on another thread): it shares this one's compiled
    /// tables and holds only its own neurons' state, so that side-by-side runs of a large network take little more memory
    /// than one.</summary>
    public CompiledChip WithOwnNeurons(int seed = 1) => new(chip.WithOwnNeurons(seed));

    /// <summary>Runs <paramref name="network"/>: the network built, with other soma attributes, from its initial state.</summary>
    public Task<CoreRunResult> RunAsync(SpikingNetworkSpec network, CoreSimulationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Steps < 1 || options.Steps > CoreSimulation.MaxSteps)
            throw new ArgumentOutOfRangeException(nameof(options), $"steps must be 1 to {CoreSimulation.MaxSteps}; {options.Steps} was given");
        long started = Stopwatch.GetTimestamp();
        chip.Load(network, options.Seed);
        return CoreSimulation.RunAsync(chip, options, started, cancellationToken);
    }
}

/// <summary>A mapped core (<paramref name="index"/> among the mapped cores): the step's tick and the messages it takes
/// in; its report to the mesh and the messages it sends. <paramref name="senders"/>: the cores that send to it (mapped
/// index and core), in core order. <paramref name="routed"/>: one inbox from the routers and one outbox to them, else
/// an edge from each sender and to each destination.</summary>
internal sealed class CoreProcess(MappedCore core, int index, (int Index, MappedCore Core)[] senders, bool routed)
    : ProcessNode($"core {core.Tile.Id}.{core.Spec.Offset}",
        [new PortSpec("step"), .. routed ? [new PortSpec("inbox")] : senders.Select(s => new PortSpec($"from {s.Core.Tile.Id}.{s.Core.Spec.Offset}"))],
        [new PortSpec("mesh"), .. routed ? [new PortSpec("outbox")] : core.DestCores.Select(d => new PortSpec($"to core #{d}"))])
{
    public MappedCore Core => core;
    public int Index => index;
    public (int Index, MappedCore Core)[] Senders => senders;
    public bool Routed => routed;
}

/// <summary>The network-on-chip's delivery: every core's outbox in, every core's inbox out.</summary>
internal sealed class RouterProcess(MappedChip chip) : ProcessNode("routers",
    chip.Cores.Select(c => new PortSpec($"from {c.Tile.Id}.{c.Spec.Offset}")).ToArray(),
    chip.Cores.Select(c => new PortSpec($"to {c.Tile.Id}.{c.Spec.Offset}")).ToArray());

/// <summary>The network-on-chip: one input per mapped core, whose reports time each step.</summary>
internal sealed class MeshProcess(MappedChip chip) : ProcessNode("mesh", chip.Cores.Select(c => new PortSpec($"from {c.Tile.Id}.{c.Spec.Offset}")).ToArray(), []);

/// <summary>How a core-by-core run goes: steps to simulate, the timing model, the seed of stochastic inputs, and
/// optionally a stream for one line per message (messages.csv, UTF-8; large) and a progress callback (steps done).</summary>
public sealed record CoreSimulationOptions(
    long Steps,
    TimingModel Timing = TimingModel.Detailed,
    int Seed = 1,
    Stream? MessageTrace = null,
    IProgress<long>? Progress = null);

/// <summary>Runs a network mapped on a chip as a discrete-event simulation of the chip itself: every core that holds
/// neurons is an engine actor, cores exchange spike messages over recurrent edges or through the routers' actor (a
/// message sent in step t is processed in step t and reaches the somas in step t + 1, as on Loihi), and a mesh actor
/// times each step from the messages the cores report. Results do not depend on thread count: each actor's work is
/// sequential and the engine joins inputs in port order.</summary>
public static class CoreSimulation
{
    /// <summary>The most steps one run may take (about 2.8 hours of Loihi time at 1 ms a step).</summary>
    public const long MaxSteps = 10_000_000;

    public static async Task<CoreRunResult> RunAsync(ChipArchitecture architecture, SpikingNetworkSpec network,
        CoreSimulationOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Steps < 1 || options.Steps > MaxSteps)
            throw new ArgumentOutOfRangeException(nameof(options), $"steps must be 1 to {MaxSteps}; {options.Steps} was given");
        long started = Stopwatch.GetTimestamp();
        var chip = MappedChip.Build(architecture, network, options.Seed);
        return await RunAsync(chip, options, started, cancellationToken).ConfigureAwait(false);
    }

    internal static async Task<CoreRunResult> RunAsync(MappedChip chip, CoreSimulationOptions options, long started, CancellationToken cancellationToken)
    {
        var architecture = chip.Architecture;
        long steps = options.Steps;

        MeshActor? mesh = null;
        SourceActor? clock = null;
        var graph = (chip.Description ??= Describe(chip)).Build(process => process switch
        {
            InputProcess p => clock = new SourceActor(p.Name, Ticks(steps)),
            CoreProcess p => new CoreActor(p),
            RouterProcess p => new RouterActor(p, chip),
            MeshProcess p => mesh = new MeshActor(p, chip, options.Timing, steps, options.MessageTrace, options.Progress),
            _ => throw new NotSupportedException($"{process} is not part of a chip."),
        }, new NoModeledLatency());
        RunReport report;
        try { report = await graph.RunAsync(options.Seed, cancellationToken).ConfigureAwait(false); }
        finally { mesh?.FlushTrace(); } // what a failed or cancelled run traced is kept, as far as it went

        var perf = mesh!.Perf;
        // A run that ended short without an error would report part of a run as the whole; say so instead. (Seen in CI
        // runs under load, 832 and 938 of 1,000 steps, until the engine's sources stopped taking a post that completed
        // late for the end of their stream: FailureTests.A_stream_behind_full_lanes_arrives_whole.)
        if (perf.Count != steps)
        {
            var blocks = report.Actors.Where(a => a.Key != mesh.Name && a.Key != clock!.Name).Select(a => a.Value.Blocks).DefaultIfEmpty(0).ToArray();
            throw new InvalidOperationException($"The run of {chip.Network.Name} on {architecture.Name} ended after {perf.Count:N0} of {steps:N0} " +
                $"steps without an error (the clock sent {report.Actors[clock!.Name].EventsOut:N0} ticks; the cores ran {blocks.Min():N0} to " +
                $"{blocks.Max():N0} and the mesh {report.Actors[mesh.Name].Blocks:N0}); its results would be incomplete.");
        }
        var summary = new CoreRunSummary(
            perf.Count,
            perf.Sum(s => s.SynapticEvents),
            perf.Sum(s => s.Messages),
            perf.Sum(s => s.Updated),
            perf.Sum(s => s.Fired),
            perf.Sum(s => s.Latency),
            perf.Sum(s => s.SynapseEnergy),
            perf.Sum(s => s.DendriteEnergy),
            perf.Sum(s => s.SomaEnergy),
            perf.Sum(s => s.NetworkEnergy),
            chip.StaticPowerW * perf.Sum(s => s.Latency));
        return new CoreRunResult(summary, perf, mesh.Spikes, mesh.PotentialNeurons, mesh.Potentials, mesh.Activity(), mesh.Routers(),
            Stopwatch.GetElapsedTime(started))
        {
            StaticPowerW = chip.StaticPowerW, Chips = chip.ChipsInUse, CurrentNeurons = mesh.CurrentNeurons, Currents = mesh.Currents,
        };
    }

    /// <summary>Where cores send to more than this many others on average, their messages go through the routers' actor.
    /// An edge per pair of cores that talk costs the engine an event per pair and step, mostly empty: 26.6 a core on
    /// TrueNorth's CIFAR-10 network, which ran 2.2x faster through the routers. The routers join every core each step,
    /// though, so a core no longer runs steps ahead of the others while its inputs allow: the DVS network on Loihi (9.3
    /// a core) ran 25-35 % slower through them on one thread (docs/results.md).</summary>
    internal const double RoutedAbovePerCore = 16;

    /// <summary>The chip as a process graph: a clock ticks every core; each core sends its messages, over recurrent edges
    /// (a message of step t is taken in at step t + 1), to each core it reaches or through the routers
    /// (<see cref="RoutedAbovePerCore"/>, or as <paramref name="routed"/> says), and reports each step to the mesh.</summary>
    internal static ProcessGraph Describe(MappedChip chip, bool? routed = null)
    {
        var graph = new ProcessGraph();
        var clock = graph.Add(new InputProcess("clock"));
        var senders = chip.Cores.Select(_ => new List<(int, MappedCore)>()).ToArray();
        for (int c = 0; c < chip.Cores.Length; c++)
            foreach (int d in chip.Cores[c].DestCores) senders[d].Add((c, chip.Cores[c]));
        bool throughRouters = routed ?? chip.Cores.Sum(c => (long)c.DestCores.Length) > RoutedAbovePerCore * chip.Cores.Length;
        var cores = chip.Cores.Select((core, c) => graph.Add(new CoreProcess(core, c, senders[c].ToArray(), throughRouters))).ToArray();
        var mesh = graph.Add(new MeshProcess(chip));
        var routers = throughRouters ? graph.Add(new RouterProcess(chip)) : null;
        for (int c = 0; c < cores.Length; c++)
        {
            graph.Connect(clock, 0, cores[c], 0);
            graph.Connect(cores[c], 0, mesh, c);
            if (routers is not null)
            {
                graph.Connect(cores[c], 1, routers, c);
                graph.ConnectRecurrent(routers, c, cores[c], 1, Inbox.None);
                continue;
            }
            var dests = chip.Cores[c].DestCores;
            for (int p = 0; p < dests.Length; p++)
                graph.ConnectRecurrent(cores[c], p + 1, cores[dests[p]], senders[dests[p]].FindIndex(s => s.Item1 == c) + 1, Inbox.None);
        }
        return graph;
    }

    private static IEnumerable<Payload> Ticks(long steps)
    {
        for (long b = 0; b <= steps; b++) yield return new StepTick(b, b == steps);
    }

    /// <summary>The chip's time is the mesh's to model; the engine's own per-actor clocks stay at zero.</summary>
    private sealed class NoModeledLatency : ICostModel
    {
        public double LatencyNs(string actorName, in WorkCounts work, long bytesOut) => 0;
    }
}
