using Microsoft.Extensions.Hosting;
using Neuromorphic.Application.Tuning;

namespace Neuromorphic.Cli.Commands;

/// <summary>`cluster silo`: a worker of a tuning cluster (Orleans), which runs the trials `tune --cluster` hands it.</summary>
public sealed class ClusterCommand : ICliCommand
{
    public string Name => "cluster";
    public string Summary => "start a silo (worker) of an Orleans cluster that runs tune's trials";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("cluster silo", "Starts a silo on this machine and runs until Ctrl-C. The first silo keeps the cluster's membership;\n" +
                            "each further one names it with --primary. Trials read --data and write their run directories at the\n" +
                            "paths tune gives, so every silo needs the same paths (one machine, or a shared file system).\n" +
                            "Then: neuromorphic tune --space ... --cluster localhost:GATEWAY.",
            new CliOption("port", "N", "silo-to-silo port", Default: "11111"),
            new CliOption("gateway", "N", "port clients (tune --cluster) connect to", Default: "30000"),
            new CliOption("primary", "PORT", "the first silo's --port, for every silo after the first", DefaultNote: "none: this is the first")),
    ];

    public async Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        if (args.Positional is not ["silo"]) throw new UserErrorException("usage: neuromorphic cluster silo [--port N] [--gateway N] [--primary PORT]");
        int port = args.Int("port", min: 1)!.Value, gateway = args.Int("gateway", min: 1)!.Value;
        int? primary = args.Int("primary", min: 1);
        args.ThrowOnUnknown(Name + " silo");
        using var silo = ClusterHosting.Silo(port, gateway, primary);
        await silo.StartAsync(cancellationToken);
        Console.WriteLine($"silo up: port {port}, gateway {gateway}{(primary is { } p ? $", joined the cluster of the silo at port {p}" : " (first silo)")}; Ctrl-C stops it");
        try { await Task.Delay(Timeout.Infinite, cancellationToken); }
        catch (OperationCanceledException) { }
        Console.WriteLine("stopping the silo: trials running here write a checkpoint and continue on another silo");
        await silo.StopAsync(CancellationToken.None);
        return 0;
    }
}
