using Neuromorphic.Bench;

namespace Neuromorphic.Cli.Commands;

/// <summary>`bench ...`: the benchmarks in bench/, whose figures go to docs/results.md.</summary>
public sealed class BenchCommand : ICliCommand
{
    public string Name => "bench";
    public string Summary => "run a benchmark (gemm, hebbian, readout, imagefolder, peak)";
    public IReadOnlyList<CliVerb> Verbs { get; } =
    [
        new("bench gemm", "SGEMM GFLOP/s on the CIFAR-10 convolution shapes, managed and OpenBLAS back-ends, as a share of one core's\n" +
                          "peak (clock measured).",
            new CliOption("threads", "N1,N2,...", "thread counts", Default: "1,2"),
            new CliOption("backends", "B1,B2,...", "GEMM back-ends (managed, openblas)", Default: "managed,openblas"),
            new CliOption("seconds", "S", "time per measurement", Default: "2")),
        new("bench hebbian", "Per-stage time of each layer of a preset's Hebbian step (batch 10) and frozen forward (batch 50) on\n" +
                             "synthetic data, then the engine pipeline's images/s and CPU use.",
            new CliOption("preset", "NAME", "the preset", Default: "cifar10"),
            new CliOption("images", "N", "images through the pipeline", Default: "500"),
            new CliOption("schedule", "concurrent|successive", "Hebbian schedule", Default: "concurrent"),
            new CliOption("no-stages", null, "skip the per-stage timings"),
            new CliOption("no-pipeline", null, "skip the engine pipeline run")),
        new("bench readout", "One read-out epoch (train + test evaluation) on synthetic cached features of a preset's shape.",
            new CliOption("preset", "NAME", "the preset", Default: "cifar10"),
            new CliOption("rows", "N", "training rows", Default: "50000"),
            new CliOption("test-rows", "N", "test rows", Default: "10000"),
            new CliOption("epochs", "N", "epochs", Default: "3")),
        new("bench imagefolder", "Decoding photo-sized JPEGs of an image folder (ImageNet) to the network's input, one thread.",
            new CliOption("images", "N", "JPEGs written and decoded", Default: "200"),
            new CliOption("width", "PX", "JPEG width", Default: "500"),
            new CliOption("height", "PX", "JPEG height", Default: "375"),
            new CliOption("size", "PX", "the network's input size", Default: "160"),
            new CliOption("batch", "N", "images per batch", Default: "50")),
        new("bench peak", "This machine's clock and FMA throughput."),
    ];

    public string? Notes => """
        Run on an otherwise idle machine; the figures are wall-clock.
        """;

    public Task<int> RunAsync(CommandArguments args, CancellationToken cancellationToken)
    {
        // The benchmark gets every option of its form spelt out, so the defaults are the ones --help shows.
        var verb = CliHelp.VerbFor(this, args.Raw);
        if (verb is null || args.Positional.Count != 1)
            throw new UserErrorException($"bench needs one of: {string.Join(", ", Verbs.Select(v => v.Words["bench ".Length..]))} (see 'neuromorphic bench --help').");
        var words = new List<string> { args.Positional[0] };
        foreach (var o in verb.Options)
            if (o.Value is null) { if (args.Flag(o.Name)) words.Add("--" + o.Name); }
            else words.AddRange(["--" + o.Name, args.String(o.Name)!]);
        args.ThrowOnUnknown(Name + " " + args.Positional[0]);
        try { return Task.FromResult(Benchmarks.Run(words.ToArray())); }
        catch (Exception e) when (e is ArgumentException or FormatException) { throw new UserErrorException(e.Message, e); }
    }
}
