namespace Neuromorphic.Tensors.Gemm;

/// <summary>
/// The process-wide GEMM back-end that every kernel calls. Chosen once at start-up:
/// the environment variable NEUROMORPHIC_GEMM = auto (default) | openblas | managed,
/// and NEUROMORPHIC_THREADS = number of threads (default: all cores).
/// "auto" takes the system OpenBLAS when it loads, else the managed SIMD kernel.
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

    /// <summary>Creates a back-end by name: auto, openblas, managed (or reference, for tests).</summary>
    public static IGemm Create(string? backend, int threads)
    {
        switch ((backend ?? "auto").Trim().ToLowerInvariant())
        {
            case "" or "auto":
                return (IGemm?)OpenBlasGemm.TryCreate(threads) ?? new ManagedGemm(threads);
            case "openblas":
                return OpenBlasGemm.TryCreate(threads) ?? throw new InvalidOperationException(
                    "GEMM back-end 'openblas' was asked for but libopenblas.so.0 could not be loaded; install the Debian package libopenblas0-pthread or use NEUROMORPHIC_GEMM=managed.");
            case "managed":
                return new ManagedGemm(threads);
            case "reference":
                return new ReferenceGemm();
            default:
                throw new ArgumentException($"Unknown GEMM back-end '{backend}'; expected auto, openblas, managed or reference.");
        }
    }

    public static void Multiply(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
        => Current.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}
