using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// SoftHebb with soft anti-Hebbian updates ("softkrotov", mode 0, the presets' default):
/// s = softmax_k(t·u); the winner k* = argmax_k u keeps y = +s, every other neuron gets y = −s,
/// i.e. it is pushed away from the input in proportion to its own soft output (spec §2 step 2).
/// </summary>
public sealed class SoftKrotovRule : IWtaRule
{
    public string Name => "softkrotov";

    public void PostsynapticFactors(Tensor u, float inverseTemperature, Tensor y)
    {
        WtaRules.SoftmaxOverChannels(u, inverseTemperature, y);
        var (_, k, h, w) = u.Nchw;
        int plane = h * w;
        ChannelArgmax.ForEachImage(u, (i, winners) =>
        {
            var image = y.Data.AsSpan(i * k * plane, k * plane);
            // y = −s everywhere except the single winner of each position, which keeps +s.
            int vectorEnd = Vector512.IsHardwareAccelerated ? plane - plane % 16 : 0;
            ref int pw = ref MemoryMarshal.GetReference(winners);
            for (int ch = 0; ch < k; ch++)
            {
                var row = image.Slice(ch * plane, plane);
                ref float py = ref MemoryMarshal.GetReference(row);
                var chv = Vector512.Create(ch);
                for (int p = 0; p < vectorEnd; p += 16)
                {
                    var v = Vector512.LoadUnsafe(ref py, (nuint)p);
                    var win = Vector512.Equals(Vector512.LoadUnsafe(ref pw, (nuint)p), chv).AsSingle();
                    Vector512.ConditionalSelect(win, v, -v).StoreUnsafe(ref py, (nuint)p);
                }
                for (int p = vectorEnd; p < plane; p++)
                    if (winners[p] != ch) row[p] = -row[p];
            }
        });
    }
}
