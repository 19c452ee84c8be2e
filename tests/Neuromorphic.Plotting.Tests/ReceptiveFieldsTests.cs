using SkiaSharp;

namespace Neuromorphic.Plotting.Tests;

public sealed class ReceptiveFieldsTests
{
    private static bool Red(SKColor c) => c.Red > 200 && c.Green < 50 && c.Blue < 50;
    private static bool Green(SKColor c) => c.Green > 200 && c.Red < 50 && c.Blue < 50;
    private static bool Blue(SKColor c) => c.Blue > 200 && c.Red < 50 && c.Green < 50;
    private static bool Yellow(SKColor c) => c.Red > 200 && c.Green > 200 && c.Blue < 50;

    /// <summary>Filter n is one solid colour: all of channel weights set high for the channels it has.</summary>
    private static float[] SolidFilters(params (float R, float G, float B)[] filters)
    {
        const int plane = 3 * 3;
        var weights = new float[filters.Length * 3 * plane];
        for (int n = 0; n < filters.Length; n++)
            for (int i = 0; i < plane; i++)
            {
                weights[n * 3 * plane + 0 * plane + i] = filters[n].R;
                weights[n * 3 * plane + 1 * plane + i] = filters[n].G;
                weights[n * 3 * plane + 2 * plane + i] = filters[n].B;
            }
        return weights;
    }

    [Fact]
    public void Each_filter_is_drawn_in_its_own_colour_in_row_major_cells()
    {
        // Filter 0 red, 1 green (first row), 2 blue, 3 yellow (second row). The values are not in 0..1 on
        // purpose: each filter is min-max normalised on its own.
        float[] weights = SolidFilters((0.7f, -0.2f, -0.2f), (0, 5, 0), (-1, -1, 3), (0.4f, 0.4f, 0.1f));
        var model = Plots.ReceptiveFields(weights, neurons: 4, channels: 3, kh: 3, kw: 3, columns: 2, "Colour cells");
        byte[] png = PlotExport.ToPng(model, 800, 800);
        File.WriteAllBytes(Path.Combine(TestOutput.Folder, "receptive-fields-colour-cells.png"), png);
        using var bitmap = ImageChecks.Decode(png);

        var red = ImageChecks.Centroid(bitmap, Red);
        var green = ImageChecks.Centroid(bitmap, Green);
        var blue = ImageChecks.Centroid(bitmap, Blue);
        var yellow = ImageChecks.Centroid(bitmap, Yellow);
        foreach (var cell in new[] { red, green, blue, yellow })
        {
            Assert.True(cell.Count > 5000, $"a cell has only {cell.Count} pixels of its colour");
            // Patches are square (equal axis scale) and solid: the colour fills its bounding box.
            Assert.InRange(cell.Box.Width / (double)cell.Box.Height, 0.95, 1.05);
            Assert.InRange(cell.Count / (double)(cell.Box.Width * cell.Box.Height), 0.97, 1.0);
        }

        Assert.True(red.X < green.X - 50 && Math.Abs(red.Y - green.Y) < 2, "green must sit right of red in the first row");
        Assert.True(blue.Y > red.Y + 50 && Math.Abs(blue.X - red.X) < 2, "blue must sit under red in the second row");
        Assert.True(Math.Abs(yellow.X - green.X) < 2 && Math.Abs(yellow.Y - blue.Y) < 2, "yellow must be bottom right");

        Assert.True(Red(bitmap.GetPixel((int)red.X, (int)red.Y)));
        Assert.True(Green(bitmap.GetPixel((int)green.X, (int)green.Y)));
        Assert.True(Blue(bitmap.GetPixel((int)blue.X, (int)blue.Y)));
        Assert.True(Yellow(bitmap.GetPixel((int)yellow.X, (int)yellow.Y)));
        // A white gap separates neighbouring patches.
        Assert.True(ImageChecks.IsNearWhite(bitmap.GetPixel((red.Box.Right + green.Box.Left) / 2, (int)red.Y)));
        Assert.True(green.Box.Left - red.Box.Right >= 3, "no visible gap between patches");
    }

    [Fact]
    public void Grey_filters_keep_row_and_column_order()
    {
        // One 3x3 grey filter whose value is 3*row + column: dark top left, bright bottom right, and the
        // top-right pixel (2) darker than the bottom-left one (6) unless rows and columns got swapped.
        float[] weights = Enumerable.Range(0, 9).Select(i => (float)i).ToArray();
        var model = Plots.ReceptiveFields(weights, neurons: 1, channels: 1, kh: 3, kw: 3, columns: 8, "Grey order");
        using var bitmap = ImageChecks.Decode(PlotExport.ToPng(model, 600, 600));

        // Weight 0 is the filter's black top-left pixel. Title glyphs are black too but only a few pixels
        // thick, so only pixels inside a solid black 9x9 block are counted.
        var black = ImageChecks.Centroid(bitmap, c => c.Red < 5 && c.Green < 5 && c.Blue < 5, solidRadius: 4);
        Assert.True(black.Count > 1000, "the black (minimum) pixel of the filter is missing");
        double cell = black.Box.Width + 2 * 4;
        int Value(int row, int column) => bitmap.GetPixel((int)(black.X + column * cell), (int)(black.Y + row * cell)).Red;
        Assert.Equal(0, Value(0, 0));
        Assert.True(Value(0, 2) < Value(2, 0), $"top right {Value(0, 2)} should be darker than bottom left {Value(2, 0)}");
        Assert.InRange(Value(0, 1), 30, 33);    // 1/8 of 255
        Assert.InRange(Value(2, 2), 254, 255);
    }
}
