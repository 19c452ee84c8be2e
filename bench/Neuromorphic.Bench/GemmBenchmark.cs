using System.Diagnostics;
using Neuromorphic.Tensors.Gemm;

namespace Neuromorphic.Bench;

/// <summary>
/// SGEMM throughput on the convolution shapes of the CIFAR-10 network
/// (M = output channels, K = C_in*k*k, N = batch x positions), per back-end and thread count.
/// </summary>
public static class GemmBenchmark
{
    public static readonly (int M, int K, int N, string What)[] Shapes =
    [
        (96, 75, 1024 * 64, "conv1 3->96 5x5, 64 images 32x32"),
        (384, 864, 256 * 64, "conv2 96->384 3x3, 64 images 16x16"),
        (1536, 3456, 64 * 64, "conv3 384->1536 3x3, 64 images 8x8"),
    ];

    public static int Run(string[] args)
    {
        var threadCounts = Option(args, "--threads", "1,2").Split(',').Select(int.Parse).ToArray();
        var backends = Option(args, "--backends", "managed,openblas").Split(',');
        double seconds = double.Parse(Option(args, "--seconds", "2"), System.Globalization.CultureInfo.InvariantCulture);

        var peak = MachinePeak.Measure();
        Console.WriteLine($"machine: {peak.Cpu}, {peak.Cores} cores, {peak.Isa}");
        Console.WriteLine($"clock (dependent-op chain): {peak.ClockGHz:F2} GHz");
        Console.WriteLine($"register-only FMA loop: {peak.FmaLoopGflops:F1} GFLOP/s per core = {peak.MeasuredFlopPerCycle} FLOP/cycle");
        Console.WriteLine($"one core's peak: nominal {peak.NominalPeakGflops:F1} GFLOP/s ({MachinePeak.NominalFlopPerCycle} FLOP/cycle), measured {peak.MeasuredPeakGflops:F1} GFLOP/s ({peak.MeasuredFlopPerCycle} FLOP/cycle)");
        Console.WriteLine("%nom / %meas: GFLOP/s as a share of ONE core's nominal / measured peak (2 threads can reach 200%)");
        Console.WriteLine();
        Console.WriteLine($"{"backend",-24} {"M",5} {"K",5} {"N",6} {"thr",3} {"GFLOP/s",8} {"%nom",6} {"%meas",6} {"x1thr",6}  shape");

        var rng = new Random(42);
        foreach (var (m, k, n, what) in Shapes)
        {
            var a = Fill(rng, m * k); var b = Fill(rng, k * n); var c = new float[m * n];
            foreach (var backendName in backends)
            {
                double single = 0;
                foreach (int t in threadCounts)
                {
                    IGemm gemm;
                    try { gemm = Sgemm.Create(backendName, t); }
                    catch (InvalidOperationException e) { Console.WriteLine($"{backendName}: {e.Message}"); break; }
                    double gf = Measure(gemm, m, n, k, a, b, c, seconds);
                    if (t == 1) single = gf;
                    string scale = t > 1 && single > 0 ? $"{gf / single:F2}" : "";
                    Console.WriteLine($"{gemm.Name,-24} {m,5} {k,5} {n,6} {t,3} {gf,8:F1} {100 * gf / peak.NominalPeakGflops,5:F0}% {100 * gf / peak.MeasuredPeakGflops,5:F0}% {scale,6}  {what}");
                }
            }
        }
        return 0;
    }

    /// <summary>Best of repeated calls over the time budget, after a warm-up call (tiered JIT, page faults).</summary>
    static double Measure(IGemm gemm, int m, int n, int k, float[] a, float[] b, float[] c, double seconds)
    {
        gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        int reps = 0;
        while (reps < 3 || total.Elapsed.TotalSeconds < seconds)
        {
            var sw = Stopwatch.StartNew();
            gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
            reps++;
        }
        return 2.0 * m * n * k / best / 1e9;
    }

    static float[] Fill(Random rng, int count)
    {
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)rng.NextDouble() - 0.5f;
        return x;
    }

    public static string Option(string[] args, string name, string fallback)
    {
        int i = Array.IndexOf(args, name);
        if (i < 0) return fallback;
        if (i + 1 >= args.Length) throw new ArgumentException($"{name} needs a value.");
        return args[i + 1];
    }
}
