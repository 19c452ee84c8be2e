using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// Hard winner-take-all baseline ("hard", the paper's Hard-WTA): y is the one-hot code of
/// argmax_k u at every position; the temperature plays no part (spec §5, 4HardCnnCIFAR).
/// </summary>
public sealed class HardWtaRule : IWtaRule
{
    public string Name => "hard";

    public void PostsynapticFactors(Tensor u, float inverseTemperature, Tensor y)
    {
        var (n, k, h, w) = u.Nchw;
        if (!y.Shape.AsSpan().SequenceEqual(u.Shape))
            throw new ArgumentException($"'y' must have the shape of u {u}, but it is {y}.", nameof(y));
        int plane = h * w;
        y.Span.Clear();
        ChannelArgmax.ForEachImage(u, (i, winners) =>
        {
            int baseOffset = i * k * plane;
            for (int p = 0; p < plane; p++) y.Data[baseOffset + winners[p] * plane + p] = 1f;
        });
    }
}
