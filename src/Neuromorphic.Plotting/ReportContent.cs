namespace Neuromorphic.Plotting;

/// <summary>Everything one HTML run report shows, as plain data.</summary>
/// <param name="Title">Page heading and &lt;title&gt;.</param>
/// <param name="Summary">Run facts in display order: config, seed, commit, start and end dates, ...</param>
/// <param name="Tables">Result tables, shown after the summary.</param>
/// <param name="Figures">Plots, shown after the tables.</param>
public sealed record ReportContent(
    string Title,
    IReadOnlyList<KeyValuePair<string, string>> Summary,
    IReadOnlyList<ReportTable> Tables,
    IReadOnlyList<ReportFigure> Figures);

/// <summary>A table of pre-formatted cells. Columns whose every cell reads as a number are right-aligned.</summary>
public sealed record ReportTable(string Caption, IReadOnlyList<string> Columns, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>A captioned figure: either PNG bytes or SVG markup, never both.</summary>
public sealed record ReportFigure
{
    public string Caption { get; }
    public byte[]? Png { get; }
    public string? Svg { get; }

    private ReportFigure(string caption, byte[]? png, string? svg)
    {
        ArgumentNullException.ThrowIfNull(caption);
        Caption = caption;
        Png = png;
        Svg = svg;
    }

    public static ReportFigure FromPng(string caption, byte[] png)
    {
        ArgumentNullException.ThrowIfNull(png);
        if (png.Length < 8 || !png.AsSpan(0, 8).SequenceEqual(PngSignature))
            throw new ArgumentException("The bytes are not a PNG image (bad signature).", nameof(png));
        return new ReportFigure(caption, png, null);
    }

    public static ReportFigure FromSvg(string caption, string svg)
    {
        if (string.IsNullOrWhiteSpace(svg) || !svg.Contains("<svg", StringComparison.Ordinal))
            throw new ArgumentException("The text is not SVG markup (no <svg> element).", nameof(svg));
        return new ReportFigure(caption, null, svg);
    }

    /// <summary>Renders a plot for the report; PNG unless <paramref name="asSvg"/>.</summary>
    public static ReportFigure FromPlot(string caption, OxyPlot.PlotModel model, bool asSvg = false, int width = 900, int height = 600) =>
        asSvg ? FromSvg(caption, PlotExport.ToSvg(model, width, height)) : FromPng(caption, PlotExport.ToPng(model, width, height));

    private static ReadOnlySpan<byte> PngSignature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
}
