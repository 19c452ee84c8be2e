using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Series;

namespace Neuromorphic.Plotting;

/// <summary>One value at one place of a chip's mesh: tile (X, Y) and, when a tile holds several cores, the core's
/// offset within it.</summary>
public readonly record struct MeshValue(int X, int Y, int Core, double Value);

public static partial class Plots
{
    /// <summary>
    /// A heat map of a chip: each tile of the <paramref name="width"/> x <paramref name="height"/> mesh is a square,
    /// split into a small grid of its <paramref name="coresPerTile"/> cores (2 x 2 for four), coloured by the value
    /// (per-core activity, energy, router load). Places without a value stay blank, so idle parts of the chip show.
    /// </summary>
    /// <param name="chip">On a board, the routers of one chip along x and y: the chips' borders are drawn in black.</param>
    public static PlotModel MeshMap(int width, int height, int coresPerTile, IReadOnlyList<MeshValue> values, string valueTitle, string title,
        (int Width, int Height)? chip = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(coresPerTile, 1);
        ArgumentNullException.ThrowIfNull(values);
        PlotInput.Label(valueTitle, nameof(valueTitle));
        int side = (int)Math.Ceiling(Math.Sqrt(coresPerTile));
        var cells = new double[width * side, height * side];
        for (int x = 0; x < cells.GetLength(0); x++)
            for (int y = 0; y < cells.GetLength(1); y++) cells[x, y] = double.NaN;
        foreach (var v in values)
        {
            if (v.X < 0 || v.X >= width || v.Y < 0 || v.Y >= height || v.Core < 0 || v.Core >= coresPerTile)
                throw new ArgumentException($"({v.X}, {v.Y}) core {v.Core} lies outside a {width} x {height} mesh of {coresPerTile} cores a tile.", nameof(values));
            PlotInput.Finite(v.Value, nameof(values));
            cells[v.X * side + v.Core % side, v.Y * side + v.Core / side] = v.Value;
        }

        var model = PlotStyle.NewModel(title);
        model.Axes.Add(new LinearColorAxis
        {
            Position = AxisPosition.Right, Palette = OxyPalettes.Viridis(200), Title = valueTitle,
            InvalidNumberColor = OxyColors.WhiteSmoke,
        });
        model.Axes.Add(PlotStyle.Axis(new LinearAxis { Minimum = -0.5, Maximum = width - 0.5, MajorStep = 1, MinorStep = 1 },
            AxisPosition.Bottom, "Tile x", grid: false));
        model.Axes.Add(PlotStyle.Axis(new LinearAxis { Minimum = -0.5, Maximum = height - 0.5, MajorStep = 1, MinorStep = 1 },
            AxisPosition.Left, "Tile y", grid: false));
        double half = 0.5 - 0.5 / side; // cell centres inside each unit tile square
        model.Series.Add(new HeatMapSeries
        {
            X0 = -half, X1 = width - 1 + half, Y0 = -half, Y1 = height - 1 + half,
            Data = cells, Interpolate = false, RenderMethod = HeatMapRenderMethod.Rectangles,
        });
        for (int x = 0; x <= width; x++)
            model.Annotations.Add(new OxyPlot.Annotations.LineAnnotation
            {
                Type = OxyPlot.Annotations.LineAnnotationType.Vertical, X = x - 0.5, Color = OxyColors.White, StrokeThickness = 2,
            });
        for (int y = 0; y <= height; y++)
            model.Annotations.Add(new OxyPlot.Annotations.LineAnnotation
            {
                Type = OxyPlot.Annotations.LineAnnotationType.Horizontal, Y = y - 0.5, Color = OxyColors.White, StrokeThickness = 2,
            });
        if (chip is { Width: > 0, Height: > 0 } c)
        {
            for (int x = 0; x <= width; x += c.Width)
                model.Annotations.Add(new OxyPlot.Annotations.LineAnnotation
                {
                    Type = OxyPlot.Annotations.LineAnnotationType.Vertical, X = x - 0.5, Color = OxyColors.Black, StrokeThickness = 3, LineStyle = LineStyle.Solid,
                });
            for (int y = 0; y <= height; y += c.Height)
                model.Annotations.Add(new OxyPlot.Annotations.LineAnnotation
                {
                    Type = OxyPlot.Annotations.LineAnnotationType.Horizontal, Y = y - 0.5, Color = OxyColors.Black, StrokeThickness = 3, LineStyle = LineStyle.Solid,
                });
        }
        return model;
    }
}
