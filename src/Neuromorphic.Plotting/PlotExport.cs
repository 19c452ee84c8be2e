using Neuromorphic.Engine;
using System.Xml;
using System.Xml.Linq;
using OxyPlot;
using OxyPlot.SkiaSharp;

namespace Neuromorphic.Plotting;

/// <summary>Renders a <see cref="PlotModel"/> to PNG and SVG and writes the files atomically.</summary>
public static class PlotExport
{
    /// <summary>
    /// Writes <c>pathWithoutExtension.png</c> and/or <c>.svg</c>; returns the full paths written, PNG first.
    /// </summary>
    public static IReadOnlyList<string> Save(PlotModel model, string pathWithoutExtension,
        PlotFormats formats = PlotFormats.Png | PlotFormats.Svg, int width = 900, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (string.IsNullOrWhiteSpace(pathWithoutExtension))
            throw new ArgumentException("An output path is required.", nameof(pathWithoutExtension));
        if ((formats & (PlotFormats.Png | PlotFormats.Svg)) == 0)
            throw new ArgumentException("Choose at least one of Png and Svg.", nameof(formats));
        CheckSize(width, height);

        var written = new List<string>(2);
        if (formats.HasFlag(PlotFormats.Png))
        {
            string path = Path.GetFullPath(pathWithoutExtension + ".png");
            AtomicFile.WriteAllBytes(path, ToPng(model, width, height));
            written.Add(path);
        }
        if (formats.HasFlag(PlotFormats.Svg))
        {
            string path = Path.GetFullPath(pathWithoutExtension + ".svg");
            AtomicFile.WriteAllText(path, ToSvg(model, width, height));
            written.Add(path);
        }
        return written;
    }

    /// <summary>Renders the model to PNG bytes with Skia.</summary>
    public static byte[] ToPng(PlotModel model, int width = 900, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckSize(width, height);
        using var stream = new MemoryStream();
        new PngExporter { Width = width, Height = height }.Export(model, stream);
        if (stream.Length == 0) throw new InvalidOperationException("The PNG exporter produced no bytes.");
        return stream.ToArray();
    }

    /// <summary>
    /// Renders the model to a standalone SVG document. OxyPlot.Core's own text measurer guesses widths
    /// badly (clipped titles, overlapping legends), so Skia measures the text and the vertical-alignment
    /// workaround is on; both were checked by eye in docs/dotnet-stack-notes.md section 4.
    /// </summary>
    public static string ToSvg(PlotModel model, int width = 900, int height = 600)
    {
        ArgumentNullException.ThrowIfNull(model);
        CheckSize(width, height);
        return Tidy(OxySvg(model, width, height));
    }

    /// <summary>The SVG as OxyPlot writes it, before <see cref="Tidy"/>.</summary>
    internal static string OxySvg(PlotModel model, int width, int height)
    {
        using var measurer = new SkiaRenderContext();
        using var stream = new MemoryStream();
        new OxyPlot.SvgExporter
        {
            Width = width,
            Height = height,
            TextMeasurer = measurer,
            UseVerticalTextAlignmentWorkaround = true,
        }.Export(model, stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray()).TrimStart('\uFEFF');
    }

    /// <summary>
    /// Drops the DOCTYPE (it names an external DTD that XML readers refuse or fetch) and asks viewers not
    /// to smooth embedded bitmaps, so receptive-field pixels stay square when the SVG is scaled.
    /// </summary>
    internal static string Tidy(string svg)
    {
        // Without a bitmap only the DOCTYPE goes, cut out of the text: the XML round trip below gives the same bytes
        // (OxyPlot already indents as XDocument.Save does) but took 0.5 s on a 65,000-spike raster.
        if (!svg.Contains("<image", StringComparison.Ordinal)) return WithoutDoctype(svg);
        return TidyAsXml(svg);
    }

    /// <summary>The text less its <c>&lt;!DOCTYPE ...&gt;</c>; its line is left empty, as XDocument.Save leaves it.</summary>
    internal static string WithoutDoctype(string svg)
    {
        int start = svg.IndexOf("<!DOCTYPE", StringComparison.Ordinal);
        if (start < 0) return svg;
        int end = svg.IndexOf('>', start); // OxyPlot's DOCTYPE has no internal subset, so its first '>' closes it
        return end < 0 ? svg : svg.Remove(start, end + 1 - start);
    }

    internal static string TidyAsXml(string svg)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore, XmlResolver = null };
        XDocument document;
        using (var reader = XmlReader.Create(new StringReader(svg), settings))
            document = XDocument.Load(reader);
        document.DocumentType?.Remove();
        foreach (var image in document.Descendants().Where(e => e.Name.LocalName == "image"))
        {
            image.SetAttributeValue("image-rendering", "pixelated");
            string style = (string?)image.Attribute("style") ?? "";
            image.SetAttributeValue("style", (style.Length > 0 ? style.TrimEnd(';') + ";" : "") + "image-rendering:pixelated");
        }
        using var writer = new Utf8StringWriter();
        document.Save(writer, SaveOptions.None);
        return writer.ToString();
    }

    private static void CheckSize(int width, int height)
    {
        if (width is < 16 or > 10_000) throw new ArgumentOutOfRangeException(nameof(width), width, "Width must be 16..10000 pixels.");
        if (height is < 16 or > 10_000) throw new ArgumentOutOfRangeException(nameof(height), height, "Height must be 16..10000 pixels.");
    }

    private sealed class Utf8StringWriter : StringWriter
    {
        public override System.Text.Encoding Encoding => new System.Text.UTF8Encoding(false);
    }
}
