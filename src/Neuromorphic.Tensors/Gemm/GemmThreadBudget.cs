namespace Neuromorphic.Tensors.Gemm;

/// <summary>
/// A process-wide budget of threads for GEMM work, shared by every caller (in the pipelined trainer, one per
/// layer actor). A caller always computes its own product; the budget's helper threads (budget − 1 of them)
/// join a caller's product, one fixed panel at a time, only while fewer than <see cref="Size"/> threads are busy
/// with GEMMs. So one actor alone in a GEMM gets every core, and several actors in GEMMs at once get one core
/// each instead of oversubscribing the machine (OpenBLAS's own threads would, with one global thread count
/// shared by all callers, and spin while they wait).
/// Which thread runs a panel never changes the numbers: the panels are fixed by the product's shape only.
/// </summary>
public sealed class GemmThreadBudget
{
    static readonly Dictionary<int, GemmThreadBudget> Shared = [];

    /// <summary>The process-wide budget of <paramref name="size"/> threads (helpers are created once per size).</summary>
    public static GemmThreadBudget ForSize(int size)
    {
        size = Math.Max(1, size);
        lock (Shared)
        {
            if (!Shared.TryGetValue(size, out var budget)) Shared[size] = budget = new GemmThreadBudget(size);
            return budget;
        }
    }

    readonly object _gate = new();
    readonly List<PanelJob> _jobs = [];
    int _busy;           // threads inside GEMM work: callers computing panels + helpers running a panel
    int _helpersStarted;

    GemmThreadBudget(int size) => Size = size;

    /// <summary>A budget of its own, shared with no other caller (tests that count its busy threads).</summary>
    internal static GemmThreadBudget Unshared(int size) => new(Math.Max(1, size));

    /// <summary>Threads that may compute GEMM panels at the same time (callers included).</summary>
    public int Size { get; }

    /// <summary>Threads busy with GEMM work right now (for tests and diagnostics).</summary>
    public int Busy => Volatile.Read(ref _busy);

    /// <summary>Panels computed by helper threads so far (for tests and diagnostics).</summary>
    public long HelperPanels => Interlocked.Read(ref _helperPanels);
    long _helperPanels;

    /// <summary>
    /// Runs panels 0..count-1 of a product: the calling thread takes panels until none is left, helpers take
    /// some while the budget allows (at most <c>job.MaxHelpers</c>, from the caller's ambient thread limit);
    /// returns when every panel is done and every helper has left the job, its busy slot given back.
    /// </summary>
    internal void Run(PanelJob job)
    {
        if (job.MaxHelpers <= 0 || Size <= 1 || job.Count <= 1)
        {
            for (int p = 0; p < job.Count; p++) job.Body(p);
            return;
        }
        EnsureHelpers();
        lock (_gate)
        {
            _busy++;
            _jobs.Add(job);
            Monitor.PulseAll(_gate);
        }
        try
        {
            int p;
            while ((p = job.Claim()) >= 0) job.RunPanel(p);
        }
        finally
        {
            lock (_gate)
            {
                _busy--;
                _jobs.Remove(job);
                if (_jobs.Count > 0) Monitor.PulseAll(_gate); // a slot freed up for another caller's panels
            }
        }
        job.WaitForPanels();
        // A helper sets the last panel done before it gives its slot back: wait for that too, so that a caller that
        // returns leaves the budget as it found it (with no other caller, Busy is 0).
        lock (_gate)
            while (job.Helpers > 0) Monitor.Wait(_gate);
        job.Finish();
    }

    void EnsureHelpers()
    {
        if (Volatile.Read(ref _helpersStarted) != 0 || Interlocked.Exchange(ref _helpersStarted, 1) != 0) return;
        for (int i = 0; i < Size - 1; i++)
            new Thread(HelperLoop) { IsBackground = true, Name = $"gemm-helper-{i + 1}/{Size - 1}" }.Start();
    }

    void HelperLoop()
    {
        while (true)
        {
            PanelJob? job;
            lock (_gate)
            {
                while ((job = OpenJob()) is null || _busy >= Size) Monitor.Wait(_gate);
                _busy++;
                job.Helpers++;
            }
            try
            {
                // Keep taking this job's panels while the budget still allows it (a new caller may have arrived).
                int p;
                while (Volatile.Read(ref _busy) <= Size && (p = job.Claim()) >= 0)
                {
                    job.RunPanel(p);
                    Interlocked.Increment(ref _helperPanels);
                }
            }
            finally
            {
                lock (_gate)
                {
                    _busy--;
                    job.Helpers--;
                    Monitor.PulseAll(_gate);
                }
            }
        }
    }

    PanelJob? OpenJob()
    {
        foreach (var j in _jobs) if (j.HasUnclaimed && j.Helpers < j.MaxHelpers) return j;
        return null;
    }
}

/// <summary>A product split into fixed panels; any thread may claim and run one.</summary>
internal sealed class PanelJob(int count, int maxHelpers, Action<int> body)
{
    /// <summary>Helpers working on this job now (guarded by the budget's lock).</summary>
    public int Helpers;
    public int MaxHelpers { get; } = maxHelpers;
    int _next = -1, _pending = count;
    Exception? _error;
    readonly ManualResetEventSlim _done = new(count == 0);

    public int Count { get; } = count;
    public Action<int> Body { get; } = body;
    public bool HasUnclaimed => Volatile.Read(ref _next) + 1 < Count;

    public int Claim()
    {
        if (!HasUnclaimed) return -1;
        int p = Interlocked.Increment(ref _next);
        return p < Count ? p : -1;
    }

    public void RunPanel(int p)
    {
        try { Body(p); }
        catch (Exception e) { Interlocked.CompareExchange(ref _error, e, null); }
        finally { if (Interlocked.Decrement(ref _pending) == 0) _done.Set(); }
    }

    public void WaitForPanels() => _done.Wait();

    /// <summary>Once no helper is left on the job: frees its event and rethrows a panel's error.</summary>
    public void Finish()
    {
        _done.Dispose();
        if (_error is { } e) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e).Throw();
    }
}
