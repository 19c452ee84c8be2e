using Neuromorphic.Bench;

namespace Neuromorphic.Cli.Commands;

/// <summary>`bench ...`: the benchmarks in bench/, whose figures go to docs/results.md.</summary>
public sealed class BenchCommand : ICliCommand
{
    public string Name => "bench";
    public string Summary => "run a benchmark (gemm, hebbian, readout, imagefolder, peak)";
    public string Help => $"""
        usage: neuromorphic {Benchmarks.Usage}

        gemm   SGEMM GFLOP/s on the CIFAR-10 convolution shapes, managed and OpenBLAS back-ends,
               1 and 2 threads, as a share of one core's peak (clock measured)
        hebbian  per-stage time of each layer of a preset's Hebbian step (batch 10) and frozen forward
                 (batch 50) on synthetic data, then the engine pipeline's images/s and CPU use
        readout  one read-out epoch (train + test evaluation) on synthetic cached features of a preset's shape
        imagefolder  decoding photo-sized JPEGs of an image folder (ImageNet) to the network's input, one thread
        peak   this machine's clock and FMA throughput
        Run on an otherwise idle machine; the figures are wall-clock.
        """;

    public Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        try { return Task.FromResult(Benchmarks.Run(args.Raw.ToArray())); }
        catch (Exception e) when (e is ArgumentException or FormatException) { throw new UserErrorException(e.Message, e); }
    }
}
