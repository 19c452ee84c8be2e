using System.Runtime.CompilerServices;
using Neuromorphic.Engine;

namespace Neuromorphic.Spiking;

/// <summary>A population of spiking neurons (LIF, CUBA) as a process: one input port per named input, its spikes out.</summary>
public sealed class PopulationProcess(string name, IReadOnlyList<string> inputs)
    : ProcessNode(name, inputs.Select(i => new PortSpec(i)).ToArray(), [new PortSpec("spikes")]);

/// <summary>One input port of a <see cref="PopulationActor"/>: the projections that the port's spike packets drive
/// (none for a pure clock/tick port). Several projections may share a port, e.g. the excitatory and inhibitory
/// synapses of one recurrent population.</summary>
public sealed record PopulationInput(string Name, IReadOnlyList<Projection> Projections)
{
    public PopulationInput(string name, params Projection[] projections) : this(name, (IReadOnlyList<Projection>)projections) { }
}

/// <summary>A population as an engine actor: a thin wrapper that, for each step, delivers the spike packets of its
/// input ports through their projections and calls <see cref="Population.Step"/>; it emits one
/// <see cref="SpikePacket"/> per step on its single output port "spikes" (TimeStep = the population's step number).
/// <para>Recurrent edges (<see cref="Network.ConnectRecurrent"/>) carry the previous step's packet, so the spikes of
/// step t arrive one step late; a synapse with delay d then lands at step t + d, which needs d ≥ 1. A forward edge
/// carries the same step's packet (lag 0), so d ≥ 0. Use <see cref="EmptyPacket"/> as the recurrent initial payload.</para>
/// <para>Work reported per step: SynapticAccumulates = synaptic events delivered (incl. lateral inhibition),
/// NeuronUpdates = population size, Spikes = spikes emitted. When the run's TraceRecorder watches this actor,
/// each spike is recorded (Sequence = step, time = modeled ns) and, with <see cref="RecordMembrane"/>, each watched
/// neuron's V after the step as an activation record (SampleId = the population's step number).</para></summary>
public sealed class PopulationActor : Actor
{
    private readonly PopulationInput[] inputs;
    private readonly int[] spikeBuffer;

    public PopulationActor(string name, Population population, IReadOnlyList<PopulationInput> inputs,
        int mailboxCapacity = 64)
        : base(name, inputs.Select(i => new PortSpec(i.Name)).ToArray(), [new PortSpec("spikes")], mailboxCapacity)
    {
        ArgumentNullException.ThrowIfNull(population);
        if (inputs.Count == 0) throw new ArgumentException("A population actor needs at least one input port (a clock at least).", nameof(inputs));
        Population = population;
        this.inputs = inputs.ToArray();
        foreach (var input in this.inputs)
            foreach (var projection in input.Projections)
            {
                if (projection.TargetCount != population.Size)
                    throw new ArgumentException($"Input '{input.Name}': projection targets {projection.TargetCount} neurons, population has {population.Size}.", nameof(inputs));
                population.EnsureMaxDelay(projection.MaxDelay);
            }
        spikeBuffer = new int[population.Size];
    }

    public Population Population { get; }

    /// <summary>Record membrane potentials of watched neurons (when traced). On by default.</summary>
    public bool RecordMembrane { get; init; } = true;

    /// <summary>A packet with no spikes, standing in for step −1 on recurrent edges.</summary>
    public static SpikePacket EmptyPacket => new(-1, [], 0, sequence: -1);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        long sequence = ctx.StepSequence ?? 0;
        long events = 0;
        for (int p = 0; p < inputs.Length; p++)
        {
            var projections = inputs[p].Projections;
            if (projections.Count == 0) continue;
            if (joined[p].Payload is not SpikePacket packet)
                throw new InvalidOperationException($"Population '{Name}' input '{inputs[p].Name}' expects SpikePackets, got {joined[p].Payload.GetType().Name}.");
            int lag = checked((int)(sequence - packet.Sequence));
            foreach (var projection in projections) events += projection.Deliver(packet.Active, Population, lag);
        }
        long step = Population.StepCount;
        int count = Population.Step(spikeBuffer);
        events += Population.LastLateralEvents;
        ctx.Count(new WorkCounts(SynapticAccumulates: events, NeuronUpdates: Population.Size, Spikes: count));
        ctx.Emit(0, new SpikePacket(step, count == 0 ? [] : spikeBuffer.AsSpan(0, count).ToArray(), count, sequence: sequence));

        if (ctx.Trace is { } trace) Record(trace, sequence, step, ctx.StartNs, count);
    }

    private void Record(ActorTrace trace, long sequence, long step, double timeNs, int count)
    {
        for (int s = 0; s < count; s++) trace.RecordSpike(sequence, timeNs, spikeBuffer[s]);
        if (!RecordMembrane) return;
        var v = Population.Membrane;
        if (trace.Selection.Neurons is { } watched)
        {
            foreach (int n in watched)
                if ((uint)n < (uint)v.Length) trace.RecordActivation(sequence, step, n, v[n]);
        }
        else
        {
            for (int n = 0; n < v.Length; n++) trace.RecordActivation(sequence, step, n, v[n]);
        }
    }
}

/// <summary>Sources of per-step spike packets that are not images.</summary>
public static class SpikeStreams
{
    /// <summary>One empty packet per step: the forward "tick" that drives a self-sustained (recurrent) population.</summary>
    public static IEnumerable<Payload> Clock(long steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        for (long s = 0; s < steps; s++) yield return new SpikePacket(s, [], 0, sequence: s);
    }

    /// <summary>Packets from an explicit list of (step, neuron) spikes, one packet per step for <paramref name="steps"/> steps.</summary>
    public static IEnumerable<Payload> FromSpikes(long steps, IEnumerable<(long Step, int Neuron)> spikes)
    {
        var byStep = spikes.GroupBy(x => x.Step).ToDictionary(g => g.Key, g => g.Select(x => x.Neuron).ToArray());
        for (long s = 0; s < steps; s++)
        {
            var n = byStep.GetValueOrDefault(s) ?? [];
            yield return new SpikePacket(s, n, n.Length);
        }
    }
}
