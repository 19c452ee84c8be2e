using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Neuromorphic.Tensors;

/// <summary>
/// Half → float conversion for the cached features, 16 values per step with integer and float vector operations:
/// the exponent-and-mantissa bits shifted into float position and multiplied by 2^112 give every finite half
/// (subnormals and zero included) exactly; all-ones exponents (infinities, NaN) are rebuilt with the float's
/// all-ones exponent; the sign goes back on last. Exact for every one of the 65,536 halves, and several times
/// the speed of the library's generic conversion here.
/// </summary>
public static class HalfConversion
{
    public static void ToSingle(ReadOnlySpan<Half> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
            throw new ArgumentException($"'{nameof(destination)}' must hold {source.Length} values, but it holds {destination.Length}.", nameof(destination));
        if (!Vector512.IsHardwareAccelerated)
        {
            TensorPrimitives.ConvertToSingle(source, destination);
            return;
        }
        var bits = MemoryMarshal.Cast<Half, ushort>(source);
        ref ushort s0 = ref MemoryMarshal.GetReference(bits);
        ref float d0 = ref MemoryMarshal.GetReference(destination);
        var magnitude = Vector512.Create(0x7FFFu);
        var infinity = Vector512.Create(0x7C00u);
        var floatExponent = Vector512.Create(0x7F800000u);
        var scale = Vector512.Create(5.192297e33f); // 2^112: moves the half's exponent bias (15) to the float's (127)
        int i = 0;
        for (; i <= bits.Length - 16; i += 16)
        {
            var h = Vector512.WidenLower(Vector256.LoadUnsafe(ref s0, (nuint)i).ToVector512Unsafe());
            var m = h & magnitude;
            var finite = (Vector512.ShiftLeft(m, 13).AsSingle() * scale).AsUInt32();
            var special = Vector512.ShiftLeft(m, 13) | floatExponent;
            var value = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(m, infinity), special, finite);
            (value | Vector512.ShiftLeft(h & Vector512.Create(0x8000u), 16)).AsSingle().StoreUnsafe(ref d0, (nuint)i);
        }
        if (i < bits.Length) TensorPrimitives.ConvertToSingle(source.Slice(i), destination.Slice(i));
    }
}
