using Neuromorphic.Engine;

namespace Neuromorphic.Engine.Tests;

public class BackPressureTests
{
    [Fact]
    public async Task A_stalled_consumer_bounds_how_far_the_source_reads_ahead()
    {
        const int capacity = 2;
        int produced = 0;
        IEnumerable<Payload> Endless()
        {
            for (long k = 0; ; k++)
            {
                Interlocked.Increment(ref produced);
                yield return Blocks.Of(k);
            }
        }

        var net = new Network();
        using var gate = new ManualResetEventSlim(false);
        var src = net.Add(new SourceActor("src", Endless()));
        var relay = net.Add(new MapActor("relay", x => x, capacity: capacity));
        var stalled = net.Add(new MapActor("stalled", x => x, (_, ctx) => gate.Wait(ctx.CancellationToken), capacity: capacity));
        var sink = net.Add(new Collector().Sink());
        net.Connect(src, 0, relay, 0);
        net.Connect(relay, 0, stalled, 0);
        net.Connect(stalled, 0, sink, 0);

        using var cts = new CancellationTokenSource();
        var run = net.RunAsync(1, cts.Token);
        // 'stalled' holds one block in its handler and `capacity` in its lane; 'relay' holds one it cannot send
        // and `capacity` in its lane; the source holds the one it cannot send.
        const int full = (capacity + 1) * 2 + 1;
        Assert.True(await Task.Run(() => Wait.Until(() => Volatile.Read(ref produced) >= full, TimeSpan.FromSeconds(5))),
            $"the source never filled the lanes ({full} blocks) within 5 s");
        await Task.Delay(500);
        int settled = Volatile.Read(ref produced);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Equal(full, settled); // reached, and no further: without back-pressure it would keep growing
    }
}
