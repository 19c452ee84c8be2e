using Neuromorphic.Datasets;
using Neuromorphic.Datasets.Download;

namespace Neuromorphic.Cli.Commands;

/// <summary>`datasets info --data DIR`: what a dataset folder holds, as the readers see it; `datasets download NAME`: fetch one.</summary>
public sealed class DatasetsCommand : ICliCommand
{

    public string Name => "datasets";
    public string Summary => "describe a dataset folder, or download a dataset (mnist, cifar10, ...)";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("datasets info",
            "Recognises MNIST/Fashion-MNIST (IDX, .gz or raw), CIFAR-10/100 (binary version) and STL-10 (binary) by their\n" +
            "file names, and image folders (train/ and val/ or test/, one subfolder per class of JPEG/PNG files, as\n" +
            "ImageNet), and prints what each split holds. Without --verify only headers and file sizes are read.",
            new CliOption("data", "DIR", "the dataset folder", DefaultNote: "the shipped sample datasets/mnist-sample"),
            new CliOption("verify", null, "read every record of every split: report the first problem (truncated file, image and label counts that differ, a label out of range, an unreadable image) or \"verified N images\"; exits 1 when a split has a problem")),
        new("datasets download NAME",
            $"Fetches NAME ({string.Join(", ", DatasetCatalog.Names)}) from its official URL and checks every file's\n" +
            "published MD5 before it gets its final name. MNIST-style datasets stay as .gz files in DIR; CIFAR and STL-10\n" +
            "archives are unpacked into DIR/cifar-10-batches-bin, DIR/cifar-100-binary or DIR/stl10_binary and then deleted.\n" +
            $"An interrupted download resumes when run again (partial files wait in DIR/{DatasetDownloader.StagingFolderName}/);\n" +
            "verified files are not fetched again. Then: neuromorphic train --data DIR ...",
            new CliOption("to", "DIR", "the dataset folder (keep \"fashion\" in a Fashion-MNIST folder's name: its class names come from it)",
                DefaultNote: "datasets/NAME in the repository, ignored by git"),
            new CliOption("mirror", "URL", "a base URL replacing the official one for every file of NAME",
                DefaultNote: $"the official host, e.g. {DatasetCatalog.Mnist.BaseUrl}")),
    ];

    /// <summary>Refuses a dataset folder that does not exist, saying how to download one (every command's --data).</summary>
    public Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken) =>
        args.Positional.Count > 0 && args.Positional[0] == "download" ? DownloadAsync(args, cancellationToken) : Task.FromResult(Info(args));

    int Info(CommandArguments args)
    {
        if (args.Positional.Count != 1 || args.Positional[0] != "info") throw new UserErrorException("datasets needs info or download; see 'neuromorphic datasets --help'.");
        string dir = args.String("data") ?? RepositoryPaths.DefaultDataset;
        bool verify = args.Flag("verify");
        args.ThrowOnUnknown(Name);
        Evaluation.RequireDataFolder(dir);
        Console.WriteLine(DatasetDirectory.Describe(dir));
        if (!verify) return 0;
        var results = DatasetVerifier.Verify(dir);
        Console.WriteLine(DatasetVerifier.Format(results));
        return results.All(r => r.Ok) ? 0 : 1;
    }

    async Task<int> DownloadAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        if (args.Positional.Count != 2) throw new UserErrorException("usage: neuromorphic datasets download NAME [--to DIR] [--mirror URL]");
        string name = args.Positional[1];
        var entry = DatasetCatalog.Find(name)
                    ?? throw new UserErrorException($"unknown dataset '{name}'; known: {string.Join(", ", DatasetCatalog.Names)}.");
        string dir = args.String("to") ?? Path.Combine(RepositoryPaths.Root, "datasets", entry.Name);
        string? mirror = args.String("mirror");
        args.ThrowOnUnknown(Name);
        if (mirror is not null && !(Uri.TryCreate(mirror, UriKind.Absolute, out var u) && u.Scheme is "http" or "https"))
            throw new UserErrorException($"--mirror must be an http:// or https:// URL, got '{mirror}'.");

        Console.WriteLine($"{entry.Title} from {mirror ?? entry.BaseUrl} (documented at {entry.Origin}) into {Path.GetFullPath(dir)}");
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) }; // until the headers; the body has its own idle timeout
        var report = await new DatasetDownloader(http, new ConsoleProgress()).DownloadAsync(entry, dir, mirror, cancellationToken);
        Console.WriteLine($"done: {report.Downloaded} downloaded, {report.AlreadyPresent} already there. " +
                          $"Use it with --data {report.Directory} (see: neuromorphic datasets info --data {report.Directory}).");
        return 0;
    }
}
