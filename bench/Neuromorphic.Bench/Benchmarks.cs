namespace Neuromorphic.Bench;

/// <summary>
/// The benchmark commands, reached as `./neuromorphic bench NAME ...`. Figures go to
/// docs/results.md together with the command that made them.
/// </summary>
public static class Benchmarks
{
    public const string Usage = "bench gemm [--threads 1,2] [--backends managed,openblas] [--seconds S] | bench peak | bench hebbian [--preset cifar10] [--images N] [--schedule concurrent|successive] [--no-stages] [--no-pipeline] | bench readout [--preset cifar10] [--rows 50000] [--test-rows 10000] [--epochs 3] | bench imagefolder [--images 200] [--width 500] [--height 375] [--size 160] [--batch 50]";

    public static int Run(string[] args)
    {
        string command = args.Length > 0 ? args[0] : "";
        string[] rest = args.Skip(1).ToArray();
        return command switch
        {
            "gemm" => GemmBenchmark.Run(rest),
            "peak" => PrintPeak(),
            "hebbian" => HebbianBenchmark.Run(rest),
            "readout" => ReadoutBenchmark.Run(rest),
            "imagefolder" => ImageFolderBenchmark.Run(rest),
            _ => throw new ArgumentException($"unknown benchmark '{command}'; usage: {Usage}"),
        };
    }

    static int PrintPeak()
    {
        var p = MachinePeak.Measure();
        Console.WriteLine($"{p.Cpu}: clock {p.ClockGHz:F2} GHz, FMA loop {p.FmaLoopGflops:F1} GFLOP/s per core = {p.MeasuredFlopPerCycle} FLOP/cycle");
        return 0;
    }
}
