using System.Text.RegularExpressions;

namespace Neuromorphic.Plotting.Tests;

public sealed class HtmlReportTests
{
    internal static ReportContent SampleReport()
    {
        var (curves, _) = SampleFigures.Build("LearningCurves");
        var (energy, _) = SampleFigures.Build("AccuracyVersusEnergy");
        var (fields, _) = SampleFigures.Build("ReceptiveFieldsRgb");
        return new ReportContent(
            "SoftHebb CIFAR-10 run <script>alert('title')</script>",
            [
                new("config", "presets/softhebb-cifar10.yaml"),
                new("seed", "42"),
                new("commit", "3f2c1a9 & dirty"),
                new("started", "2026-11-27T10:00:00Z"),
                new("finished", "2026-11-27T10:42:13Z"),
            ],
            [
                new ReportTable("Accuracy and energy per chip", ["Chip", "Accuracy (%)", "Energy per inference", "Notes"],
                [
                    ["Loihi 2", "78.4", "21 µJ", "<script>alert(1)</script>"],
                    ["TrueNorth", "71.0", "4 µJ", "rate coded, T = 32"],
                    ["GPU (A100)", "79.1", "9.5 mJ", ""],
                ]),
                new ReportTable("Layers", ["Layer", "Neurons", "Kernel"],
                [
                    ["conv1", "96", "5×5"],
                    ["conv2", "384", "3×3"],
                ]),
            ],
            [
                ReportFigure.FromPlot("Read-out learning curves", curves),
                ReportFigure.FromPlot("Accuracy versus energy", energy),
                ReportFigure.FromPlot("Layer 1 receptive fields <b>RGB</b>", fields, asSvg: true),
            ]);
    }

    private static readonly Lazy<string> Html = new(() => HtmlReport.Render(SampleReport()));

    private static int Occurrences(string text, string what) => Regex.Matches(text, Regex.Escape(what)).Count;

    [Fact]
    public void Escapes_all_text()
    {
        string html = Html.Value;
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Contains("3f2c1a9 &amp; dirty", html);
        Assert.Contains("Layer 1 receptive fields &lt;b&gt;RGB&lt;/b&gt;", html);
        Assert.DoesNotContain("<b>", html);
    }

    [Fact]
    public void Embeds_png_figures_as_data_uris_and_svg_inline()
    {
        string html = Html.Value;
        Assert.Equal(2, Occurrences(html, "<img src=\"data:image/png;base64,"));
        Assert.Equal(1, Occurrences(html, "<svg"));
        Assert.Equal(3, Occurrences(html, "<figcaption>"));

        var first = Regex.Match(html, "data:image/png;base64,([A-Za-z0-9+/=]+)\"");
        byte[] png = Convert.FromBase64String(first.Groups[1].Value);
        Assert.Equal((900, 600), ImageChecks.PngHeader(png));
    }

    [Fact]
    public void References_nothing_outside_the_file()
    {
        string html = Html.Value;
        // xmlns values are namespace names, never fetched; everything else that looks like a URL is a reference.
        string withoutNamespaces = Regex.Replace(html, "\\sxmlns(:\\w+)?=\"[^\"]*\"", "");
        Assert.DoesNotContain("http://", withoutNamespaces);
        Assert.DoesNotContain("https://", withoutNamespaces);
        Assert.DoesNotMatch("(src|href)\\s*=\\s*[\"']?(?!data:|#)[a-z]", withoutNamespaces);
        Assert.DoesNotContain("@import", html);
        Assert.DoesNotContain("<link", html);
    }

    [Fact]
    public void Tags_are_balanced_and_numeric_columns_are_right_aligned()
    {
        string html = Html.Value;
        Assert.Equal(2, Occurrences(html, "<table>"));
        Assert.Equal(2, Occurrences(html, "</table>"));
        Assert.Equal(Occurrences(html, "<tr>"), Occurrences(html, "</tr>"));
        Assert.Equal(Occurrences(html, "<figure>"), Occurrences(html, "</figure>"));
        Assert.Equal(1, Occurrences(html, "</svg>"));
        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.EndsWith("</html>\n", html);

        Assert.Contains("<td>Loihi 2</td><td class=\"num\">78.4</td><td class=\"num\">21 µJ</td><td>", html);
        Assert.Contains("<th>Chip</th><th class=\"num\">Accuracy (%)</th>", html);
        Assert.Contains("<td>conv1</td><td class=\"num\">96</td><td>5×5</td>", html);
    }

    [Theory]
    [InlineData("78.4", true)]
    [InlineData("-1.5e-6", true)]
    [InlineData("12 %", true)]
    [InlineData("3.2 µJ", true)]
    [InlineData("1,024", true)]
    [InlineData("78.4 ± 0.3", true)]
    [InlineData("Loihi 2", false)]
    [InlineData("5×5", false)]
    [InlineData("3f2c1a9", false)]
    public void Recognises_numeric_cells(string cell, bool numeric) => Assert.Equal(numeric, HtmlReport.IsNumber(cell));

    [Fact]
    public void Save_writes_the_file_atomically()
    {
        string folder = TestOutput.NewFolder("report");
        string path = HtmlReport.Save(SampleReport(), Path.Combine(folder, "report.html"));

        Assert.Equal(Html.Value, File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFiles(folder));
    }
}
