using System.Runtime.CompilerServices;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Neuromorphic.Spiking;

/// <summary>The state of one population of IF/LIF/current-based LIF neurons and its whole per-step update (the
/// process model). An actor (<see cref="PopulationActor"/>) wraps it; tests and other actors call <see cref="Step"/>
/// directly, so there is one implementation of the dynamics.
/// <para>Time: step k covers ((k)·dt, (k+1)·dt]. Input delivered "at offset o" lands in the ring-buffer slot that step
/// StepCount + o reads. Within a step, in this order: the membrane is propagated exactly over dt with the currents
/// present at the start of the step (V' = A·V + B + Ke·I_e + Ki·I_i); delta-synapse input of the step is added to V;
/// current-based input of the step is added to I_e/I_i after their decay (so it moves V from the next step on);
/// refractory neurons are held at reset (their delta input is discarded, their currents keep integrating);
/// V ≥ threshold + θ emits a spike, resets V and starts the refractory period of <see cref="RefractorySteps"/> steps.</para>
/// <para>Work per step: one vectorised pass over the state arrays (∝ neurons) plus ∝ spikes; never ∝ synapses.</para></summary>
public sealed class Population
{
    private readonly double[] v;
    private readonly double[] ie;
    private readonly double[] ii;
    private readonly double[] refractory;
    private readonly double[] theta;
    private readonly long[] spikeCounts;
    private double[] ringE;
    private double[] ringI;
    private int slots;

    /// <summary>Synaptic currents smaller than this (mV) are set to 0, so long silences never reach denormal numbers
    /// (which are ~100 times slower to compute with).</summary>
    public const double Tiny = 1e-30;

    public Population(int size, NeuronParameters parameters, double dtMs, int maxDelaySteps = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();
        if (!(dtMs > 0) || double.IsInfinity(dtMs)) throw new ArgumentOutOfRangeException(nameof(dtMs), dtMs, "dt must be finite and > 0.");
        ArgumentOutOfRangeException.ThrowIfNegative(maxDelaySteps);
        Size = size;
        Parameters = parameters;
        DtMs = dtMs;
        Propagators = Propagators.For(parameters, dtMs);
        RefractorySteps = (int)Math.Round(parameters.RefractoryMs / dtMs);
        v = new double[size];
        ie = new double[size];
        ii = new double[size];
        refractory = new double[size];
        theta = new double[size];
        spikeCounts = new long[size];
        // Lateral inhibition arrives one step later, so it needs a slot beyond the current one.
        slots = Math.Max(maxDelaySteps, parameters.LateralInhibitionMv > 0 ? 1 : 0) + 1;
        ringE = new double[slots * size];
        ringI = new double[slots * size];
        Array.Fill(v, parameters.Model == NeuronModel.IntegrateAndFire ? parameters.ResetMv : parameters.RestMv);
    }

    public int Size { get; }
    public double DtMs { get; }
    public NeuronParameters Parameters { get; }
    public Propagators Propagators { get; }
    /// <summary>Whole steps a neuron is held at reset after its spike: round(RefractoryMs / dt).</summary>
    public int RefractorySteps { get; }
    /// <summary>Steps done so far; the next <see cref="Step"/> processes step number StepCount.</summary>
    public long StepCount { get; private set; }
    /// <summary>Largest delivery offset (steps) the input ring buffer holds.</summary>
    public int MaxDelaySteps => slots - 1;
    /// <summary>Synaptic events the population's own lateral inhibition delivered in the last step.</summary>
    public long LastLateralEvents { get; private set; }

    /// <summary>Membrane potentials (mV); writable for initialisation.</summary>
    public Span<double> Membrane => v;
    public Span<double> ExcitatoryCurrent => ie;
    public Span<double> InhibitoryCurrent => ii;
    /// <summary>Adaptive threshold offsets θ (mV).</summary>
    public Span<double> Theta => theta;
    /// <summary>Remaining refractory steps per neuron.</summary>
    public ReadOnlySpan<double> RefractoryRemaining => refractory;
    /// <summary>Spikes per neuron since construction or <see cref="ClearSpikeCounts"/>.</summary>
    public ReadOnlySpan<long> SpikeCounts => spikeCounts;

    public void ClearSpikeCounts() => Array.Clear(spikeCounts);

    /// <summary>Grows the input ring buffer so that input can be scheduled up to <paramref name="steps"/> ahead;
    /// pending input keeps its arrival step.</summary>
    public void EnsureMaxDelay(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        if (steps <= MaxDelaySteps) return;
        int n = Size, newSlots = steps + 1;
        var e = new double[newSlots * n];
        var i = new double[newSlots * n];
        for (int o = 0; o < slots; o++)
        {
            int from = (int)((StepCount + o) % slots), to = (int)((StepCount + o) % newSlots);
            ringE.AsSpan(from * n, n).CopyTo(e.AsSpan(to * n, n));
            ringI.AsSpan(from * n, n).CopyTo(i.AsSpan(to * n, n));
        }
        ringE = e;
        ringI = i;
        slots = newSlots;
    }

    /// <summary>The input accumulator of the step <paramref name="offset"/> steps ahead of the next one (0 = the next
    /// step itself), for one channel. Add weights into it; it is cleared when that step has read it.</summary>
    public Span<double> InputSlot(int offset, SynapseChannel channel)
    {
        if ((uint)offset >= (uint)slots)
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"Input offset must be in 0..{MaxDelaySteps} (the ring buffer's depth); call EnsureMaxDelay for longer delays.");
        int slot = (int)((StepCount + offset) % slots);
        return (channel == SynapseChannel.Excitatory ? ringE : ringI).AsSpan(slot * Size, Size);
    }

    public void AddInput(int offset, int neuron, double value, SynapseChannel channel) =>
        InputSlot(offset, channel)[neuron] += value;

    /// <summary>Resets V, currents, refractoriness and pending input (an infinitely long rest); keeps θ and counts.</summary>
    public void ResetState()
    {
        Array.Fill(v, Parameters.Model == NeuronModel.IntegrateAndFire ? Parameters.ResetMv : Parameters.RestMv);
        Array.Clear(ie);
        Array.Clear(ii);
        Array.Clear(refractory);
        Array.Clear(ringE);
        Array.Clear(ringI);
    }

    /// <summary>Advances the population by one step; writes the indices of the neurons that spiked, ascending, into
    /// <paramref name="spikes"/> (which must hold <see cref="Size"/> entries) and returns how many.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public int Step(Span<int> spikes)
    {
        int n = Size;
        if (spikes.Length < n) throw new ArgumentException($"The spike buffer holds {spikes.Length} entries; the population has {n} neurons.", nameof(spikes));
        int head = (int)(StepCount % slots);
        var p = Parameters;
        var pr = Propagators;
        bool delta = p.Model != NeuronModel.CurrentLif;
        bool adaptive = p.ThetaPlusMv != 0;
        double dsel = delta ? 1 : 0, csel = delta ? 0 : 1;
        double reset = p.ResetMv, vth = p.ThresholdMv, nref = RefractorySteps, thPlus = p.ThetaPlusMv;

        ref double rv = ref MemoryMarshal.GetArrayDataReference(v);
        ref double re = ref MemoryMarshal.GetArrayDataReference(ie);
        ref double ri = ref MemoryMarshal.GetArrayDataReference(ii);
        ref double rr = ref MemoryMarshal.GetArrayDataReference(refractory);
        ref double rt = ref MemoryMarshal.GetArrayDataReference(theta);
        ref double rxe = ref ringE[head * n];
        ref double rxi = ref ringI[head * n];
        int count = 0, i = 0;

        // One 512-bit path; without AVX-512 the scalar loop below does the same operations in the same order.
        if (Vector512.IsHardwareAccelerated && n >= 8)
        {
            var A = Vector512.Create(pr.A);
            var B = Vector512.Create(pr.B);
            var KE = Vector512.Create(pr.Ke);
            var KI = Vector512.Create(pr.Ki);
            var PE = Vector512.Create(pr.Pe);
            var PI = Vector512.Create(pr.Pi);
            var PTH = Vector512.Create(pr.Ptheta);
            var THPLUS = Vector512.Create(thPlus);
            var DSEL = Vector512.Create(dsel);
            var CSEL = Vector512.Create(csel);
            var RESET = Vector512.Create(reset);
            var VTH = Vector512.Create(vth);
            var NREF = Vector512.Create(nref);
            var ONE = Vector512<double>.One;
            var ZERO = Vector512<double>.Zero;
            var TINY = Vector512.Create(Tiny);
            for (; i <= n - 8; i += 8)
            {
                nuint k = (nuint)i;
                var V = Vector512.LoadUnsafe(ref rv, k);
                var E = Vector512.LoadUnsafe(ref re, k);
                var I = Vector512.LoadUnsafe(ref ri, k);
                var R = Vector512.LoadUnsafe(ref rr, k);
                var XE = Vector512.LoadUnsafe(ref rxe, k);
                var XI = Vector512.LoadUnsafe(ref rxi, k);
                var free = Vector512.LessThanOrEqual(R, ZERO);
                var vn = A * V + B + KE * E + KI * I + DSEL * (XE + XI);
                vn = Vector512.ConditionalSelect(free, vn, RESET);
                R = Vector512.Max(R - ONE, ZERO);
                E = PE * E + CSEL * XE;
                I = PI * I + CSEL * XI;
                E = Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(E), TINY), ZERO, E);
                I = Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(I), TINY), ZERO, I);
                var threshold = VTH;
                var T = ZERO;
                if (adaptive)
                {
                    T = Vector512.LoadUnsafe(ref rt, k) * PTH;
                    threshold = VTH + T;
                }
                var spk = Vector512.GreaterThanOrEqual(vn, threshold);
                vn = Vector512.ConditionalSelect(spk, RESET, vn);
                R = Vector512.ConditionalSelect(spk, NREF, R);
                vn.StoreUnsafe(ref rv, k);
                E.StoreUnsafe(ref re, k);
                I.StoreUnsafe(ref ri, k);
                R.StoreUnsafe(ref rr, k);
                ZERO.StoreUnsafe(ref rxe, k);
                ZERO.StoreUnsafe(ref rxi, k);
                if (adaptive) (T + (spk & THPLUS)).StoreUnsafe(ref rt, k);
                uint bits = (uint)spk.ExtractMostSignificantBits();
                while (bits != 0)
                {
                    int idx = i + BitOperations.TrailingZeroCount(bits);
                    spikes[count++] = idx;
                    spikeCounts[idx]++;
                    bits &= bits - 1;
                }
            }
        }

        var xe = ringE.AsSpan(head * n, n);
        var xi = ringI.AsSpan(head * n, n);
        for (; i < n; i++)
        {
            // Same operations in the same order as the vector lanes, so both give identical results.
            double r = refractory[i];
            double vn = pr.A * v[i] + pr.B + pr.Ke * ie[i] + pr.Ki * ii[i] + dsel * (xe[i] + xi[i]);
            if (!(r <= 0)) vn = reset;
            r = Math.Max(r - 1, 0);
            ie[i] = pr.Pe * ie[i] + csel * xe[i];
            ii[i] = pr.Pi * ii[i] + csel * xi[i];
            if (Math.Abs(ie[i]) < Tiny) ie[i] = 0;
            if (Math.Abs(ii[i]) < Tiny) ii[i] = 0;
            double t = 0, threshold = vth;
            if (adaptive)
            {
                t = theta[i] * pr.Ptheta;
                threshold = vth + t;
            }
            bool spk = vn >= threshold;
            if (spk)
            {
                vn = reset;
                r = nref;
                t += thPlus;
                spikes[count++] = i;
                spikeCounts[i]++;
            }
            v[i] = vn;
            refractory[i] = r;
            if (adaptive) theta[i] = t;
            xe[i] = 0;
            xi[i] = 0;
        }

        LastLateralEvents = 0;
        if (count > 0 && p.LateralInhibitionMv > 0)
        {
            // Every other neuron receives −w per spike at the next step: add −w·count to all, give each spiker back its own w.
            double w = p.LateralInhibitionMv;
            var next = ringI.AsSpan((int)((StepCount + 1) % slots) * n, n);
            TensorPrimitives.Add(next, -w * count, next);
            for (int s = 0; s < count; s++) next[spikes[s]] += w;
            LastLateralEvents = (long)count * (n - 1);
        }
        StepCount++;
        return count;
    }
}
