using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Neuromorphic.Bench;

/// <summary>
/// What this core can do: its clock, measured as a chain of dependent one-cycle integer ops,
/// and the FP32 FMA throughput a register-only loop reaches. Two peaks are reported:
/// the nominal one, clock x 32 FLOP/cycle (one 512-bit FMA per cycle, or two 256-bit), and the
/// measured one, clock x the FLOP/cycle the FMA loop shows (64 where a core has two 512-bit FMA units).
/// </summary>
public sealed record MachinePeak(string Cpu, int Cores, string Isa, double ClockGHz, double FmaLoopGflops)
{
    public const int NominalFlopPerCycle = 32;
    public double NominalPeakGflops => ClockGHz * NominalFlopPerCycle;

    /// <summary>The FMA loop's FLOP per cycle, rounded to the power of two it approaches (8, 16, 32 or 64).</summary>
    public int MeasuredFlopPerCycle
    {
        get
        {
            double perCycle = FmaLoopGflops / ClockGHz;
            int best = 8;
            foreach (int candidate in new[] { 16, 32, 64 })
                if (perCycle > candidate * 0.7) best = candidate;
            return best;
        }
    }

    public double MeasuredPeakGflops => ClockGHz * MeasuredFlopPerCycle;

    public static MachinePeak Measure()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "?"
            : "?";
        string isa = Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2" : "scalar";
        Chain(1_000_000, 3, 5); FmaLoop(100_000); // JIT warm-up
        double bestClock = 0, bestFma = 0;
        for (int rep = 0; rep < 5; rep++)
        {
            const long iters = 40_000_000;
            var sw = Stopwatch.StartNew();
            Chain(iters, rep + 3, 7);
            bestClock = Math.Max(bestClock, iters * 16.0 / sw.Elapsed.TotalSeconds / 1e9);
            const long fmaIters = 20_000_000;
            sw.Restart();
            FmaLoop(fmaIters);
            bestFma = Math.Max(bestFma, fmaIters * 12.0 * Vector512<float>.Count * 2 / sw.Elapsed.TotalSeconds / 1e9);
        }
        return new MachinePeak(cpu, Environment.ProcessorCount, isa, bestClock, bestFma);
    }

    // 16 dependent add/xor ops per iteration: 16 cycles, whatever the loop overhead.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static long Chain(long iters, long a, long b)
    {
        long x = a;
        for (long i = 0; i < iters; i++)
        {
            x = (x + b) ^ a; x = (x + b) ^ a; x = (x + b) ^ a; x = (x + b) ^ a;
            x = (x + b) ^ a; x = (x + b) ^ a; x = (x + b) ^ a; x = (x + b) ^ a;
        }
        return x;
    }

    // 12 independent FMA chains: enough to keep two FMA pipes of 4-cycle latency full.
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    static float FmaLoop(long iters)
    {
        var m = Vector512.Create(0.999999f); var add = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0,
            a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < iters; i++)
        {
            a0 = Vector512.FusedMultiplyAdd(a0, m, add); a1 = Vector512.FusedMultiplyAdd(a1, m, add);
            a2 = Vector512.FusedMultiplyAdd(a2, m, add); a3 = Vector512.FusedMultiplyAdd(a3, m, add);
            a4 = Vector512.FusedMultiplyAdd(a4, m, add); a5 = Vector512.FusedMultiplyAdd(a5, m, add);
            a6 = Vector512.FusedMultiplyAdd(a6, m, add); a7 = Vector512.FusedMultiplyAdd(a7, m, add);
            a8 = Vector512.FusedMultiplyAdd(a8, m, add); a9 = Vector512.FusedMultiplyAdd(a9, m, add);
            a10 = Vector512.FusedMultiplyAdd(a10, m, add); a11 = Vector512.FusedMultiplyAdd(a11, m, add);
        }
        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}
