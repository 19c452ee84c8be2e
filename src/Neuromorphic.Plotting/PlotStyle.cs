using OxyPlot;
using OxyPlot.Axes;
using OxyPlot.Legends;

namespace Neuromorphic.Plotting;

/// <summary>
/// The look every figure shares. "Segoe UI", OxyPlot's default, is not installed on Linux and Skia then
/// falls back to a serif face, so the font is pinned to DejaVu Sans (see docs/dotnet-stack-notes.md section 4).
/// </summary>
internal static class PlotStyle
{
    public const string Font = "DejaVu Sans";

    /// <summary>Colour-blind-safe qualitative palette (Okabe and Ito, 2008).</summary>
    public static readonly OxyColor[] Palette =
    [
        OxyColor.FromRgb(0, 114, 178),   // blue
        OxyColor.FromRgb(213, 94, 0),    // vermillion
        OxyColor.FromRgb(0, 158, 115),   // bluish green
        OxyColor.FromRgb(204, 121, 167), // reddish purple
        OxyColor.FromRgb(230, 159, 0),   // orange
        OxyColor.FromRgb(86, 180, 233),  // sky blue
        OxyColor.FromRgb(120, 120, 120), // grey
        OxyColor.FromRgb(240, 228, 66),  // yellow
    ];

    public static OxyColor Colour(int index) => Palette[index % Palette.Length];

    public static PlotModel NewModel(string title)
    {
        PlotInput.Label(title, nameof(title));
        var model = new PlotModel
        {
            Title = title,
            DefaultFont = Font,
            DefaultFontSize = 14,
            TitleFontSize = 18,
            TitleFontWeight = FontWeights.Bold,
            SubtitleFontSize = 13,
            Padding = new OxyThickness(12, 12, 20, 12),
            TitlePadding = 10,
            Background = OxyColors.White,
            PlotAreaBorderColor = OxyColor.FromRgb(90, 90, 90),
            DefaultColors = Palette,
        };
        return model;
    }

    public static Legend AddLegend(PlotModel model, LegendPlacement placement = LegendPlacement.Outside,
        LegendPosition position = LegendPosition.RightTop)
    {
        var legend = new Legend
        {
            LegendPlacement = placement,
            LegendPosition = position,
            LegendFont = Font,
            LegendFontSize = 13,
            LegendBackground = OxyColor.FromAColor(220, OxyColors.White),
            LegendBorder = OxyColor.FromRgb(180, 180, 180),
            LegendBorderThickness = placement == LegendPlacement.Inside ? 1 : 0,
        };
        model.Legends.Add(legend);
        return legend;
    }

    public static T Axis<T>(T axis, AxisPosition position, string title, bool grid = true) where T : Axis
    {
        axis.Position = position;
        axis.Title = title;
        axis.TitleFontSize = 14;
        axis.FontSize = 13;
        axis.AxisTitleDistance = 8;
        if (grid)
        {
            axis.MajorGridlineStyle = LineStyle.Solid;
            axis.MajorGridlineColor = OxyColor.FromRgb(225, 225, 225);
        }
        return axis;
    }
}
