namespace Neuromorphic.Testing;

/// <summary>
/// What a test needs beyond the .NET SDK (the full datasets beside the checkout, a browser, a native library).
/// When it is missing the test is skipped with the reason and how to provide it, so the README's test command
/// passes on a fresh clone; with <see cref="StrictVariable"/>=1 (set by .ci/run) a missing requirement fails
/// the test instead, so CI always runs everything.
/// </summary>
public static class Requires
{
    public const string StrictVariable = "NEUROMORPHIC_REQUIRE_ALL";
    public const string SharedDatasetsVariable = "NEUROMORPHIC_SHARED_DATASETS";
    public const string ChromiumPath = "/usr/bin/chromium";

    static bool Strict => Environment.GetEnvironmentVariable(StrictVariable) == "1";

    /// <summary>The checkout's root: the folder above the test binaries that holds Neuromorphic.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>Skips (or, under CI, fails) the calling test unless <paramref name="present"/>.</summary>
    public static void That(bool present, string missing, string howToProvide)
    {
        if (present) return;
        string reason = $"{missing}; {howToProvide}";
        if (Strict) Assert.Fail($"{reason} ({StrictVariable}=1 turns a missing requirement into a failure).");
        Assert.Skip(reason);
    }

    /// <summary>The full MNIST and CIFAR-10 copies: ../shared/datasets beside the checkout, or the override variable.</summary>
    public static string SharedDatasets()
    {
        string? overridden = Environment.GetEnvironmentVariable(SharedDatasetsVariable);
        string path = Path.GetFullPath(string.IsNullOrWhiteSpace(overridden)
            ? Path.Combine(RepoRoot, "..", "shared", "datasets")
            : overridden);
        That(Directory.Exists(path), $"the full datasets folder {path} is missing",
            $"put the full MNIST and CIFAR-10 there (mnist/, cifar10/; 'neuromorphic datasets download') or set {SharedDatasetsVariable}");
        return path;
    }

    /// <summary>SANA-FE's example architecture and network files (GPL-3, kept outside the repository):
    /// ../shared/sanafe beside the checkout, with arch/ and snn/.</summary>
    public static string SanafeReference()
    {
        string path = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "sanafe"));
        That(Directory.Exists(Path.Combine(path, "arch")) && Directory.Exists(Path.Combine(path, "snn")),
            $"the SANA-FE reference folder {path} (arch/, snn/) is missing",
            "copy SANA-FE's arch/*.yaml and snn/*.yaml there from github.com/SLAM-Lab/SANA-FE");
        return path;
    }

    /// <summary>The NIR reference material (official Python package and graphs written by Norse, Rockpool, snnTorch,
    /// Sinabs; BSD-3, kept outside the repository): ../shared/nir beside the checkout, with python/nir/ and graphs/.</summary>
    public static string SharedNir()
    {
        string path = Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "nir"));
        That(Directory.Exists(Path.Combine(path, "graphs")) && Directory.Exists(Path.Combine(path, "python", "nir")),
            $"the NIR reference folder {path} (graphs/, python/nir/) is missing",
            "copy graphs/ and the python/nir package there from github.com/neuromorphs/NIR");
        return path;
    }

    /// <summary>A python3 that imports numpy and h5py, to run the official NIR package; its path.</summary>
    public static string PythonNir()
    {
        string? found = PythonWithNumpyH5py.Value;
        That(found is not null, "no python3 with numpy and h5py, so the official NIR reader cannot be run",
            "install them with 'apt-get install python3-numpy python3-h5py' (.ci/run does)");
        return found!;
    }

    // The system python first: a pyenv shim earlier on PATH may lack Debian's numpy and h5py.
    static readonly Lazy<string?> PythonWithNumpyH5py = new(() =>
        new[] { "/usr/bin/python3", "python3" }.FirstOrDefault(python =>
        {
            try
            {
                using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(python, ["-c", "import numpy, h5py"])
                    { RedirectStandardError = true, RedirectStandardOutput = true });
                if (process is null) return false;
                process.StandardError.ReadToEnd();
                return process.WaitForExit(60_000) && process.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }));

    /// <summary>Headless Chromium, to render the HTML report as a reader's browser shows it.</summary>
    public static string Chromium()
    {
        That(File.Exists(ChromiumPath), $"{ChromiumPath} is missing, so the HTML report is not rendered in a browser",
            "install it with 'apt-get install chromium' (.ci/run does)");
        return ChromiumPath;
    }

    static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Neuromorphic.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No Neuromorphic.sln above {AppContext.BaseDirectory}.");
    }
}
