using Neuromorphic.Tensors;

namespace Neuromorphic.Spiking.Tests;

public class WatchedMembraneTests
{
    /// <summary>1×1 kernel, one input channel, two output channels with weights +¾ and −¾, a 1×2 input, BN mean 0 and
    /// σ = 1 (eps 0), Λ = 2, P = 1. The channel mean of the weights is 0, so the lateral inhibition subtracts nothing
    /// and the bias is 0: an input event of value 1 at pixel x gives neuron (k 0, x) a current of +¾ and (k 1, x) −¾.
    /// Channels-first indices: 0 = (k 0, x 0), 1 = (k 0, x 1), 2 = (k 1, x 0), 3 = (k 1, x 1).</summary>
    private static SpikingConvLayer TinyLayer() =>
        new([0.75f, -0.75f], 2, 1, 1, 1, 2, 0, PaddingMode.Reflect, [0f], [1f], 0f, 1f, null, 1f, 2f, 1);

    [Fact]
    public void MembraneOfAnIfNeuronUnderConstantInputFollowsTheHandComputation()
    {
        var layer = TinyLayer();
        Assert.Equal(1f, layer.Power);
        Assert.Equal(4, layer.Neurons);
        layer.WatchedNeurons = [2, 1, 0, 3];
        layer.RecordFirstImage = true;
        // Pixel 0 gets an event of value 1 every step, pixel 1 none. Neuron 0 integrates S/Λ = 0.375 per step;
        // before firing its membrane is S/Λ − n, it fires when that reaches ½, and n then grows by one:
        // t 1: 0.375        t 2: 0.75 fire  t 3: 1.125−1 = 0.125  t 4: 1.5−1 = 0.5 fire  t 5: 1.875−2 = −0.125
        // t 6: 2.25−2 = 0.25 t 7: 2.625−2 = 0.625 fire  t 8: 3−3 = 0  t 9: 3.375−3 = 0.375  t 10: 3.75−3 = 0.75 fire
        float[] expected = [0.375f, 0.75f, 0.125f, 0.5f, -0.125f, 0.25f, 0.625f, 0f, 0.375f, 0.75f];
        bool[] fires = [false, true, false, true, false, false, true, false, false, true];
        var output = new float[layer.OutputLength];
        for (int t = 1; t <= 10; t++)
        {
            Array.Clear(output);
            layer.Step([1f, 0f], 1, output);
            var m = layer.WatchedMembranes.ToArray();
            Assert.Equal(4, m.Length);
            Assert.Equal(-0.375f * t, m[0]);          // neuron 2: (k 1, x 0), current −¾, never fires
            Assert.Equal(0f, m[1]);                   // neuron 1: (k 0, x 1), no input
            Assert.Equal(expected[t - 1], m[2]);      // neuron 0: the sawtooth above
            Assert.Equal(0f, m[3]);                   // neuron 3: (k 1, x 1), no input
            // The layer's spikes are exactly the crossings of ½.
            Assert.Equal(fires[t - 1] ? [0] : Array.Empty<int>(), layer.FirstImageSpikes.ToArray());
            Assert.Equal(fires[t - 1] ? 1f : 0f, output[0]);
            Assert.Equal(0f, output[1]);
            Assert.Equal(0f, output[2]);
            Assert.Equal(0f, output[3]);
        }
        Assert.Equal(4f, layer.SpikeCount(0, 0, 0, 0));
        Assert.Equal(0f, layer.SpikeCount(0, 1, 0, 0));
    }

    [Fact]
    public void MembranesStartOverAfterReset()
    {
        var layer = TinyLayer();
        layer.WatchedNeurons = [0];
        var output = new float[layer.OutputLength];
        for (int t = 0; t < 3; t++)
        {
            Array.Clear(output);
            layer.Step([1f, 0f], 1, output);
        }
        Assert.Equal(0.125f, layer.WatchedMembranes[0]);
        layer.Reset();
        Array.Clear(output);
        layer.Step([1f, 0f], 1, output);
        Assert.Equal(0.375f, layer.WatchedMembranes[0]);
        Assert.Equal(0f, output[0]);
    }

    [Fact]
    public void WatchingOnlyImageZeroOfABatch()
    {
        // Two images: image 0 gets no input, image 1 a constant event at pixel 0; the watched membrane is image 0's.
        var layer = new SpikingConvLayer([0.75f, -0.75f], 2, 1, 1, 1, 2, 0, PaddingMode.Reflect, [0f], [1f], 0f, 1f, null, 1f, 2f, 2);
        layer.WatchedNeurons = [0];
        var output = new float[2 * layer.OutputLength];
        for (int t = 0; t < 2; t++)
        {
            Array.Clear(output);
            layer.Step([0f, 0f, 1f, 0f], 2, output);
            Assert.Equal(0f, layer.WatchedMembranes[0]);
        }
        Assert.Equal(1f, layer.SpikeCount(1, 0, 0, 0));
    }

    [Fact]
    public void WatchedNeuronsOutOfRangeThrow()
    {
        var layer = TinyLayer();
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.WatchedNeurons = [4]);
        Assert.Throws<ArgumentOutOfRangeException>(() => layer.WatchedNeurons = [0, -1]);
        Assert.Throws<ArgumentNullException>(() => layer.WatchedNeurons = null!);
        // A rejected value leaves the watch as it was.
        Assert.Empty(layer.WatchedNeurons);
        Assert.Equal(0, layer.WatchedMembranes.Length);
        layer.WatchedNeurons = [3];
        Assert.Equal([3], layer.WatchedNeurons);
        Assert.Equal(1, layer.WatchedMembranes.Length);
    }
}
