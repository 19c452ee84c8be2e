using System.Runtime.InteropServices;

namespace Neuromorphic.Tensors.Gemm;

/// <summary>
/// cblas_sgemm from the system OpenBLAS (Debian libopenblas0-pthread), called directly:
/// MathNet's OpenBLAS provider needs a wrapper library that no package ships for Linux.
/// </summary>
public sealed unsafe partial class OpenBlasGemm : IGemm
{
    const string Library = "libopenblas.so.0";
    const int RowMajor = 101, NoTrans = 111, Trans = 112;

    public int Threads { get; }
    public string Name { get; }

    // The library's thread count is one global. Calls hold the read side of this lock and a change of the count the
    // write side, so that no call runs while an instance with another count changes it (OpenBLAS is not safe for that).
    static readonly ReaderWriterLockSlim s_threads = new();
    static int s_libraryThreads;

    static void SetLibraryThreads(int threads)
    {
        s_threads.EnterWriteLock();
        try { SetLibraryThreadsLocked(threads); }
        finally { s_threads.ExitWriteLock(); }
    }

    static void SetLibraryThreadsLocked(int threads)
    {
        openblas_set_num_threads(threads);
        s_libraryThreads = threads;
    }

    OpenBlasGemm(int threads)
    {
        Threads = threads;
        SetLibraryThreads(threads);
        string core = Marshal.PtrToStringAnsi(openblas_get_corename()) ?? "?";
        Name = $"openblas-{core.ToLowerInvariant()} x{threads}";
    }

    /// <summary>The back-end, or null when the library is not installed.</summary>
    public static OpenBlasGemm? TryCreate(int threads)
    {
        ChooseCoreType();
        if (!NativeLibrary.TryLoad(Library, out var handle)) return null;
        bool ok = NativeLibrary.TryGetExport(handle, "cblas_sgemm", out _);
        return ok ? new OpenBlasGemm(Math.Max(1, threads)) : null;
    }

    public void Multiply(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0) { GemmEdges.ScaleC(m, n, beta, c, ldc); return; }
        // An instance with another thread count may have changed the library's since this one's last call: then the
        // call runs under the write side, after setting it back.
        s_threads.EnterReadLock();
        try
        {
            if (s_libraryThreads == Threads)
            {
                Call(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
                return;
            }
        }
        finally { s_threads.ExitReadLock(); }
        s_threads.EnterWriteLock();
        try
        {
            if (s_libraryThreads != Threads) SetLibraryThreadsLocked(Threads);
            Call(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        }
        finally { s_threads.ExitWriteLock(); }
    }

    static void Call(bool transA, bool transB, int m, int n, int k, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        fixed (float* pa = a, pb = b, pc = c)
            cblas_sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k,
                alpha, pa, Math.Max(1, lda), pb, Math.Max(1, ldb), beta, pc, Math.Max(1, ldc));
    }

    /// <summary>
    /// Under a hypervisor that hides the CPU model, OpenBLAS's run-time detection falls back to its
    /// SSE3 "Prescott" kernels (a fifth of the speed here). Where the user has not chosen a core type,
    /// pick the kernels matching the instruction set the JIT sees. Must run before the library loads;
    /// the native environment is set, since OpenBLAS reads it with getenv.
    /// </summary>
    static void ChooseCoreType()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("OPENBLAS_CORETYPE") is { Length: > 0 }) return;
        string? core = System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "SkylakeX"
            : System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "Haswell" : null;
        if (core != null) setenv("OPENBLAS_CORETYPE", core, 0);
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [LibraryImport(Library)]
    private static partial void cblas_sgemm(int order, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(Library)]
    private static partial void openblas_set_num_threads(int threads);

    [LibraryImport(Library)]
    private static partial nint openblas_get_corename();
}
