using Neuromorphic.Bench;

namespace Neuromorphic.Cli.Commands;

/// <summary>`bench ...`: the benchmarks in bench/, whose figures go to docs/results.md.</summary>
public sealed class BenchCommand : ICliCommand
{
    public string Name => "bench";
    public string Summary => "run a benchmark (gemm, peak)";
    public string Help => $"""
        usage: neuromorphic {Benchmarks.Usage}

        gemm   SGEMM GFLOP/s on the CIFAR-10 convolution shapes, managed and OpenBLAS back-ends,
               1 and 2 threads, as a share of one core's peak (clock measured)
        peak   this machine's clock and FMA throughput
        Run on an otherwise idle machine; the figures are wall-clock.
        """;

    public Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        try { return Task.FromResult(Benchmarks.Run(args.Raw.ToArray())); }
        catch (Exception e) when (e is ArgumentException or FormatException) { throw new UserErrorException(e.Message, e); }
    }
}
