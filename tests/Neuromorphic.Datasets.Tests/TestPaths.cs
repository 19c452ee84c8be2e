namespace Neuromorphic.Datasets.Tests;

/// <summary>Locates the repository, the shipped sample and the real datasets next to the checkout.</summary>
internal static class TestPaths
{
    public const string SharedOverrideVariable = "NEUROMORPHIC_SHARED_DATASETS";

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string SampleDirectory => Path.Combine(RepoRoot, "datasets", "mnist-sample");

    /// <summary>
    /// ../shared/datasets relative to the repository (or the override variable). Missing data
    /// must fail the test loudly: a silently skipped check would look like a pass.
    /// </summary>
    public static string SharedDatasets
    {
        get
        {
            string? overridden = Environment.GetEnvironmentVariable(SharedOverrideVariable);
            string path = Path.GetFullPath(string.IsNullOrWhiteSpace(overridden)
                ? Path.Combine(RepoRoot, "..", "shared", "datasets")
                : overridden);
            if (!Directory.Exists(path))
            {
                Assert.Fail(
                    $"The real datasets folder ../shared/datasets is missing: looked for {path}. " +
                    $"These tests check the readers against the full MNIST and CIFAR-10 files; put them there " +
                    $"or set {SharedOverrideVariable} to the folder holding mnist/ and cifar10/.");
            }

            return path;
        }
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Neuromorphic.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No Neuromorphic.sln above {AppContext.BaseDirectory}.");
    }
}
