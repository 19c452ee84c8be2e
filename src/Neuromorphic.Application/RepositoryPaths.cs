namespace Neuromorphic.Application;

/// <summary>Where the repository's own files are, found from the working directory or the tool's location.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding Neuromorphic.sln, or the working directory when run outside a checkout.</summary>
    public static string Root { get; } = FindRoot();

    public static string DefaultDataset => Path.Combine(Root, "datasets", "mnist-sample");
    public static string HardwareModels => Path.Combine(Root, "hardware-models");

    static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var d = new DirectoryInfo(start); d != null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Neuromorphic.sln"))) return d.FullName;
        return Directory.GetCurrentDirectory();
    }
}
