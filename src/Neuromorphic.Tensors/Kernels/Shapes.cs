namespace Neuromorphic.Tensors;

/// <summary>
/// Up-front shape checks shared by the kernels. Every failure is an ArgumentException that names
/// the argument, what was expected and what was found, so a wrong wiring fails at the call,
/// not as an IndexOutOfRange deep in a loop.
/// </summary>
static class Shapes
{
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    public static void NotNull(Tensor? t, string name)
    {
        if (t is null) throw new ArgumentNullException(name);
    }

    /// <summary>Requires a 4-D NCHW tensor and returns its sizes.</summary>
    public static (int N, int C, int H, int W) Nchw(Tensor? t, string name)
    {
        NotNull(t, name);
        if (t!.Rank != 4)
            throw new ArgumentException($"'{name}' must be a 4-D NCHW tensor, but its shape is {Format(t.Shape)}.", name);
        return (t.Shape[0], t.Shape[1], t.Shape[2], t.Shape[3]);
    }

    /// <summary>Requires a 4-D NCHW input and an output of the same shape that is the input itself or a separate
    /// buffer (<see cref="SameOrDisjoint"/>); returns the sizes. The checks of a kernel that maps x to y in place or not.</summary>
    public static (int N, int C, int H, int W) NchwInOut(Tensor? x, string xName, Tensor? y, string yName)
    {
        var (n, c, h, w) = Nchw(x, xName);
        Exactly(y, yName, n, c, h, w);
        SameOrDisjoint(x!, xName, y!, yName);
        return (n, c, h, w);
    }

    /// <summary>Requires exactly the given shape.</summary>
    public static void Exactly(Tensor? t, string name, params int[] expected)
    {
        NotNull(t, name);
        if (!t!.Shape.AsSpan().SequenceEqual(expected))
            throw new ArgumentException($"'{name}' must have shape {Format(expected)}, but its shape is {Format(t.Shape)}.", name);
    }

    public static void Positive(int value, string name)
    {
        if (value <= 0) throw new ArgumentException($"'{name}' must be >= 1, but it is {value}.", name);
    }

    public static void NonNegative(int value, string name)
    {
        if (value < 0) throw new ArgumentException($"'{name}' must be >= 0, but it is {value}.", name);
    }

    /// <summary>Input and output may be the same tensor, but must not partly overlap: they never can with
    /// separate Tensor objects unless they share the array, which we forbid except for exact aliasing.</summary>
    public static void SameOrDisjoint(Tensor x, string xName, Tensor y, string yName)
    {
        if (!ReferenceEquals(x, y) && ReferenceEquals(x.Data, y.Data))
            throw new ArgumentException($"'{yName}' shares its array with '{xName}' without being the same tensor; pass the same tensor for in-place use or a separate buffer.", yName);
    }

    public static void Distinct(Tensor x, string xName, Tensor y, string yName)
    {
        if (ReferenceEquals(x.Data, y.Data))
            throw new ArgumentException($"'{yName}' must not share its array with '{xName}' (this kernel cannot run in place).", yName);
    }
}
