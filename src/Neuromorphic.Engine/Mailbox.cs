using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Neuromorphic.Engine;

/// <summary>An actor's inbox: one channel shared by all input ports, with back-pressure per port.
/// Each forward port owns <c>capacity</c> credits; a writer takes one before writing and the actor gives it
/// back when the join consumes the event. Per-port credits (rather than one bounded channel) matter for
/// joins: a fast branch can fill its own lane but never the slow branch's, so the join cannot starve.
/// Recurrent ports take no credits: what circulates in a cycle is already bounded by the cycle's own join
/// (an actor cannot run more than one step ahead of its feedback), and a blocking write inside a cycle
/// could deadlock.</summary>
internal sealed class Mailbox
{
    private readonly Channel<Event> channel = Channel.CreateUnbounded<Event>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly SemaphoreSlim?[] credits;

    public Mailbox(int capacity, IReadOnlyList<bool> recurrentPorts)
    {
        credits = new SemaphoreSlim?[recurrentPorts.Count];
        for (int p = 0; p < credits.Length; p++)
            credits[p] = recurrentPorts[p] ? null : new SemaphoreSlim(capacity, capacity);
    }

    public ChannelReader<Event> Reader => channel.Reader;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public ValueTask PostAsync(Event ev, CancellationToken ct)
    {
        var lane = credits[ev.TargetPort];
        if (lane is null || lane.Wait(0))
        {
            channel.Writer.TryWrite(ev); // unbounded: always succeeds
            return ValueTask.CompletedTask;
        }
        return WaitForCreditAsync(lane, ev, ct);
    }

    private async ValueTask WaitForCreditAsync(SemaphoreSlim lane, Event ev, CancellationToken ct)
    {
        await lane.WaitAsync(ct).ConfigureAwait(false);
        channel.Writer.TryWrite(ev);
    }

    public void ReturnCredit(int port) => credits[port]?.Release();
}
