using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace Neuromorphic.Engine;

/// <summary>The work an actor did for one block, reported through <see cref="ActorContext.Count"/>.
/// Event-driven synaptic accumulates (one add per incoming spike per synapse) are kept apart from dense
/// multiply-accumulates because neuromorphic chips pay very different energy for the two. Read back from a run file,
/// every count must be present: a missing one is a damaged file, not a zero.</summary>
public readonly record struct WorkCounts(
    [property: JsonRequired] long DenseMacs = 0,
    [property: JsonRequired] long SynapticAccumulates = 0,
    [property: JsonRequired] long NeuronUpdates = 0,
    [property: JsonRequired] long WeightUpdates = 0,
    [property: JsonRequired] long Spikes = 0,
    [property: JsonRequired] long NonZeroActivations = 0,
    long LearningMacs = 0)
{
    // LearningMacs: of DenseMacs, those the plasticity update did. A chip's learning engine does that work (its cost per
    // weight update covers it), so it is kept apart; not required when read back, since files from before it was
    // counted hold no such field, and 0 is what their inference passes did.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static WorkCounts operator +(in WorkCounts a, in WorkCounts b) => new(
        a.DenseMacs + b.DenseMacs,
        a.SynapticAccumulates + b.SynapticAccumulates,
        a.NeuronUpdates + b.NeuronUpdates,
        a.WeightUpdates + b.WeightUpdates,
        a.Spikes + b.Spikes,
        a.NonZeroActivations + b.NonZeroActivations,
        a.LearningMacs + b.LearningMacs);

    /// <summary>True when no work of any kind was counted.</summary>
    internal bool IsNone => (DenseMacs | SynapticAccumulates | NeuronUpdates | WeightUpdates | Spikes | NonZeroActivations | LearningMacs) == 0;
}

/// <summary>Turns the work of one block into modeled latency. The hardware model plugs chips in here.</summary>
public interface ICostModel
{
    /// <summary>Modeled nanoseconds the actor is busy for one block: finite and not negative.</summary>
    double LatencyNs(string actorName, in WorkCounts work, long bytesOut);
}

/// <summary>A stand-in until real chip models exist: one core that does every operation serially.
/// The constants are round placeholder numbers, not measurements of any chip:
/// 0.01 ns per dense MAC (100 GMAC/s), 0.005 ns per synaptic accumulate, 0.05 ns per neuron update,
/// 0.02 ns per weight update, 0.01 ns per output byte (100 GB/s), and 20 ns fixed per block.</summary>
public sealed class DefaultCostModel : ICostModel
{
    public double NsPerDenseMac { get; init; } = 0.01;
    public double NsPerSynapticAccumulate { get; init; } = 0.005;
    public double NsPerNeuronUpdate { get; init; } = 0.05;
    public double NsPerWeightUpdate { get; init; } = 0.02;
    public double NsPerByteOut { get; init; } = 0.01;
    public double NsPerBlock { get; init; } = 20;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double LatencyNs(string actorName, in WorkCounts work, long bytesOut) =>
        NsPerBlock
        + work.DenseMacs * NsPerDenseMac
        + work.SynapticAccumulates * NsPerSynapticAccumulate
        + work.NeuronUpdates * NsPerNeuronUpdate
        + work.WeightUpdates * NsPerWeightUpdate
        + bytesOut * NsPerByteOut;
}
