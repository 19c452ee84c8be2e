using Neuromorphic.Datasets;

namespace Neuromorphic.Spiking.Tests;

internal static class TestData
{
    /// <summary>The repository's datasets/mnist-sample folder, found by walking up from the test binaries.</summary>
    public static string MnistSample
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "datasets", "mnist-sample");
                if (Directory.Exists(candidate)) return candidate;
            }
            throw new DirectoryNotFoundException("datasets/mnist-sample not found above " + AppContext.BaseDirectory);
        }
    }

    public static IImageSource Train(int? limit = null) => DatasetDirectory.Open(MnistSample, DatasetSplit.Train, limit);
    public static IImageSource Test(int? limit = null) => DatasetDirectory.Open(MnistSample, DatasetSplit.Test, limit);
}
