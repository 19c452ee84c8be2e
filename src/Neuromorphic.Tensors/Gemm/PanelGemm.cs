namespace Neuromorphic.Tensors.Gemm;

/// <summary>
/// Multi-threaded SGEMM over a single-threaded back-end: C is cut into a few panels along its larger side
/// (whole rows of A or whole columns of B each), every panel is one single-threaded call of the inner back-end,
/// and the panels are shared out through a <see cref="GemmThreadBudget"/>. The cut depends on the shape only
/// (never on the thread count or on timing), and each element of C is computed by exactly one panel call with
/// the full depth, so the numbers are the same whichever threads, and however many, run the panels.
/// </summary>
public sealed unsafe class PanelGemm : IGemm
{
    /// <summary>Below this many FLOP per panel, splitting costs more than it saves.</summary>
    public const double MinPanelFlop = 24e6;
    /// <summary>Panels are cut at multiples of this many rows or columns (a whole number of micro-tiles of every back-end).</summary>
    public const int PanelUnit = 64;

    readonly IGemm _inner;

    /// <param name="inner">A single-threaded back-end (it is called from several threads at once).</param>
    /// <param name="budget">The shared thread budget.</param>
    /// <param name="maxPanels">Panels of a large product: a few per thread of the budget, so a helper that arrives late still gets a share.</param>
    public PanelGemm(IGemm inner, GemmThreadBudget budget, int maxPanels)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Budget = budget ?? throw new ArgumentNullException(nameof(budget));
        MaxPanels = Math.Max(1, maxPanels);
        Name = $"{inner.Name} panels<={MaxPanels} budget {budget.Size}";
    }

    public string Name { get; }
    public GemmThreadBudget Budget { get; }
    public int MaxPanels { get; }
    public IGemm Inner => _inner;

    /// <summary>How a product of this shape is cut: along n (columns) or m (rows), into how many panels of how many units.</summary>
    public (bool SplitN, int Panels) Plan(int m, int n, int k)
    {
        bool splitN = n >= m;
        int extent = splitN ? n : m;
        int units = (extent + PanelUnit - 1) / PanelUnit;
        double flop = 2.0 * m * n * k;
        int panels = (int)Math.Clamp(flop / MinPanelFlop, 1, MaxPanels);
        return (splitN, Math.Min(panels, units));
    }

    public void Multiply(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        var (splitN, panels) = Plan(m, n, k);
        if (panels <= 1 || k == 0)
        {
            _inner.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        int extent = splitN ? n : m;
        int units = (extent + PanelUnit - 1) / PanelUnit;
        int aLen = a.Length, bLen = b.Length, cLen = c.Length;
        fixed (float* pa = a, pb = b, pc = c)
        {
            nint ia = (nint)pa, ib = (nint)pb, ic = (nint)pc;
            var inner = _inner;
            int maxHelpers = Math.Min(Budget.Size, Sgemm.AmbientThreadLimit ?? Budget.Size) - 1;
            var job = new PanelJob(panels, maxHelpers, p =>
            {
                int from = (int)((long)units * p / panels) * PanelUnit;
                int to = Math.Min(extent, (int)((long)units * (p + 1) / panels) * PanelUnit);
                if (to <= from) return;
                float* A = (float*)ia, B = (float*)ib, C = (float*)ic;
                if (splitN)
                {
                    // Columns [from, to) of op(B) and C; A whole.
                    long bOff = transB ? (long)from * ldb : from;
                    inner.Multiply(transA, transB, m, to - from, k, alpha,
                        new ReadOnlySpan<float>(A, aLen), lda,
                        new ReadOnlySpan<float>(B + bOff, (int)(bLen - bOff)), ldb,
                        beta, new Span<float>(C + from, cLen - from), ldc);
                }
                else
                {
                    // Rows [from, to) of op(A) and C; B whole.
                    long aOff = transA ? from : (long)from * lda;
                    long cOff = (long)from * ldc;
                    inner.Multiply(transA, transB, to - from, n, k, alpha,
                        new ReadOnlySpan<float>(A + aOff, (int)(aLen - aOff)), lda,
                        new ReadOnlySpan<float>(B, bLen), ldb,
                        beta, new Span<float>(C + cOff, (int)(cLen - cOff)), ldc);
                }
            });
            Budget.Run(job);
        }
    }
}
