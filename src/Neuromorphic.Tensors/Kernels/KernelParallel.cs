namespace Neuromorphic.Tensors;

/// <summary>
/// Parallel loops for kernels whose iterations write disjoint outputs (copies, per-plane maps, per-image maps).
/// The iterations are cut into a few contiguous panels that run on the shared thread budget of the GEMMs
/// (<see cref="Gemm.Sgemm.RunPanels"/>), so element-wise stages use a core that other layers leave idle instead of
/// oversubscribing the machine. Nothing here splits a floating-point reduction, so results do not depend on the
/// thread count. Small jobs run inline: thread hand-off costs more than it saves below a few hundred thousand floats.
/// </summary>
public static class KernelParallel
{
    const long MinWorkToSplit = 1 << 18;
    const int MaxPanels = 8;

    /// <summary>Runs body(0..count-1); <paramref name="totalWork"/> (about the floats touched) decides whether to split.</summary>
    public static void For(int count, long totalWork, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        int panels = Math.Min(count, MaxPanels);
        if (panels <= 1 || totalWork < MinWorkToSplit)
        {
            for (int i = 0; i < count; i++) body(i);
            return;
        }
        Gemm.Sgemm.RunPanels(panels, p =>
        {
            for (int i = (int)((long)count * p / panels), end = (int)((long)count * (p + 1) / panels); i < end; i++) body(i);
        });
    }
}
