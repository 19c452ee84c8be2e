namespace Neuromorphic.Tensors.Gemm;

/// <summary>
/// The process-wide GEMM back-end that every kernel calls. Chosen once at start-up:
/// the environment variable NEUROMORPHIC_GEMM = auto (default) | openblas | managed,
/// and NEUROMORPHIC_THREADS = number of threads (default: all cores).
/// "auto" takes the system OpenBLAS when it loads, else the managed SIMD kernel.
/// <para>Threading policy: the back-end itself always runs single-threaded (OpenBLAS is set to 1 thread: its one
/// global thread count cannot be shared by several concurrent callers, and its idle threads spin). Parallelism
/// comes from <see cref="PanelGemm"/>: a large product is cut into at most <see cref="MaxPanels"/> fixed panels and
/// a process-wide <see cref="GemmThreadBudget"/> of NEUROMORPHIC_THREADS threads shares them out, so each
/// concurrent caller (a layer actor) computes its own product and idle cores help whichever products are running.
/// A caller can lower its own share with <see cref="UseThreads"/>. The panels depend on the shape only, so the
/// results are bit-identical whatever the thread count or the timing.</para>
/// </summary>
public static class Sgemm
{
    static IGemm? _current;

    public static IGemm Current
    {
        get => _current ??= Create(Environment.GetEnvironmentVariable("NEUROMORPHIC_GEMM"), DefaultThreads());
        set => _current = value ?? throw new ArgumentNullException(nameof(value));
    }

    public static int DefaultThreads()
    {
        var s = Environment.GetEnvironmentVariable("NEUROMORPHIC_THREADS");
        if (string.IsNullOrWhiteSpace(s)) return Environment.ProcessorCount;
        if (int.TryParse(s, out int t) && t >= 1) return t;
        throw new ArgumentException($"NEUROMORPHIC_THREADS must be a whole number >= 1, got '{s}'.");
    }

    /// <summary>Panels of a large product (independent of the thread count, so results are too).</summary>
    public const int MaxPanels = 4;

    /// <summary>A description of the threading policy, for logs and benchmarks.</summary>
    public static string PolicyDescription => NativeThreading ? $"native: the back-end's own {DefaultThreads()} threads per call" :
        $"single-threaded back-end calls on <= {MaxPanels} fixed panels per product, shared budget of {DefaultThreads()} threads (NEUROMORPHIC_THREADS) across all callers";

    [ThreadStatic] static int t_threadLimit;

    /// <summary>The calling thread's own limit on the threads its products may use (null: the whole budget).</summary>
    public static int? AmbientThreadLimit => t_threadLimit > 0 ? t_threadLimit : null;

    /// <summary>
    /// Limits the GEMMs that the calling thread starts, until the scope is disposed, to <paramref name="threads"/>
    /// threads (itself included): 1 keeps every panel on the caller. It never raises the shared budget.
    /// </summary>
    public static ThreadLimitScope UseThreads(int threads)
    {
        if (threads < 1) throw new ArgumentException($"'{nameof(threads)}' must be >= 1, but it is {threads}.", nameof(threads));
        var scope = new ThreadLimitScope(t_threadLimit);
        t_threadLimit = threads;
        return scope;
    }

    /// <summary>Restores the previous limit of the thread that made it.</summary>
    public readonly struct ThreadLimitScope : IDisposable
    {
        readonly int _previous;
        internal ThreadLimitScope(int previous) => _previous = previous;
        public void Dispose() => t_threadLimit = _previous;
    }

    /// <summary>Creates a back-end by name: auto, openblas, managed (or reference, for tests). auto, openblas and
    /// managed come as a <see cref="PanelGemm"/> over the single-threaded kernel, sharing the budget of <paramref name="threads"/>.</summary>
    public static IGemm Create(string? backend, int threads)
    {
        switch ((backend ?? "auto").Trim().ToLowerInvariant())
        {
            case "" or "auto":
                return Shared((IGemm?)OpenBlasGemm.TryCreate(1) ?? new ManagedGemm(1), threads);
            case "openblas":
                return Shared(OpenBlasGemm.TryCreate(1) ?? throw new InvalidOperationException(
                    "GEMM back-end 'openblas' was asked for but libopenblas.so.0 could not be loaded; install the Debian package libopenblas0-pthread or use NEUROMORPHIC_GEMM=managed."), threads);
            case "managed":
                return Shared(new ManagedGemm(1), threads);
            case "reference":
                return new ReferenceGemm();
            default:
                throw new ArgumentException($"Unknown GEMM back-end '{backend}'; expected auto, openblas, managed or reference.");
        }
    }

    /// <summary>NEUROMORPHIC_GEMM_THREADING=native restores the old policy (the back-end's own threads, e.g. OpenBLAS's
    /// global thread count, for every caller at once), for comparisons; anything else is the shared panel budget.</summary>
    static bool NativeThreading => string.Equals(Environment.GetEnvironmentVariable("NEUROMORPHIC_GEMM_THREADING"), "native", StringComparison.OrdinalIgnoreCase);

    static IGemm Shared(IGemm singleThreaded, int threads)
    {
        if (!NativeThreading) return new PanelGemm(singleThreaded, GemmThreadBudget.ForSize(threads), MaxPanels);
        return singleThreaded is OpenBlasGemm ? OpenBlasGemm.TryCreate(threads)! : new ManagedGemm(threads);
    }

    /// <summary>
    /// Runs <paramref name="count"/> independent panels of non-GEMM kernel work (panel p writes only its own part
    /// of the output) on the same shared thread budget as the products: the caller runs panels itself and budget
    /// threads that are idle join in, so a layer's element-wise stages use a core the other layers leave free
    /// instead of oversubscribing. Without a panel back-end, or under a thread limit of 1, the panels run in order
    /// on the caller. The cut into panels is the caller's and must depend on shapes only, so results never depend
    /// on which thread ran what.
    /// </summary>
    public static void RunPanels(int count, Action<int> panel)
    {
        ArgumentNullException.ThrowIfNull(panel);
        if (Current is PanelGemm { Budget: var budget })
        {
            int maxHelpers = Math.Min(budget.Size, AmbientThreadLimit ?? budget.Size) - 1;
            budget.Run(new PanelJob(count, maxHelpers, panel));
            return;
        }
        for (int p = 0; p < count; p++) panel(p);
    }

    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
        => Current.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
