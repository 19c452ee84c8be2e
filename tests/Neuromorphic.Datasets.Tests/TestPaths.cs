namespace Neuromorphic.Datasets.Tests;

/// <summary>Locates the repository, the shipped sample and the real datasets next to the checkout.</summary>
internal static class TestPaths
{
    public static string RepoRoot => Requires.RepoRoot;

    public static string SampleDirectory => Path.Combine(RepoRoot, "datasets", "mnist-sample");

    /// <summary>../shared/datasets (or its override variable); a test that reads it is skipped without it, or fails under CI.</summary>
    public static string SharedDatasets => Requires.SharedDatasets();
}
