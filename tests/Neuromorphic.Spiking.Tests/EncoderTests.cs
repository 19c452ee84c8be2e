using Neuromorphic.Engine;

namespace Neuromorphic.Spiking.Tests;

public class EncoderTests
{
    private static List<SpikePacket> Packets(IEnumerable<Payload> items) => items.OfType<SpikePacket>().ToList();

    [Fact]
    public void Poisson_counts_are_within_four_sigma_of_the_mean()
    {
        const int steps = 100_000;
        float[] pixels = [0, 0.05f, 0.5f, 1f];
        var schedule = new PresentationSchedule(0.1, steps * 0.1, FlushAfterSample: false);
        var encoder = new PoissonEncoder(schedule, maxRateHz: 100, seed: 7);
        var packets = Packets(encoder.EncodeImage(pixels));
        Assert.Equal(steps, packets.Count);
        for (int j = 0; j < pixels.Length; j++)
        {
            double p = pixels[j] * 100 * 0.1 / 1000;
            long count = packets.Sum(k => k.Active.ToArray().Count(n => n == j));
            double mean = steps * p, sigma = Math.Sqrt(steps * p * (1 - p));
            if (p == 0) Assert.Equal(0, count);
            else Assert.True(Math.Abs(count - mean) <= 4 * sigma, $"pixel {j}: {count} spikes, expected {mean} ± {4 * sigma}");
        }
        // Per-step independence, coarsely: no pixel fires twice in one step, and the packets are in step order.
        Assert.All(packets, k => Assert.Equal(k.Count, k.Active.ToArray().Distinct().Count()));
        Assert.Equal(Enumerable.Range(0, steps).Select(s => (long)s), packets.Select(k => k.TimeStep));
    }

    [Fact]
    public void Poisson_interspike_intervals_have_the_geometric_mean()
    {
        const int steps = 400_000;
        var encoder = new PoissonEncoder(new PresentationSchedule(0.1, steps * 0.1, FlushAfterSample: false), 50, seed: 3);
        var times = Packets(encoder.EncodeImage([1f])).Where(k => k.Count > 0).Select(k => k.TimeStep).ToArray();
        double p = 50 * 0.1 / 1000;
        var gaps = times.Zip(times.Skip(1), (a, b) => (double)(b - a)).ToArray();
        double mean = gaps.Average(), sd = Math.Sqrt((1 - p) / (p * p) / gaps.Length);
        Assert.True(Math.Abs(mean - 1 / p) < 4 * sd, $"mean gap {mean}, expected {1 / p} ± {4 * sd}");
    }

    [Fact]
    public void Regular_rate_is_exact_and_evenly_spaced()
    {
        const int steps = 10_000;
        var encoder = new RegularRateEncoder(new PresentationSchedule(0.1, steps * 0.1, FlushAfterSample: false), maxRateHz: 100);
        var packets = Packets(encoder.EncodeImage([0.5f, 0.3f, 0f, 1f]));
        int[] Times(int j) => packets.Where(k => k.Active.ToArray().Contains(j)).Select(k => (int)k.TimeStep).ToArray();
        Assert.Equal(Enumerable.Range(1, 50).Select(k => k * 200 - 1), Times(0)); // p = 0.005: every 200 steps
        Assert.Equal(30, Times(1).Length);                                         // p = 0.003: ⌊10000·0.003⌋
        Assert.Empty(Times(2));
        Assert.Equal(100, Times(3).Length);
        Assert.All(Times(3).Zip(Times(3).Skip(1), (a, b) => b - a), gap => Assert.Equal(100, gap));
    }

    [Fact]
    public void Time_to_first_spike_fires_brighter_pixels_earlier_and_each_at_most_once()
    {
        var encoder = new TtfsEncoder(new PresentationSchedule(1, 100, FlushAfterSample: false));
        float[] pixels = [0.2f, 1f, 0f, 0.7f, 0.21f, 0.5f];
        var first = new Dictionary<int, long>();
        foreach (var packet in Packets(encoder.EncodeImage(pixels)))
            foreach (int n in packet.Active)
                Assert.True(first.TryAdd(n, packet.TimeStep), $"pixel {n} fired twice");
        Assert.False(first.ContainsKey(2));
        Assert.Equal(0, first[1]);
        var order = first.OrderBy(kv => kv.Value).Select(kv => kv.Key).ToArray();
        Assert.Equal([1, 3, 5, 4, 0], order);
        Assert.True(first[4] < first[0]); // 0.21 vs 0.2 differ by more than one step of the 100-step window
    }

    [Fact]
    public void Schedule_adds_rest_steps_and_a_flush_per_sample_and_steps_continue_across_samples()
    {
        var encoder = new RegularRateEncoder(new PresentationSchedule(0.5, 10, RestMs: 5), maxRateHz: 1000);
        var items = encoder.Encode(new float[] { 1, 0, 0, 1, 1, 0 }, pixelsPerImage: 3).ToList();
        Assert.Equal(2 * (20 + 10 + 1), items.Count);
        Assert.Equal(2, items.OfType<Control>().Count(c => c.Kind == ControlKind.Flush));
        Assert.Equal(Enumerable.Range(0, 60).Select(s => (long)s), items.OfType<SpikePacket>().Select(p => p.TimeStep));
        Assert.All(items.OfType<SpikePacket>().Where(p => p.TimeStep % 30 >= 20), p => Assert.Equal(0, p.Count));
    }

    [Fact]
    public void Pixels_outside_the_unit_interval_are_refused()
    {
        var encoder = new PoissonEncoder(new PresentationSchedule(1, 10), 10, 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.EncodeImage([0.5f, 1.5f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => encoder.EncodeImage([float.NaN]));
    }
}
