using System.Numerics.Tensors;
using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// SoftHebb with soft anti-Hebbian updates ("softkrotov", mode 0, the presets' default):
/// s = softmax_k(t·u); the winner k* = argmax_k u keeps y = +s, every other neuron gets y = −s,
/// i.e. it is pushed away from the input in proportion to its own soft output (spec §2 step 2).
/// </summary>
public sealed class SoftKrotovRule : IWtaRule
{
    readonly ChannelArgmax _argmax = new();

    public string Name => "softkrotov";

    public void PostsynapticFactors(Tensor u, float inverseTemperature, Tensor y)
    {
        WtaRules.SoftmaxOverChannels(u, inverseTemperature, y);
        var (n, k, h, w) = u.Nchw;
        int plane = h * w;
        for (int i = 0; i < n; i++)
        {
            var image = y.Data.AsSpan(i * k * plane, k * plane);
            // Negate everything, then flip the single winner back: exactly one positive factor per position.
            TensorPrimitives.Negate(image, image);
            var winners = _argmax.Compute(u, i);
            for (int p = 0; p < plane; p++)
            {
                ref float v = ref image[winners[p] * plane + p];
                v = -v;
            }
        }
    }
}
