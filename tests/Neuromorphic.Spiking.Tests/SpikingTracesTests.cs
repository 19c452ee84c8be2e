using Neuromorphic.Datasets;
using Neuromorphic.Engine;
using Neuromorphic.Learning;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Spiking.Tests;

public class SpikingTracesTests
{
    private const int Image = 3;
    private const int Steps = 20;

    /// <summary>One 5×5 conv block of 8 maps on 28×28 MNIST with max pooling to 14×14, converted as in
    /// <see cref="SpikingSoftHebbTests"/> (random weights, random BN statistics).</summary>
    private static SpikingSoftHebbNetwork Network(float power)
    {
        var cfg = new SoftHebbConv2dConfig(1, 8, 5, 2, InverseTemperature: 1, LearningRate: 0.01f,
            LearningRatePower: 0.5f, TrianglePower: power, Pool: "max_4_2_1");
        var conv = new SoftHebbConv2d(cfg, new Random(31));
        var rng = new Random(32);
        conv.Norm.RunningMean[0] = (float)(0.1 + 0.3 * rng.NextDouble());
        conv.Norm.RunningVar[0] = (float)(0.05 + 0.2 * rng.NextDouble());
        var readout = new LinearReadout(8 * 14 * 14, 10, 0f, new Random(33));
        return SpikingSoftHebbNetwork.Convert([conv], readout, 1, 28, 28, TestData.Train(20),
            new SpikingConversionOptions { BatchSize = 5, CalibrationImages = 10 });
    }

    private static Task<SpikingTraces> Record(SpikingSoftHebbNetwork net, IImageSource test, RasterNeurons selection, int membranes = 3) =>
        SpikingTraces.RecordAsync(net, test, Image, 0, Steps, [SpikeInputEncoding.Regular, SpikeInputEncoding.Poisson], selection, membranes, seed: 1,
            cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>Layer 0's spikes of image <see cref="Image"/> as (step 1..T, neuron), from a plain traced run.</summary>
    private static async Task<List<(int Step, int Neuron)>> DirectSpikes(SpikingSoftHebbNetwork net, IImageSource test, SpikeInputEncoding encoding)
    {
        var recorder = new TraceRecorder();
        recorder.Watch(new TraceSelection(SoftHebbGraph.LayerName(0), Capacity: 1 << 20));
        await SpikingSoftHebb.EvaluateAsync(net, new SubsetImageSource(test, [Image]), [Steps], encoding, seed: 1, trace: recorder,
            cancellationToken: TestContext.Current.CancellationToken);
        var trace = recorder.For(SoftHebbGraph.LayerName(0))!;
        Assert.Equal(0, trace.DroppedSpikes);
        return trace.Spikes.Select(s => ((int)s.Sequence + 1, s.Neuron)).ToList();
    }

    private static List<(int Step, int Neuron)> RasterSpikes(LayerRaster raster) =>
        raster.Steps.Select((s, i) => (s, raster.Neurons[raster.Rows[i]])).ToList();

    private static List<(int, int)> Sorted(IEnumerable<(int Step, int Neuron)> spikes) =>
        spikes.OrderBy(s => s.Step).ThenBy(s => s.Neuron).Select(s => (s.Step, s.Neuron)).ToList();

    [Fact]
    public async Task AllNeuronRastersHoldExactlyTheSpikesOfADirectTracedRun()
    {
        var test = TestData.Test(12);
        var net = Network(0.7f);
        var traces = await Record(net, test, RasterNeurons.All);
        Assert.Equal(0, traces.Layer);
        Assert.Equal(Image, traces.TestImage);
        Assert.Equal(test.GetLabel(Image), traces.Label);
        Assert.Equal(Steps, traces.Steps);
        Assert.Equal((8, 28, 28), (traces.FeatureMaps, traces.Height, traces.Width));
        Assert.Equal(2, traces.Rasters.Count);
        Assert.Equal("regular", traces.Rasters[0].Encoding);
        Assert.Equal("poisson", traces.Rasters[1].Encoding);

        var regular = await DirectSpikes(net, test, SpikeInputEncoding.Regular);
        var poisson = await DirectSpikes(net, test, SpikeInputEncoding.Poisson);
        Assert.NotEmpty(regular);
        Assert.NotEmpty(poisson);
        foreach (var raster in traces.Rasters)
        {
            Assert.Equal(Enumerable.Range(0, 8 * 28 * 28), raster.Neurons);
            Assert.Equal(raster.Steps.Length, raster.Rows.Length);
            Assert.All(raster.Steps, s => Assert.InRange(s, 1, Steps));
        }
        Assert.Equal(Sorted(regular), Sorted(RasterSpikes(traces.Rasters[0])));
        Assert.Equal(Sorted(poisson), Sorted(RasterSpikes(traces.Rasters[1])));
    }

    [Fact]
    public async Task ByRateRastersCountEachChosenNeuronsSpikesAsTheDirectRunDoesAndShareRows()
    {
        var test = TestData.Test(12);
        var net = Network(0.7f);
        var traces = await Record(net, test, RasterNeurons.ByRate(40));
        var direct = (await DirectSpikes(net, test, SpikeInputEncoding.Regular)).GroupBy(s => s.Neuron).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(direct.Count > 40, $"only {direct.Count} neurons spiked");

        var regular = traces.Rasters[0];
        Assert.Equal(40, regular.Neurons.Length);
        Assert.Equal(regular.Neurons.Length, regular.Neurons.Distinct().Count());
        // The Poisson raster draws the same neurons in the same rows.
        Assert.Equal(regular.Neurons, traces.Rasters[1].Neurons);
        Assert.Equal(regular.RowsDescription, traces.Rasters[1].RowsDescription);
        // Every chosen neuron spiked; each row holds exactly that neuron's spikes of the direct run; sparsest at the bottom.
        var rowCounts = regular.Rows.GroupBy(r => r).ToDictionary(g => g.Key, g => g.Count());
        for (int r = 0; r < regular.Neurons.Length; r++)
        {
            Assert.True(direct.ContainsKey(regular.Neurons[r]), $"row {r}: neuron {regular.Neurons[r]} never spiked");
            Assert.Equal(direct[regular.Neurons[r]], rowCounts.GetValueOrDefault(r));
            if (r > 0) Assert.True(rowCounts[r - 1] <= rowCounts[r], $"rows {r - 1}, {r}: counts {rowCounts[r - 1]} > {rowCounts[r]}");
        }
        // The sparsest and the busiest active neurons are both drawn (the spread's two ends).
        Assert.Equal(direct.Values.Min(), rowCounts[0]);
        Assert.Equal(direct.Values.Max(), rowCounts[39]);
        Assert.All(traces.Rasters[1].Rows, r => Assert.InRange(r, 0, 39));
    }

    [Fact]
    public async Task MembraneTracesFireExactlyWhenTheyReachAHalf()
    {
        var test = TestData.Test(12);
        var net = Network(0.7f);
        var traces = await Record(net, test, RasterNeurons.ByRate(40));
        Assert.Equal(3, traces.Membranes.Count);
        var raster = traces.Rasters[0];
        foreach (var m in traces.Membranes)
        {
            Assert.Equal(Steps, m.Values.Length);
            Assert.Equal(m.Neuron, m.FeatureMap * 28 * 28 + m.Y * 28 + m.X);
            Assert.Contains(m.Neuron, raster.Neurons);
            // The membrane run repeats the regular run: the same spikes as the raster's row of this neuron.
            int row = Array.IndexOf(raster.Neurons, m.Neuron);
            Assert.Equal(raster.Steps.Where((_, i) => raster.Rows[i] == row).Order(), m.SpikeSteps.Order());
            Assert.NotEmpty(m.SpikeSteps);
            for (int t = 1; t <= Steps; t++)
            {
                if (m.SpikeSteps.Contains(t)) Assert.True(m.Values[t - 1] >= 0.5f, $"neuron {m.Neuron} fired at {t} with membrane {m.Values[t - 1]}");
                else Assert.True(m.Values[t - 1] < 0.5f, $"neuron {m.Neuron} silent at {t} with membrane {m.Values[t - 1]}");
            }
        }
    }

    [Fact]
    public async Task IfMembraneTracesRiseByTheInputCurrentAndDropByOneAfterASpike()
    {
        // P = 1: the membrane (in units of Λ) is S/Λ − n, so value(t) − value(t−1) = I_t/Λ − [fired at t−1], with I_t
        // the input current of step t, computed here from the same regular input spikes through InputCurrent.
        var test = TestData.Test(12);
        var net = Network(1f);
        var layer = net.Layers[0];
        Assert.Equal(1f, layer.Power);
        var traces = await Record(net, test, RasterNeurons.ByRate(40));
        Assert.NotEmpty(traces.Membranes);

        var pixels = new float[28 * 28];
        test.CopyBatch([Image], pixels);
        var membrane = Enumerable.Repeat(0.5f, pixels.Length).ToArray();
        var spikes = new float[pixels.Length];
        var currents = new float[Steps][];
        for (int t = 0; t < Steps; t++)
        {
            SpikingInput.RegularStep(pixels, membrane, spikes);
            currents[t] = new float[layer.Neurons];
            layer.InputCurrent(spikes, currents[t]);
        }
        foreach (var m in traces.Membranes)
        {
            double previous = 0;
            for (int t = 1; t <= Steps; t++)
            {
                double expected = previous + currents[t - 1][m.Neuron] / layer.Scale - (m.SpikeSteps.Contains(t - 1) ? 1 : 0);
                Assert.True(Math.Abs(m.Values[t - 1] - expected) < 1e-4,
                    $"neuron {m.Neuron} step {t}: membrane {m.Values[t - 1]}, expected {expected} (from {previous})");
                previous = m.Values[t - 1];
            }
            Assert.True(m.SpikeSteps.Length >= 1);
        }
    }

    [Fact]
    public async Task RecordingTwiceGivesIdenticalTraces()
    {
        var test = TestData.Test(12);
        var net = Network(0.7f);
        var a = await Record(net, test, RasterNeurons.MostActive(30));
        var b = await Record(net, test, RasterNeurons.MostActive(30));
        var c = await Record(Network(0.7f), test, RasterNeurons.MostActive(30));
        foreach (var other in new[] { b, c })
        {
            Assert.Equal(a.Rasters.Count, other.Rasters.Count);
            for (int i = 0; i < a.Rasters.Count; i++)
            {
                Assert.Equal(a.Rasters[i].Encoding, other.Rasters[i].Encoding);
                Assert.Equal(a.Rasters[i].Neurons, other.Rasters[i].Neurons);
                Assert.Equal(a.Rasters[i].Steps, other.Rasters[i].Steps);
                Assert.Equal(a.Rasters[i].Rows, other.Rasters[i].Rows);
                Assert.Equal(a.Rasters[i].RowsDescription, other.Rasters[i].RowsDescription);
            }
            Assert.Equal(a.Membranes.Count, other.Membranes.Count);
            for (int i = 0; i < a.Membranes.Count; i++)
            {
                Assert.Equal(a.Membranes[i].Neuron, other.Membranes[i].Neuron);
                Assert.Equal(a.Membranes[i].Values, other.Membranes[i].Values);
                Assert.Equal(a.Membranes[i].SpikeSteps, other.Membranes[i].SpikeSteps);
            }
        }
        Assert.NotEmpty(a.Rasters[0].Steps);
    }

    [Fact]
    public async Task RecordRejectsABadLayerAndNoEncodings()
    {
        var test = TestData.Test(12);
        var net = Network(1f);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            SpikingTraces.RecordAsync(net, test, Image, 1, Steps, [SpikeInputEncoding.Regular], RasterNeurons.All));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            SpikingTraces.RecordAsync(net, test, Image, -1, Steps, [SpikeInputEncoding.Regular], RasterNeurons.All));
        await Assert.ThrowsAsync<ArgumentException>(() =>
            SpikingTraces.RecordAsync(net, test, Image, 0, Steps, [], RasterNeurons.All));
    }
}
