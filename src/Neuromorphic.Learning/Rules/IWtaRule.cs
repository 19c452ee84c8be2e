using System.Buffers;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// A winner-take-all rule: turns the pre-activations u (N, K, H, W) of a layer into the
/// post-synaptic factors y (same shape) that weight the Hebbian update Δw = y (x − u w)
/// (spec §2 steps 1–2). The competition is over the K channels, independently at every (n, h, w).
/// Instances keep small scratch buffers: one instance per layer, not thread-safe.
/// </summary>
public interface IWtaRule
{
    /// <summary>The preset name of the rule: "soft", "softkrotov" or "hard".</summary>
    string Name { get; }

    /// <summary>Writes y into <paramref name="y"/> (same shape as <paramref name="u"/>, a separate tensor).</summary>
    void PostsynapticFactors(Tensor u, float inverseTemperature, Tensor y);
}

/// <summary>Creates rules from their preset names.</summary>
public static class WtaRules
{
    public static IReadOnlyList<string> Names { get; } = ["soft", "softkrotov", "hard"];

    public static IWtaRule Create(string name) => name switch
    {
        "soft" => new SoftWtaRule(),
        "softkrotov" => new SoftKrotovRule(),
        "hard" => new HardWtaRule(),
        _ => throw new ArgumentException($"Unknown plasticity rule '{name}'; expected one of {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>y = softmax over channels of t·u. A 1x1 image (a linear layer) is a row softmax of the (N, K) matrix.</summary>
    internal static void SoftmaxOverChannels(Tensor u, float inverseTemperature, Tensor y)
    {
        var (n, k, h, w) = u.Nchw;
        if (y.Shape.Length != 4 || !y.Shape.AsSpan().SequenceEqual(u.Shape))
            throw new ArgumentException($"'y' must have the shape of u {u}, but it is {y}.", nameof(y));
        if (ReferenceEquals(u.Data, y.Data))
            throw new ArgumentException("'y' must not share its array with 'u'.", nameof(y));
        if (h * w == 1) Softmax.OverRows(u.Data.AsSpan(0, u.Length), n, k, inverseTemperature, y.Data.AsSpan(0, y.Length));
        else Softmax.OverChannels(u, inverseTemperature, y);
    }
}

/// <summary>
/// Index of the largest channel at every position of one image (ties go to the lowest index,
/// NaN never wins). Shared by the anti-Hebbian and hard rules.
/// </summary>
internal static class ChannelArgmax
{
    /// <summary>Fills <paramref name="index"/> (H·W long) with the winner of every position of image <paramref name="image"/>;
    /// <paramref name="best"/> is scratch of the same length. Callers may run different images on different threads.</summary>
    public static void Compute(Tensor u, int image, Span<float> best, Span<int> index)
    {
        var (_, k, h, w) = u.Nchw;
        int plane = h * w;
        best = best[..plane];
        index = index[..plane];
        int baseOffset = image * k * plane;
        u.Data.AsSpan(baseOffset, plane).CopyTo(best);
        index.Clear();
        int vectorEnd = Vector512.IsHardwareAccelerated ? plane - plane % 16 : 0;
        for (int ch = 1; ch < k; ch++)
        {
            var row = u.Data.AsSpan(baseOffset + ch * plane, plane);
            // Strict > keeps ties on the lowest index, and NaN never compares greater, so it never wins.
            ref float pr = ref MemoryMarshal.GetReference(row);
            ref float pb = ref MemoryMarshal.GetReference(best);
            ref int pi = ref MemoryMarshal.GetReference(index);
            var chv = Vector512.Create(ch);
            for (int p = 0; p < vectorEnd; p += 16)
            {
                var r = Vector512.LoadUnsafe(ref pr, (nuint)p);
                var b = Vector512.LoadUnsafe(ref pb, (nuint)p);
                var gt = Vector512.GreaterThan(r, b);
                Vector512.ConditionalSelect(gt, r, b).StoreUnsafe(ref pb, (nuint)p);
                Vector512.ConditionalSelect(gt.AsInt32(), chv, Vector512.LoadUnsafe(ref pi, (nuint)p)).StoreUnsafe(ref pi, (nuint)p);
            }
            for (int p = vectorEnd; p < plane; p++)
                if (row[p] > best[p]) { best[p] = row[p]; index[p] = ch; }
        }
    }

    /// <summary>Runs <paramref name="perImage"/>(image, winners) for every image, images in parallel, each with its own scratch.</summary>
    public static void ForEachImage(Tensor u, Action<int, ReadOnlySpan<int>> perImage)
    {
        var (n, k, h, w) = u.Nchw;
        int plane = h * w;
        KernelParallel.For(n, (long)n * k * plane, i =>
        {
            float[] best = ArrayPool<float>.Shared.Rent(plane);
            int[] index = ArrayPool<int>.Shared.Rent(plane);
            Compute(u, i, best, index);
            perImage(i, index.AsSpan(0, plane));
            ArrayPool<float>.Shared.Return(best);
            ArrayPool<int>.Shared.Return(index);
        });
    }
}
