using Neuromorphic.Engine;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;

namespace Neuromorphic.Plotting;

/// <summary>
/// One self-contained HTML page per run: inline CSS, PNGs as data URIs, SVG inline, nothing fetched from
/// elsewhere, so the file can be archived or mailed and still open offline. All text is HTML-escaped.
/// </summary>
public static partial class HtmlReport
{
    public static string Render(ReportContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        PlotInput.Label(content.Title, nameof(content));
        ArgumentNullException.ThrowIfNull(content.Summary, nameof(content));
        ArgumentNullException.ThrowIfNull(content.Tables, nameof(content));
        ArgumentNullException.ThrowIfNull(content.Figures, nameof(content));

        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Escape(content.Title)).Append("</title>\n")
            .Append("<style>\n").Append(Css).Append("</style>\n</head>\n<body>\n")
            .Append("<h1>").Append(Escape(content.Title)).Append("</h1>\n");

        if (content.Summary.Count > 0)
        {
            html.Append("<section class=\"summary\">\n<h2>Run</h2>\n<dl>\n");
            foreach (var (key, value) in content.Summary)
                html.Append("<dt>").Append(Escape(key)).Append("</dt><dd>").Append(Escape(value)).Append("</dd>\n");
            html.Append("</dl>\n</section>\n");
        }

        foreach (var table in content.Tables) AppendTable(html, table);

        foreach (var figure in content.Figures)
        {
            ArgumentNullException.ThrowIfNull(figure, nameof(content));
            html.Append("<figure>\n");
            if (figure.Png is { } png)
                html.Append("<img src=\"data:image/png;base64,").Append(Convert.ToBase64String(png))
                    .Append("\" alt=\"").Append(Escape(figure.Caption)).Append("\">\n");
            else
                html.Append(InlineSvg(figure.Svg!)).Append('\n');
            html.Append("<figcaption>").Append(Escape(figure.Caption)).Append("</figcaption>\n</figure>\n");
        }

        html.Append("</body>\n</html>\n");
        return html.ToString();
    }

    /// <summary>Renders the report and writes it atomically; returns the full path.</summary>
    public static string Save(ReportContent content, string path)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new ArgumentException("An output path is required.", nameof(path));
        string html = Render(content);
        string full = Path.GetFullPath(path);
        AtomicFile.WriteAllText(full, html);
        return full;
    }

    private static void AppendTable(StringBuilder html, ReportTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(table.Columns, nameof(table));
        ArgumentNullException.ThrowIfNull(table.Rows, nameof(table));
        int columns = table.Columns.Count;
        for (int r = 0; r < table.Rows.Count; r++)
            if (table.Rows[r] is null || table.Rows[r].Count != columns)
                throw new ArgumentException(
                    $"Table '{table.Caption}': row {r} has {table.Rows[r]?.Count ?? 0} cells but there are {columns} columns.", nameof(table));

        var numeric = new bool[columns];
        for (int c = 0; c < columns; c++)
            numeric[c] = table.Rows.Count > 0 && table.Rows.All(row => string.IsNullOrWhiteSpace(row[c]) || IsNumber(row[c]))
                && table.Rows.Any(row => !string.IsNullOrWhiteSpace(row[c]));

        html.Append("<table>\n<caption>").Append(Escape(table.Caption)).Append("</caption>\n<thead><tr>");
        for (int c = 0; c < columns; c++)
            html.Append(numeric[c] ? "<th class=\"num\">" : "<th>").Append(Escape(table.Columns[c])).Append("</th>");
        html.Append("</tr></thead>\n<tbody>\n");
        foreach (var row in table.Rows)
        {
            html.Append("<tr>");
            for (int c = 0; c < columns; c++)
                html.Append(numeric[c] ? "<td class=\"num\">" : "<td>").Append(Escape(row[c])).Append("</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody>\n</table>\n");
    }

    /// <summary>A number, optionally signed, with an optional short unit or percent sign: "97.3", "-1e-6", "12 %", "3.4 µJ".</summary>
    internal static bool IsNumber(string cell) => NumberPattern().IsMatch(cell.Trim());

    [GeneratedRegex(@"^[+\-−]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+\-]?\d+)?(\s*(±|\+/-)\s*(\d+(\.\d*)?|\.\d+))?\s*(%|[a-zA-Zµ]{1,4}(/[a-zA-Z]{1,4})?)?$", RegexOptions.CultureInvariant)]
    private static partial Regex NumberPattern();

    /// <summary>
    /// SVG markup for embedding in HTML: no XML declaration or DOCTYPE, and no scripts, event handlers
    /// or external links, so an SVG from anywhere cannot run code or fetch anything when the page opens.
    /// </summary>
    private static string InlineSvg(string svg)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };
        XElement root;
        try
        {
            using var reader = XmlReader.Create(new StringReader(svg), settings);
            root = XDocument.Load(reader).Root ?? throw new ArgumentException("The SVG has no root element.", nameof(svg));
        }
        catch (XmlException e)
        {
            throw new ArgumentException($"The SVG is not well-formed XML: {e.Message}", nameof(svg), e);
        }
        root.Descendants().Where(e => e.Name.LocalName is "script" or "foreignObject").ToList().ForEach(e => e.Remove());
        foreach (var element in root.DescendantsAndSelf())
            element.Attributes()
                .Where(a => a.Name.LocalName.StartsWith("on", StringComparison.OrdinalIgnoreCase)
                    || (a.Name.LocalName == "href" && !a.Value.StartsWith("data:", StringComparison.Ordinal)
                        && !a.Value.StartsWith('#')))
                .ToList().ForEach(a => a.Remove());
        root.SetAttributeValue("role", "img");
        return root.ToString(SaveOptions.DisableFormatting);
    }

    /// <summary>
    /// Escapes the five characters that can end text or an attribute value. Other characters stay as they
    /// are (the page is UTF-8), unlike WebUtility.HtmlEncode, which turns µ and × into numeric references.
    /// </summary>
    private static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var escaped = new StringBuilder(text.Length + 16);
        foreach (char c in text)
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        return escaped.ToString();
    }

    private const string Css = """
        body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1e1e1e; margin: 2rem auto; max-width: 1000px; padding: 0 1rem; line-height: 1.45; }
        h1 { font-size: 1.7rem; margin-bottom: 1rem; }
        h2 { font-size: 1.2rem; margin: 1.5rem 0 0.5rem; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.2rem; margin: 0; }
        dt { font-weight: bold; }
        dd { margin: 0; font-family: "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
        table { border-collapse: collapse; margin: 1.5rem 0; min-width: 50%; }
        caption { text-align: left; font-weight: bold; padding-bottom: 0.4rem; }
        th, td { border-bottom: 1px solid #d0d0d0; padding: 0.3rem 0.8rem; text-align: left; }
        th { background: #f2f2f2; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        figure { margin: 1.5rem 0; }
        figure img, figure svg { max-width: 100%; height: auto; border: 1px solid #e0e0e0; }
        figcaption { font-size: 0.9rem; color: #444; margin-top: 0.3rem; }

        """;
}
