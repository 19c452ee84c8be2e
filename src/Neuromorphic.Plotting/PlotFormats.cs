namespace Neuromorphic.Plotting;

/// <summary>Which files <see cref="PlotExport.Save"/> writes for one figure.</summary>
[Flags]
public enum PlotFormats
{
    None = 0,
    Png = 1,
    Svg = 2,
}
