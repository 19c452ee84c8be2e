using System.Diagnostics;
using Neuromorphic.Engine;

namespace Neuromorphic.Engine.Tests;

public class FailureTests
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(10); // a hang fails with TimeoutException instead of blocking the suite

    private static FixedLatencyCostModel SourceEvery5Ns() => new(new() { ["src"] = 5 });

    [Fact]
    public async Task An_actor_throwing_on_its_fifth_block_stops_the_run_and_names_itself_and_the_event()
    {
        var boom = new InvalidOperationException("boom");
        long thrownAt = 0;
        var net = new Network(SourceEvery5Ns());
        var src = net.Add(new SourceActor("src", Blocks.Counting(1000)));
        var thrower = net.Add(new MapActor("thrower", x => x, (seq, _) =>
        {
            if (seq != 4) return;
            thrownAt = Stopwatch.GetTimestamp();
            throw boom;
        }));
        var sink = net.Add(new Collector().Sink());
        net.Connect(src, 0, thrower, 0);
        net.Connect(thrower, 0, sink, 0);

        var ex = await Assert.ThrowsAsync<ActorFailedException>(() => net.RunAsync(1).WaitAsync(Hang));

        Assert.True(Stopwatch.GetElapsedTime(thrownAt) < Prompt);
        Assert.Same(boom, ex.InnerException);
        Assert.Equal("thrower", ex.ActorName);
        Assert.Equal(new Event("src", 0, 25, ex.FailedEvent!.Value.Payload), ex.FailedEvent);
        Assert.Contains("'thrower'", ex.Message);
        Assert.Contains("sequence 4 from 'src' on port 0 at t=25 ns", ex.Message);
        Assert.Contains("boom", ex.Message);
    }

    [Fact]
    public async Task A_failure_while_upstream_actors_are_blocked_on_its_full_mailbox_still_ends_promptly()
    {
        int produced = 0;
        IEnumerable<Payload> Counted()
        {
            foreach (var block in Blocks.Counting(100_000))
            {
                Interlocked.Increment(ref produced);
                yield return block;
            }
        }

        long thrownAt = 0;
        int producedAtThrow = 0;
        bool filled = false;
        var net = new Network();
        var src = net.Add(new SourceActor("src", Counted()));
        var relay = net.Add(new MapActor("relay", x => x, capacity: 1));
        var thrower = net.Add(new MapActor("thrower", x => x, (seq, _) =>
        {
            if (seq != 4) return;
            // Wait until src and relay have filled every lane (9 is the most back-pressure allows); they are now blocked.
            filled = Wait.Until(() => Volatile.Read(ref produced) >= 9, TimeSpan.FromSeconds(5));
            Thread.Sleep(100);
            producedAtThrow = Volatile.Read(ref produced);
            thrownAt = Stopwatch.GetTimestamp();
            throw new ArithmeticException("late boom");
        }, capacity: 1));
        var sink = net.Add(new Collector().Sink());
        net.Connect(src, 0, relay, 0);
        net.Connect(relay, 0, thrower, 0);
        net.Connect(thrower, 0, sink, 0);

        var ex = await Assert.ThrowsAsync<ActorFailedException>(() => net.RunAsync(1).WaitAsync(Hang));

        Assert.True(filled, "src and relay never filled the lanes within 5 s");
        Assert.True(Stopwatch.GetElapsedTime(thrownAt) < Prompt);
        Assert.Equal("thrower", ex.ActorName);
        Assert.IsType<ArithmeticException>(ex.InnerException);
        // Blocks 0-4 reached the thrower; then one waits in its lane, one in relay's hands, one in relay's lane,
        // and one in the source's hands: the source was blocked, not finished (it had 100 000 to give).
        Assert.Equal(9, producedAtThrow);
    }

    [Fact]
    public async Task A_source_whose_stream_throws_fails_the_run()
    {
        IEnumerable<Payload> Broken()
        {
            yield return Blocks.Of(1);
            throw new IOException("disk gone");
        }

        var net = new Network();
        var src = net.Add(new SourceActor("src", Broken()));
        var sink = net.Add(new Collector().Sink());
        net.Connect(src, 0, sink, 0);

        var ex = await Assert.ThrowsAsync<ActorFailedException>(() => net.RunAsync(1).WaitAsync(Hang));

        Assert.Equal("src", ex.ActorName);
        Assert.IsType<IOException>(ex.InnerException);
    }

    [Fact]
    public async Task A_stream_behind_full_lanes_arrives_whole()
    {
        // Every post waits for a one-event lane that a consumer on another thread frees, so a post can complete between
        // the sender's look at it and the next: the engine once took that for the end of the stream (the source) or of
        // the mailbox (an actor), and a run ended short without an error (a chip run after 832 of 1,000 steps). Many
        // runs at once, more threads than cores, make the senders lose the processor in that gap now and then.
        const int items = 5000, together = 16;
        async Task<int> OneRun(int seed)
        {
            var net = new Network();
            var src = net.Add(new SourceActor("src", Enumerable.Range(0, items).Select(k => (Payload)Blocks.Of(k, k))));
            var relay = net.Add(new MapActor("relay", x => x, capacity: 1));
            var collector = new Collector();
            var sink = net.Add(collector.Sink(capacity: 1));
            net.Connect(src, 0, relay, 0);
            net.Connect(relay, 0, sink, 0);
            await net.RunAsync(seed).WaitAsync(Hang);
            return collector.Events.Count;
        }
        for (int round = 0; round < 5; round++)
        {
            var counts = await Task.WhenAll(Enumerable.Range(0, together).Select(r => Task.Run(() => OneRun(round * together + r))));
            Assert.All(counts, count => Assert.Equal(items, count));
        }
    }

    [Fact]
    public async Task Cancelling_the_token_during_a_long_run_ends_it_promptly()
    {
        IEnumerable<Payload> Endless()
        {
            for (long k = 0; ; k++) yield return Blocks.Of(k, k, k, k);
        }

        var net = new Network();
        var src = net.Add(new SourceActor("src", Endless()));
        var busy = net.Add(new MapActor("busy", x => x * 0.5f, (_, _) => Thread.SpinWait(2000)));
        var relay = net.Add(new MapActor("relay", x => x));
        var sink = net.Add(new Collector().Sink());
        net.Connect(src, 0, busy, 0);
        net.Connect(busy, 0, relay, 0);
        net.Connect(relay, 0, sink, 0);

        using var cts = new CancellationTokenSource();
        var run = net.RunAsync(1, cts.Token);
        await Task.Delay(300);
        Assert.False(run.IsCompleted);
        long cancelledAt = Stopwatch.GetTimestamp();
        cts.Cancel();

        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Hang));

        Assert.True(Stopwatch.GetElapsedTime(cancelledAt) < Prompt);
        Assert.Equal(cts.Token, ex.CancellationToken);
    }
}
