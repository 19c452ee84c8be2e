namespace Neuromorphic.Plotting;

/// <summary>Argument checks shared by the plot functions; each names the argument that is wrong.</summary>
internal static class PlotInput
{
    public static void NotEmpty<T>(IReadOnlyCollection<T>? items, string paramName)
    {
        ArgumentNullException.ThrowIfNull(items, paramName);
        if (items.Count == 0) throw new ArgumentException("At least one item is required.", paramName);
    }

    public static void Finite(ReadOnlySpan<double> values, string paramName)
    {
        for (int i = 0; i < values.Length; i++)
            if (!double.IsFinite(values[i]))
                throw new ArgumentException($"Value at index {i} is {values[i]}; only finite values can be plotted.", paramName);
    }

    public static void Finite(double value, string paramName)
    {
        if (!double.IsFinite(value))
            throw new ArgumentException($"Value is {value}; only finite values can be plotted.", paramName);
    }

    public static void Positive(ReadOnlySpan<double> values, string paramName, string why)
    {
        for (int i = 0; i < values.Length; i++)
            if (!(values[i] > 0))
                throw new ArgumentException($"Value at index {i} is {values[i]}; {why}.", paramName);
    }

    public static void SameLength(int expected, int actual, string paramName, string what)
    {
        if (expected != actual)
            throw new ArgumentException($"Length {actual} does not match {what} ({expected}).", paramName);
    }

    public static void Label(string? label, string paramName)
    {
        if (string.IsNullOrWhiteSpace(label)) throw new ArgumentException("A non-empty label is required.", paramName);
    }
}
