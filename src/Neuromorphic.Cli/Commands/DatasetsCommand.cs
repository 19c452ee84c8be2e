using Neuromorphic.Datasets;

namespace Neuromorphic.Cli.Commands;

/// <summary>`datasets info --data DIR`: what a dataset folder holds, as the readers see it.</summary>
public sealed class DatasetsCommand : ICliCommand
{
    public string Name => "datasets";
    public string Summary => "describe a dataset folder (format, splits, counts, shapes)";
    public string Help => """
        usage: neuromorphic datasets info [--data DIR]

        Recognises MNIST/Fashion-MNIST (IDX, .gz or raw), CIFAR-10/100 (binary version) and
        STL-10 (binary) by their file names, and image folders (train/ and val/ or test/, one subfolder
        per class of JPEG/PNG files, as ImageNet), and prints what each split holds.
        --data DIR   the folder (default: the embedded sample datasets/mnist-sample)
        """;

    public Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        if (args.Positional.Count != 1 || args.Positional[0] != "info")
            throw new UserErrorException("usage: neuromorphic datasets info [--data DIR]");
        string dir = args.String("data") ?? RepositoryPaths.DefaultDataset;
        args.ThrowOnUnknown(Name);
        if (!Directory.Exists(dir)) throw new UserErrorException($"dataset folder '{dir}' does not exist.");
        Console.WriteLine(DatasetDirectory.Describe(dir));
        return Task.FromResult(0);
    }
}
