using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using SkiaSharp;

namespace Neuromorphic.Cli.Tests;

/// <summary>PNG bytes read back, to check what a person would see.</summary>
public static class Png
{
    static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public static bool IsPng(byte[] bytes) =>
        bytes.Length > 33 && bytes.AsSpan(0, 8).SequenceEqual(Signature) && bytes.AsSpan(12, 4).SequenceEqual("IHDR"u8);

    public static (int Width, int Height) Size(byte[] png) =>
        (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16, 4)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20, 4)));

    /// <summary>Share of pixels that are not near-white, and the number of distinct colours.</summary>
    public static (double Ink, int Colours) Measure(byte[] png)
    {
        using var bitmap = SKBitmap.Decode(png) ?? throw new InvalidDataException("the PNG does not decode");
        long ink = 0;
        var colours = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                colours.Add((uint)c);
                if (c.Red < 240 || c.Green < 240 || c.Blue < 240) ink++;
            }
        return ((double)ink / ((long)bitmap.Width * bitmap.Height), colours.Count);
    }
}

/// <summary>The run's report.html opened in headless Chromium, as a reader's browser shows it.</summary>
[Collection(TinyRunCollection.Name)]
public class ReportRenderingTests(TinyRun run)
{
    /// <summary>Runs headless Chromium on the report with a throw-away profile; returns what it printed.</summary>
    static CliResult Chrome(string report, params string[] extra)
    {
        string chromium = Requires.Chromium();
        using var profile = new TempDir();
        var psi = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--hide-scrollbars", $"--user-data-dir={profile.Path}",
        }.Concat(extra).Append(new Uri(report).AbsoluteUri))
            psi.ArgumentList.Add(a);
        return External.Run(psi, TimeSpan.FromSeconds(90));
    }

    string Report()
    {
        Assert.True(run.Report.ExitCode == 0, $"report failed: {run.Report}");
        Assert.True(File.Exists(run.ReportPath), $"{run.ReportPath} missing");
        return run.ReportPath;
    }

    [Fact]
    public void Screenshot_of_the_report_is_a_non_blank_png()
    {
        string report = Report();
        using var tmp = new TempDir();
        string screenshot = tmp.File("report.png");
        var r = Chrome(report, $"--screenshot={screenshot}", "--window-size=1200,1600");
        Assert.True(File.Exists(screenshot), $"chromium wrote no screenshot\n{r}");
        byte[] png = File.ReadAllBytes(screenshot);
        Assert.True(Png.IsPng(png), "the screenshot is not a PNG");
        Assert.Equal((1200, 1600), Png.Size(png));
        var (ink, colours) = Png.Measure(png);
        Assert.True(ink > 0.03, $"the screenshot is (nearly) blank: {ink:P1} of its pixels are not white");
        Assert.True(colours > 50, $"the screenshot has only {colours} colours");
    }

    [Fact]
    public void Rendered_dom_has_every_image_inline_and_no_error_text()
    {
        string report = Report();
        var r = Chrome(report, "--dump-dom");
        string dom = r.Out;
        Assert.True(dom.Contains("<body", StringComparison.OrdinalIgnoreCase), $"no DOM came back\n{r}");

        var images = Regex.Matches(dom, @"<img\b[^>]*>", RegexOptions.IgnoreCase).Select(m => m.Value).ToList();
        Assert.Equal(RunPlots.Kinds.Length, images.Count);
        foreach (var img in images)
        {
            var src = Regex.Match(img, "\\ssrc=\"([^\"]*)\"", RegexOptions.IgnoreCase);
            Assert.True(src.Success, $"an <img> without src: {img[..Math.Min(img.Length, 200)]}");
            Assert.StartsWith("data:image/png;base64,", src.Groups[1].Value);
            byte[] bytes = Convert.FromBase64String(src.Groups[1].Value["data:image/png;base64,".Length..]);
            Assert.True(Png.IsPng(bytes), "an embedded image is not a PNG");
        }
        Assert.DoesNotMatch(new Regex(@"\s(src|href)=""(?!data:|#)", RegexOptions.IgnoreCase), dom);

        // The text a reader sees (tags and embedded data removed): no browser error page, no exception text, no
        // unformatted numbers.
        string text = WebUtility.HtmlDecode(Regex.Replace(Regex.Replace(dom, "<(style|script)[^>]*>.*?</\\1>", " ",
            RegexOptions.Singleline | RegexOptions.IgnoreCase), "<[^>]+>", " "));
        foreach (var bad in new[] { "ERR_", "can't be reached", "Exception", "error:", "NaN", "Infinity", "undefined", "System." })
            Assert.False(text.Contains(bad, StringComparison.OrdinalIgnoreCase), $"the rendered page contains '{bad}':\n{Around(text, bad)}");
        foreach (var expected in new[] { "Neuromorphic run: mnist-small", "test accuracy", "Read-out epochs", "Chips:" })
            Assert.Contains(expected, text);
    }

    static string Around(string text, string what)
    {
        int i = text.IndexOf(what, StringComparison.OrdinalIgnoreCase);
        return text.Substring(Math.Max(0, i - 200), Math.Min(text.Length - Math.Max(0, i - 200), 400));
    }
}

/// <summary>Point labels of the accuracy-versus-energy plot do not print over each other.</summary>
public class PlotLabelTests
{
    [Fact]
    public void Labels_of_chips_with_equal_accuracy_and_similar_energy_are_stacked_apart()
    {
        var model = Neuromorphic.Plotting.Plots.AccuracyVersusEnergy(
        [
            ("fp32 baseline (45 nm)", 76e-6, 60), ("Loihi", 120e-6, 60), ("Loihi 2", 207e-6, 60), ("SpiNNaker 2", 214e-6, 60),
            ("TrueNorth", 37e-6, 52),
        ]);
        RunPlots.SpreadLabels(model);
        var labels = model.Annotations.OfType<OxyPlot.Annotations.TextAnnotation>().ToList();
        Assert.Equal(5, labels.Count);
        // Loihi 2 and SpiNNaker 2 sit almost on one point: their labels must be on different lines.
        var close = labels.Where(l => (l.Text ?? "").StartsWith("Loihi 2", StringComparison.Ordinal) || (l.Text ?? "").StartsWith("SpiNNaker 2", StringComparison.Ordinal))
            .Select(l => (l.Offset.Y, l.TextVerticalAlignment)).ToList();
        Assert.Equal(2, close.Count);
        Assert.NotEqual(close[0], close[1]);
        Assert.True(Png.IsPng(Neuromorphic.Plotting.PlotExport.ToPng(model)));
    }
}
