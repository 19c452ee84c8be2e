using System.Xml.Linq;

namespace Neuromorphic.Plotting.Tests;

public sealed class PlotRenderingTests
{
    public static TheoryData<string> Figures => new(SampleFigures.Names);

    [Theory]
    [MemberData(nameof(Figures))]
    public void Writes_a_png_of_the_requested_size_with_visible_content_and_an_unclipped_title(string figure)
    {
        var (model, _) = SampleFigures.Build(figure);
        string folder = TestOutput.NewFolder(figure);
        const int width = 900, height = 600;

        var paths = PlotExport.Save(model, Path.Combine(folder, figure), PlotFormats.Png | PlotFormats.Svg, width, height);

        Assert.Equal([Path.Combine(folder, figure + ".png"), Path.Combine(folder, figure + ".svg")], paths);
        byte[] png = File.ReadAllBytes(paths[0]);
        Assert.Equal((width, height), ImageChecks.PngHeader(png));
        using var bitmap = ImageChecks.Decode(png);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        Assert.True(ImageChecks.DistinctColours(bitmap) > 20, "too few colours: the plot looks blank");
        Assert.True(ImageChecks.Fraction(bitmap, c => !ImageChecks.IsNearWhite(c)) > 0.01, "almost every pixel is white");

        // The title sits in the top band. Dark pixels there mean it was drawn; dark pixels on the very
        // first rows would mean its top was cut off by the image edge.
        Assert.True(ImageChecks.Count(bitmap, ImageChecks.IsDark, 2, 60) > 150, "no title text in the top band");
        Assert.Equal(0, ImageChecks.Count(bitmap, ImageChecks.IsDark, 0, 2));
        Assert.Empty(Directory.GetFiles(folder, "*.tmp", SearchOption.AllDirectories).Concat(Directory.GetFiles(folder, ".*")));
    }

    [Theory]
    [MemberData(nameof(Figures))]
    public void Writes_a_well_formed_svg_that_carries_the_title_text(string figure)
    {
        var (model, title) = SampleFigures.Build(figure);
        string folder = TestOutput.NewFolder(figure + "-svg");

        var paths = PlotExport.Save(model, Path.Combine(folder, figure), PlotFormats.Svg, 640, 480);

        string path = Assert.Single(paths);
        Assert.EndsWith(".svg", path);
        var document = XDocument.Load(path); // throws if the XML is not well-formed
        Assert.NotNull(document.Root);
        Assert.Equal("svg", document.Root.Name.LocalName);
        Assert.Equal("640", (string?)document.Root.Attribute("width"));
        Assert.Contains(document.Descendants(), e => e.Name.LocalName == "text" && e.Value.Contains(title));
        Assert.True(document.Descendants().Count() > 20, "the SVG has almost no elements");
    }

    [Theory]
    [MemberData(nameof(Figures))]
    public void Cutting_the_doctype_out_of_the_text_gives_the_xml_round_trips_bytes(string figure)
    {
        string raw = PlotExport.OxySvg(SampleFigures.Build(figure).Model, 900, 600);
        Assert.Contains("<!DOCTYPE", raw);
        Assert.Equal(PlotExport.TidyAsXml(raw), PlotExport.Tidy(raw));
        Assert.DoesNotContain("<!DOCTYPE", PlotExport.WithoutDoctype(raw));
    }

    [Fact]
    public void Receptive_field_svg_embeds_the_bitmap_unsmoothed()
    {
        var (model, _) = SampleFigures.Build("ReceptiveFieldsRgb");
        string text = PlotExport.ToSvg(model);
        Assert.True(text.Length < 200_000, $"receptive-field SVG is {text.Length} characters; the embedded PNG is not compressed");
        var svg = XDocument.Parse(text);
        var image = Assert.Single(svg.Descendants(), e => e.Name.LocalName == "image");
        Assert.Equal("pixelated", (string?)image.Attribute("image-rendering"));
    }

    [Fact]
    public void Png_only_writes_one_file_and_overwrites_an_existing_one()
    {
        var (model, _) = SampleFigures.Build("LearningCurves");
        string folder = TestOutput.NewFolder("overwrite");
        string target = Path.Combine(folder, "curves");
        File.WriteAllText(target + ".png", "stale");

        var paths = PlotExport.Save(model, target, PlotFormats.Png, 400, 300);

        Assert.Equal([target + ".png"], paths);
        Assert.Equal((400, 300), ImageChecks.PngHeader(File.ReadAllBytes(target + ".png")));
        Assert.Single(Directory.GetFiles(folder));
    }

    [Fact]
    public void Every_model_uses_dejavu_sans()
    {
        foreach (string name in SampleFigures.Names)
            Assert.Equal("DejaVu Sans", SampleFigures.Build(name).Model.DefaultFont);
    }

    [Theory]
    [InlineData(2.1e-5, "21 µJ")]
    [InlineData(1e-3, "1 mJ")]
    [InlineData(9.9996e-4, "1 mJ")]
    [InlineData(4e-9, "4 nJ")]
    [InlineData(2.5, "2.5 J")]
    public void Energy_labels_use_si_prefixes(double joules, string expected) =>
        Assert.Equal(expected, SiUnits.Format(joules, "J"));
}
