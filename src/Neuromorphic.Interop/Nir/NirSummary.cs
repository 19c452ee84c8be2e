using System.Globalization;
using System.Text;

namespace Neuromorphic.Interop.Nir;

/// <summary>A NIR graph as text: its nodes (type, shapes, parameter statistics), edges with the recurrent ones marked,
/// nested graphs indented. What `neuromorphic nir show` prints.</summary>
public static class NirSummary
{
    public static string Format(NirGraph graph)
    {
        var text = new StringBuilder();
        Append(text, graph, 0);
        return text.ToString().TrimEnd();
    }

    static void Append(StringBuilder text, NirGraph graph, int depth)
    {
        string indent = new(' ', 2 * depth);
        var recurrent = graph.RecurrentEdges().ToHashSet();
        text.AppendLine($"{indent}{graph.Nodes.Count} nodes, {graph.Edges.Count} edges ({recurrent.Count} recurrent)");
        foreach (var (key, value) in graph.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal))
            text.AppendLine($"{indent}metadata {key}: {value}");
        text.AppendLine($"{indent}nodes:");
        // Numbered nodes (Sinabs, Norse name layers 0, 1, ... 12) in number order, then the named ones.
        foreach (var (name, node) in graph.Nodes.OrderBy(n => int.TryParse(n.Key, out int i) ? i : int.MaxValue)
                     .ThenBy(n => n.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"{indent}  {name}: {node.Type}{Shapes(node)}{Settings(node)}");
            foreach (var (field, value) in node.Parameters)
                text.AppendLine($"{indent}    {field,-12} {Stats(value)}");
            if (node is NirGraph nested) Append(text, nested, depth + 2);
        }
        text.AppendLine($"{indent}edges:");
        foreach (var edge in graph.Edges)
            text.AppendLine($"{indent}  {edge.From} -> {edge.To}{(recurrent.Contains(edge) ? "  (recurrent)" : "")}");
    }

    static string Shapes(NirNode node)
    {
        string input = Dims(node.InputShape), output = Dims(node.OutputShape);
        return input == "?" && output == "?" ? "" : $"  in {input} -> out {output}";
    }

    static string Settings(NirNode node) => node switch
    {
        NirConvolution c => $"  stride {Dims(c.Stride)} padding {c.PaddingMode ?? Dims(c.Padding)} dilation {Dims(c.Dilation)} groups {c.Groups}",
        NirSumPool2d p => $"  kernel {Dims(p.KernelSize)} stride {Dims(p.Stride)} padding {Dims(p.Padding)}",
        NirAvgPool2d p => $"  kernel {Dims(p.KernelSize)} stride {Dims(p.Stride)} padding {Dims(p.Padding)}",
        NirFlatten f => $"  dims {f.StartDim}..{f.EndDim}",
        _ => "",
    };

    static string Dims(int[]? shape) => shape is null ? "?" : "(" + string.Join(", ", shape) + ")";

    static string Stats(NirTensor t) => t.Count == 1
        ? $"{t.ShapeText} {G(t.Data[0])}"
        : $"{t.ShapeText} min {G(t.Min)} mean {G(t.Mean)} max {G(t.Max)}";

    static string G(double x) => x.ToString("G4", CultureInfo.InvariantCulture);
}
