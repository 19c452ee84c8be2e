using Neuromorphic.Learning;

namespace Neuromorphic.Spiking.Tests;

[CollectionDefinition(nameof(SpikingTracesAllocationTests), DisableParallelization = true)]
public sealed class SpikingTracesAllocationCollection;

/// <summary>Runs alone (no other test allocates meanwhile), so the process-wide allocation count is this test's.</summary>
[Collection(nameof(SpikingTracesAllocationTests))]
public class SpikingTracesAllocationTests
{
    [Fact]
    public async Task RecordingOneImageForFiveStepsAllocatesInProportionToItsSpikes()
    {
        // 8 maps of 28×28 = 6272 neurons for 5 steps: at most 31 360 spike records per run (24 bytes each, well under
        // 1 MB), three engine runs. RecordAsync watches with Capacity 1 << 24 and the trace's two ring buffers are
        // allocated up front: 2 × 16.7 M × 24 bytes ≈ 800 MB per run, 2.4 GB per call, whatever the layer's size.
        var cfg = new SoftHebbConv2dConfig(1, 8, 5, 2, InverseTemperature: 1, LearningRate: 0.01f,
            LearningRatePower: 0.5f, TrianglePower: 1f, Pool: "max_4_2_1");
        var conv = new SoftHebbConv2d(cfg, new Random(31));
        var readout = new LinearReadout(8 * 14 * 14, 10, 0f, new Random(33));
        var net = SpikingSoftHebbNetwork.Convert([conv], readout, 1, 28, 28, TestData.Train(20),
            new SpikingConversionOptions { BatchSize = 5, CalibrationImages = 10 });
        var test = TestData.Test(4);
        // Warm up (JIT, engine statics) before measuring.
        await SpikingSoftHebb.EvaluateAsync(net, test, [5], cancellationToken: TestContext.Current.CancellationToken);

        long before = GC.GetTotalAllocatedBytes(precise: true);
        var traces = await SpikingTraces.RecordAsync(net, test, 1, 0, 5, [SpikeInputEncoding.Regular, SpikeInputEncoding.Poisson],
            RasterNeurons.ByRate(50), cancellationToken: TestContext.Current.CancellationToken);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.NotEmpty(traces.Rasters[0].Steps);
        Assert.True(allocated < 256L << 20, $"RecordAsync allocated {allocated / (1 << 20)} MB for one image of 5 steps");
    }
}
