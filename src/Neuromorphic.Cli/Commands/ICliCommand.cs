namespace Neuromorphic.Cli.Commands;

/// <summary>One verb of the tool. Commands are registered with the host and picked by name.</summary>
public interface ICliCommand
{
    string Name { get; }
    string Summary { get; }
    /// <summary>The command's forms with their options; `neuromorphic NAME --help` and the README are made from them.</summary>
    IReadOnlyList<CliVerb> Verbs { get; }
    /// <summary>Text shown after the options in --help (file formats, where results go), or null.</summary>
    string? Notes => null;
    Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken);
}
