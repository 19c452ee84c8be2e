namespace Neuromorphic.Plotting.Tests;

/// <summary>
/// Where tests write files. Set NEUROMORPHIC_PLOT_TEST_OUT to keep them for a look by eye;
/// otherwise each run gets a fresh temp folder.
/// </summary>
internal static class TestOutput
{
    private static readonly Lazy<string> Root = new(() =>
    {
        string? chosen = Environment.GetEnvironmentVariable("NEUROMORPHIC_PLOT_TEST_OUT");
        string folder = string.IsNullOrWhiteSpace(chosen)
            ? Path.Combine(Path.GetTempPath(), "neuromorphic-plotting-tests", Guid.NewGuid().ToString("N"))
            : Path.GetFullPath(chosen);
        Directory.CreateDirectory(folder);
        return folder;
    });

    public static string Folder => Root.Value;

    public static string NewFolder(string name)
    {
        string folder = Path.Combine(Folder, name + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        return folder;
    }
}
