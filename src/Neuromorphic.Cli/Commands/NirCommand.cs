using Neuromorphic.Interop.Nir;

namespace Neuromorphic.Cli.Commands;

/// <summary>`nir show FILE`: what a NIR graph (the Neuromorphic Intermediate Representation, HDF5) holds.</summary>
public sealed class NirCommand : ICliCommand
{
    public string Name => "nir";
    public string Summary => "show a NIR graph (Neuromorphic Intermediate Representation, .nir)";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("nir show FILE",
            "Reads a NIR graph (as written by Norse, snnTorch, Sinabs, Rockpool, Lava, ...) and prints its nodes (type,\n" +
            "input and output shape where the parameters fix them, each parameter array's shape and min/mean/max, in the\n" +
            "file's units: tau in seconds), its edges with the recurrent ones (those that close a cycle) marked, and nested\n" +
            "graphs indented. A malformed file gives one error naming the node and the field."),
    ];

    public Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        args.ThrowOnUnknown(Name);
        if (args.Positional.Count != 2 || args.Positional[0] != "show")
            throw new UserErrorException("usage: neuromorphic nir show FILE");
        string path = args.Positional[1];
        var graph = NirReader.Read(path);
        Console.WriteLine(path);
        Console.WriteLine(NirSummary.Format(graph));
        return Task.FromResult(0);
    }
}
