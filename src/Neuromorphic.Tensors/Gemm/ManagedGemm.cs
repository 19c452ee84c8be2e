using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Neuromorphic.Tensors.Gemm;

/// <summary>
/// Managed SIMD SGEMM in the BLIS style: B is packed into KC x NR slivers (kept in L1),
/// A into MC x KC blocks of MR-row slivers (kept in L2), and a register-blocked micro-kernel
/// does MR x NR outer products per k step. On AVX-512 the tile is 12 x 32 (24 zmm accumulators:
/// more independent FMA chains than two FMA ports at four cycles' latency need, and fewer B loads per FMA); elsewhere 6 x 16 on 256-bit
/// vectors. The larger of m and n is split across threads; each thread packs its own panels,
/// so threads share nothing but the read-only inputs.
/// </summary>
public sealed unsafe class ManagedGemm : IGemm
{
    const int KC = 256;   // depth of a packed block: an NR sliver of B (KC*NR floats) stays in L1.
    const int MC = 128;   // rows of A per block: MC*KC floats = 128 KiB, resident in L2.
    const int NC = 4096;  // columns of B per packed panel.

    readonly bool _wide;
    readonly int _mr, _nr, _mc;

    public int Threads { get; }
    public string Name { get; }

    /// <param name="threads">Worker threads (>= 1).</param>
    /// <param name="allowAvx512">False forces the 256-bit kernel (for tests and comparisons).</param>
    public ManagedGemm(int threads, bool allowAvx512 = true)
    {
        Threads = Math.Max(1, threads);
        _wide = allowAvx512 && Vector512.IsHardwareAccelerated;
        (_mr, _nr) = _wide ? (12, 32) : (6, 16);
        _mc = MC / _mr * _mr; // whole slivers only, so packing never runs past the A buffer
        Name = $"managed-{(_wide ? "avx512" : "v256")} x{Threads}";
    }

    public void Multiply(bool transA, bool transB, int m, int n, int k,
        float alpha, ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc)
    {
        GemmArguments.Validate(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0) { GemmEdges.ScaleC(m, n, beta, c, ldc); return; }
        // beta = 0: the first depth block stores its tiles straight into C, so C is neither cleared nor read.
        if (beta != 0 && beta != 1) GemmEdges.ScaleC(m, n, beta, c, ldc);
        bool overwrite = beta == 0;

        fixed (float* pa = a, pb = b, pc = c)
        {
            var job = new Job(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, pc, ldc, overwrite);
            // Below ~4 MFLOP the fork/join costs more than it saves.
            int threads = (long)m * n * k < 2_000_000 ? 1 : Threads;
            bool splitN = n >= m;
            int extent = splitN ? n : m, unit = splitN ? _nr : _mr;
            int units = (extent + unit - 1) / unit;
            threads = Math.Min(threads, units);
            if (threads == 1) { RunPart(job, 0, m, 0, n); return; }
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                int from = (int)((long)units * t / threads) * unit;
                int to = Math.Min(extent, (int)((long)units * (t + 1) / threads) * unit);
                if (splitN) RunPart(job, 0, m, from, to);
                else RunPart(job, from, to, 0, n);
            });
        }
    }

    readonly struct Job(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float* c, int ldc, bool overwrite)
    {
        public readonly bool TransA = transA, TransB = transB, Overwrite = overwrite;
        public readonly int M = m, N = n, K = k, Lda = lda, Ldb = ldb, Ldc = ldc;
        public readonly float Alpha = alpha;
        public readonly float* A = a, B = b, C = c;
    }

    [ThreadStatic] static float[]? t_packA, t_packB;

    /// <summary>C[i0:i1, j0:j1] += alpha * op(A)[i0:i1, :] * op(B)[:, j0:j1].</summary>
    void RunPart(in Job job, int i0, int i1, int j0, int j1)
    {
        int mr = _mr, nr = _nr;
        int packASize = MC * KC, packBSize = KC * (NC + nr);
        if (t_packA == null || t_packA.Length < packASize) t_packA = GC.AllocateUninitializedArray<float>(packASize, pinned: true);
        if (t_packB == null || t_packB.Length < packBSize) t_packB = GC.AllocateUninitializedArray<float>(packBSize, pinned: true);
        float* tile = stackalloc float[12 * 32];

        fixed (float* packA = t_packA, packB = t_packB)
        {
            for (int jc = j0; jc < j1; jc += NC)
            {
                int nc = Math.Min(NC, j1 - jc);
                for (int pc = 0; pc < job.K; pc += KC)
                {
                    int kc = Math.Min(KC, job.K - pc);
                    PackB(job, pc, kc, jc, nc, nr, packB);
                    bool store = pc == 0 && job.Overwrite;
                    for (int ic = i0; ic < i1; ic += _mc)
                    {
                        int mc = Math.Min(_mc, i1 - ic);
                        PackA(job, ic, mc, pc, kc, mr, packA);
                        for (int jr = 0; jr < nc; jr += nr)
                        {
                            int nrEff = Math.Min(nr, nc - jr);
                            float* bSliver = packB + jr * kc;
                            for (int ir = 0; ir < mc; ir += mr)
                            {
                                int mrEff = Math.Min(mr, mc - ir);
                                float* aSliver = packA + ir * kc;
                                float* cTile = job.C + (long)(ic + ir) * job.Ldc + jc + jr;
                                if (mrEff == mr && nrEff == nr)
                                    MicroKernel(kc, aSliver, bSliver, cTile, job.Ldc, job.Alpha, store);
                                else
                                {
                                    // Edge tile: compute the full tile into scratch, copy back the valid part.
                                    MicroKernel(kc, aSliver, bSliver, tile, nr, job.Alpha, store: true);
                                    for (int i = 0; i < mrEff; i++)
                                        for (int j = 0; j < nrEff; j++)
                                        {
                                            ref float cij = ref cTile[(long)i * job.Ldc + j];
                                            cij = store ? tile[i * nr + j] : cij + tile[i * nr + j];
                                        }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>C tile = alpha * A sliver * B sliver (store) or C tile += that (accumulate).</summary>
    void MicroKernel(int kc, float* a, float* b, float* c, int ldc, float alpha, bool store)
    {
        if (_wide) Kernel12x32(kc, a, b, c, ldc, alpha, store);
        else Kernel6x16(kc, a, b, c, ldc, alpha, store);
    }

    /// <summary>Packs op(A)[ic:ic+mc, pc:pc+kc] as MR-row slivers.</summary>
    static void PackA(in Job job, int ic, int mc, int pc, int kc, int mr, float* dst) =>
        // Element (row i, depth p) of op(A) lies at A + i*rowStride + p*depthStride.
        PackSlivers(job.A + (job.TransA ? (long)pc * job.Lda + ic : (long)ic * job.Lda + pc),
            job.TransA ? 1 : job.Lda, job.TransA ? job.Lda : 1, mc, kc, mr, dst);

    /// <summary>Packs op(B)[pc:pc+kc, jc:jc+nc] as NR-column slivers.</summary>
    static void PackB(in Job job, int pc, int kc, int jc, int nc, int nr, float* dst) =>
        // Element (column j, depth p) of op(B) lies at B + j*rowStride + p*depthStride.
        PackSlivers(job.B + (job.TransB ? (long)jc * job.Ldb + pc : (long)pc * job.Ldb + jc),
            job.TransB ? job.Ldb : 1, job.TransB ? 1 : job.Ldb, nc, kc, nr, dst);

    /// <summary>
    /// Packs a (rows x depth) slab, element (r, p) at src + r*rowStride + p*depthStride, into slivers of
    /// <paramref name="width"/> rows stored depth-major (sliver s, depth p, lane l at dst[s*width*depth + p*width + l]),
    /// zero-padding the last sliver: exactly the order in which the micro-kernel reads them.
    /// </summary>
    static void PackSlivers(float* src, long rowStride, long depthStride, int rows, int depth, int width, float* dst)
    {
        for (int r0 = 0; r0 < rows; r0 += width)
        {
            int lanes = Math.Min(width, rows - r0);
            float* sliver = dst + (long)r0 * depth;
            float* first = src + r0 * rowStride;
            if (rowStride == 1)
            {
                // A sliver's lanes are contiguous in memory: copy a run per depth step.
                for (int p = 0; p < depth; p++)
                {
                    float* from = first + p * depthStride;
                    float* to = sliver + p * width;
                    Buffer.MemoryCopy(from, to, lanes * sizeof(float), lanes * sizeof(float));
                    for (int l = lanes; l < width; l++) to[l] = 0;
                }
            }
            else
            {
                // Each lane is a contiguous run along depth: gather it into its column of the sliver.
                for (int l = 0; l < width; l++)
                {
                    float* from = first + l * rowStride;
                    if (l < lanes)
                        for (int p = 0; p < depth; p++) sliver[p * width + l] = from[p * depthStride];
                    else
                        for (int p = 0; p < depth; p++) sliver[p * width + l] = 0;
                }
            }
        }
    }

    // The micro-kernels are call-free so the JIT keeps every accumulator in a register:
    // 24 of the 32 zmm registers accumulate, 2 hold B, the A values come as broadcast loads.
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static void Kernel12x32(int kc, float* a, float* b, float* c, int ldc, float alpha, bool store)
    {
        Vector512<float> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default, c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default, c60 = default, c61 = default, c70 = default, c71 = default, c80 = default, c81 = default, c90 = default, c91 = default, c100 = default, c101 = default, c110 = default, c111 = default;
        // Touch the C tile now: its rows lie far apart and would otherwise miss in cache at the end.
        if (System.Runtime.Intrinsics.X86.Sse.IsSupported)
            for (int i = 0; i < 12; i++)
            {
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(c + (long)i * ldc);
                System.Runtime.Intrinsics.X86.Sse.Prefetch0(c + (long)i * ldc + 16);
            }
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector512.Load(b);
            var b1 = Vector512.Load(b + 16);
            var x = Vector512.Create(a[0]); c00 = Vector512.FusedMultiplyAdd(x, b0, c00); c01 = Vector512.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a[1]); c10 = Vector512.FusedMultiplyAdd(x, b0, c10); c11 = Vector512.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a[2]); c20 = Vector512.FusedMultiplyAdd(x, b0, c20); c21 = Vector512.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a[3]); c30 = Vector512.FusedMultiplyAdd(x, b0, c30); c31 = Vector512.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a[4]); c40 = Vector512.FusedMultiplyAdd(x, b0, c40); c41 = Vector512.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a[5]); c50 = Vector512.FusedMultiplyAdd(x, b0, c50); c51 = Vector512.FusedMultiplyAdd(x, b1, c51);
            x = Vector512.Create(a[6]); c60 = Vector512.FusedMultiplyAdd(x, b0, c60); c61 = Vector512.FusedMultiplyAdd(x, b1, c61);
            x = Vector512.Create(a[7]); c70 = Vector512.FusedMultiplyAdd(x, b0, c70); c71 = Vector512.FusedMultiplyAdd(x, b1, c71);
            x = Vector512.Create(a[8]); c80 = Vector512.FusedMultiplyAdd(x, b0, c80); c81 = Vector512.FusedMultiplyAdd(x, b1, c81);
            x = Vector512.Create(a[9]); c90 = Vector512.FusedMultiplyAdd(x, b0, c90); c91 = Vector512.FusedMultiplyAdd(x, b1, c91);
            x = Vector512.Create(a[10]); c100 = Vector512.FusedMultiplyAdd(x, b0, c100); c101 = Vector512.FusedMultiplyAdd(x, b1, c101);
            x = Vector512.Create(a[11]); c110 = Vector512.FusedMultiplyAdd(x, b0, c110); c111 = Vector512.FusedMultiplyAdd(x, b1, c111);
            a += 12; b += 32;
        }
        var al = Vector512.Create(alpha);
        Store512(c, al, c00, c01, store); c += ldc;
        Store512(c, al, c10, c11, store); c += ldc;
        Store512(c, al, c20, c21, store); c += ldc;
        Store512(c, al, c30, c31, store); c += ldc;
        Store512(c, al, c40, c41, store); c += ldc;
        Store512(c, al, c50, c51, store); c += ldc;
        Store512(c, al, c60, c61, store); c += ldc;
        Store512(c, al, c70, c71, store); c += ldc;
        Store512(c, al, c80, c81, store); c += ldc;
        Store512(c, al, c90, c91, store); c += ldc;
        Store512(c, al, c100, c101, store); c += ldc;
        Store512(c, al, c110, c111, store);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store512(float* c, Vector512<float> alpha, Vector512<float> lo, Vector512<float> hi, bool store)
    {
        if (store)
        {
            (alpha * lo).Store(c);
            (alpha * hi).Store(c + 16);
        }
        else
        {
            Vector512.FusedMultiplyAdd(alpha, lo, Vector512.Load(c)).Store(c);
            Vector512.FusedMultiplyAdd(alpha, hi, Vector512.Load(c + 16)).Store(c + 16);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    static void Kernel6x16(int kc, float* a, float* b, float* c, int ldc, float alpha, bool store)
    {
        Vector256<float> c00 = default, c01 = default, c10 = default, c11 = default,
            c20 = default, c21 = default, c30 = default, c31 = default,
            c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var x = Vector256.Create(a[0]); c00 = Vector256.FusedMultiplyAdd(x, b0, c00); c01 = Vector256.FusedMultiplyAdd(x, b1, c01);
            x = Vector256.Create(a[1]); c10 = Vector256.FusedMultiplyAdd(x, b0, c10); c11 = Vector256.FusedMultiplyAdd(x, b1, c11);
            x = Vector256.Create(a[2]); c20 = Vector256.FusedMultiplyAdd(x, b0, c20); c21 = Vector256.FusedMultiplyAdd(x, b1, c21);
            x = Vector256.Create(a[3]); c30 = Vector256.FusedMultiplyAdd(x, b0, c30); c31 = Vector256.FusedMultiplyAdd(x, b1, c31);
            x = Vector256.Create(a[4]); c40 = Vector256.FusedMultiplyAdd(x, b0, c40); c41 = Vector256.FusedMultiplyAdd(x, b1, c41);
            x = Vector256.Create(a[5]); c50 = Vector256.FusedMultiplyAdd(x, b0, c50); c51 = Vector256.FusedMultiplyAdd(x, b1, c51);
            a += 6; b += 16;
        }
        var al = Vector256.Create(alpha);
        Store256(c, al, c00, c01, store); c += ldc;
        Store256(c, al, c10, c11, store); c += ldc;
        Store256(c, al, c20, c21, store); c += ldc;
        Store256(c, al, c30, c31, store); c += ldc;
        Store256(c, al, c40, c41, store); c += ldc;
        Store256(c, al, c50, c51, store);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Store256(float* c, Vector256<float> alpha, Vector256<float> lo, Vector256<float> hi, bool store)
    {
        if (store)
        {
            (alpha * lo).Store(c);
            (alpha * hi).Store(c + 8);
        }
        else
        {
            Vector256.FusedMultiplyAdd(alpha, lo, Vector256.Load(c)).Store(c);
            Vector256.FusedMultiplyAdd(alpha, hi, Vector256.Load(c + 8)).Store(c + 8);
        }
    }
}
