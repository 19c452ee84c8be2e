using System.Diagnostics;

namespace Neuromorphic.Plotting.Tests;

public sealed class ChromiumRenderTests
{
    [Fact]
    public async Task Report_renders_in_headless_chromium()
    {
        string folder = TestOutput.NewFolder("chromium");
        string report = HtmlReport.Save(HtmlReportTests.SampleReport(), Path.Combine(folder, "report.html"));
        string screenshot = Path.Combine(folder, "screenshot.png");
        string profile = Path.Combine(folder, "profile");
        Directory.CreateDirectory(profile);

        var start = new ProcessStartInfo(Requires.Chromium())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
        {
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            $"--user-data-dir={profile}", $"--screenshot={screenshot}", "--window-size=1200,900",
            new Uri(report).AbsoluteUri,
        })
            start.ArgumentList.Add(argument);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("chromium did not finish within 90 s");
        }
        Assert.True(File.Exists(screenshot), $"no screenshot; chromium said: {await stdout}\n{await stderr}");

        byte[] png = File.ReadAllBytes(screenshot);
        Assert.Equal((1200, 900), ImageChecks.PngHeader(png));
        using var bitmap = ImageChecks.Decode(png);
        Assert.True(ImageChecks.DistinctColours(bitmap) > 50, "the screenshot has almost no colours");
        Assert.True(ImageChecks.Fraction(bitmap, c => !ImageChecks.IsNearWhite(c)) > 0.02, "the screenshot is blank");
    }
}
