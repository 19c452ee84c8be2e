namespace Neuromorphic.Tensors;

/// <summary>
/// Parallel loops for kernels whose iterations write disjoint outputs (copies, per-plane maps).
/// Nothing here splits a floating-point reduction, so results do not depend on the thread count.
/// Small jobs run inline: thread hand-off costs more than it saves below a few hundred thousand floats.
/// </summary>
static class KernelParallel
{
    const long MinWorkToSplit = 1 << 18;
    static readonly ParallelOptions Options = new() { MaxDegreeOfParallelism = Gemm.Sgemm.DefaultThreads() };

    public static void For(int count, long totalWork, Action<int> body)
    {
        if (count <= 1 || totalWork < MinWorkToSplit || Options.MaxDegreeOfParallelism <= 1)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Parallel.For(0, count, Options, body);
    }
}
