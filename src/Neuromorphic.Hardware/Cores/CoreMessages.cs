using System.Runtime.CompilerServices;
using Neuromorphic.Engine;

namespace Neuromorphic.Hardware.Cores;

/// <summary>One step of the chip's clock: block b processes the messages of step b and then updates the neurons for
/// step b + 1. The last block (b = steps) only drains the messages of the last step.</summary>
internal sealed record StepTick(long Block, bool DrainOnly) : DataPayload
{
    public override long SizeInBytes() => 0;
}

/// <summary>The spike messages one core sends in one step, grouped by destination in the order of its
/// <see cref="MappedCore.DestCores"/> (destination j's run ends at <c>Ends[j]</c>): the input axon each one targets
/// there, in the order the sender's neurons fired, and on a chip with graded spikes each one's payload (null: binary
/// spikes, each worth 1).</summary>
internal sealed record Outbox(int[] Ends, int[] Axons, double[]? Payloads) : DataPayload
{
    public static readonly Outbox None = new([], [], null);
    /// <summary>An axon address per message (4 bytes), as a chip's packet carries, and a payload where there is one.</summary>
    public override long SizeInBytes() => (Payloads is null ? 4L : 12L) * Axons.Length;
}

/// <summary>The messages one core takes in at a step, as the network-on-chip delivers them: grouped by sending core in
/// core order (<c>Senders[k]</c>, a mapped core index, sent the run that ends at <c>Ends[k]</c>), each group in the
/// order it was sent; payloads as in <see cref="Outbox"/> (1 for a binary spike).</summary>
internal sealed record Inbox(int[] Senders, int[] Ends, int[] Axons, double[]? Payloads) : DataPayload
{
    public static readonly Inbox None = new([], [], [], null);
    public override long SizeInBytes() => (Payloads is null ? 4L : 12L) * Axons.Length + 4L * Senders.Length;
}

/// <summary>What a core tells the mesh about one block: the costs of the messages it received (step b) and of the
/// neurons it updated (step b + 1), with each message it sent and the delays that time it. The mesh is its only
/// reader: the arrays of sent messages and potentials are rented from the shared pools and the mesh returns them
/// once it has read them, so a long run does not feed the garbage collector millions of short-lived arrays.</summary>
internal sealed record CoreReport : DataPayload
{
    public required int Core { get; init; }
    /// <summary>The messages of step b processed here: hops, synaptic events, synapse, dendrite and network (in) energy.</summary>
    public required StepPerf Received { get; init; }
    public long MessagesIn { get; init; }
    /// <summary>The neurons of step b + 1: updated, fired, messages sent, soma, forced dendrite and network (out) energy.</summary>
    public required StepPerf Neurons { get; init; }
    /// <summary>Messages sent, in order, ending with a placeholder (destination -1) for work after the last one;
    /// the first <see cref="SentCount"/> entries of a rented array.</summary>
    public required SentMessage[] Sent { get; init; }
    public int SentCount { get; init; }
    /// <summary>Global ids of traced neurons that fired.</summary>
    public required int[] SpikesLogged { get; init; }
    /// <summary>The potentials of the neurons that log them, then the input currents of those that log theirs, each in
    /// the core's neuron order (a rented array, possibly longer).</summary>
    public required double[] Traced { get; init; }

    public override long SizeInBytes() => 64 + SentCount * (long)Unsafe.SizeOf<SentMessage>();
}

/// <summary>A message as the sender knows it: who sent it, where to (mapped core index, -1 for a placeholder, and the
/// sender's port to it, an index in its <see cref="MappedCore.DestCores"/>), the sender's work before it left
/// (generation delay) and the receiver's work on it (processing delay).</summary>
internal readonly record struct SentMessage(int Neuron, int DestCore, int Port, int Synapses, double GenerationDelay, double ProcessingDelay); // the ints first: 32 bytes
