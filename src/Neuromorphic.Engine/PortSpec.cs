namespace Neuromorphic.Engine;

/// <summary>Declares one input or output port of an actor. <paramref name="SampleShape"/>, when given, is the
/// per-sample shape (batch dimension excluded) of the dense blocks the port carries; the graph checks that
/// both ends of an edge agree when both declare one, and emits on an output port are checked against it.</summary>
public sealed record PortSpec(string Name, int[]? SampleShape = null)
{
    public static PortSpec[] Numbered(string prefix, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var ports = new PortSpec[count];
        for (int i = 0; i < count; i++) ports[i] = new PortSpec(count == 1 ? prefix : $"{prefix}{i}");
        return ports;
    }

    internal string Describe(int index) => $"{index} ('{Name}')";

    internal static string ShapeText(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
