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
/// <para>Precision: the state is single precision (float32), which halves the memory the per-step pass streams
/// through. V is stepped in the leak form V' = V + (1 − A)·(E_L + Bias − V) + …, algebraically equal to A·V + B, so that
/// the resting potential is an exact fixed point; what float32 costs is that V stops moving once a step would
/// change it by less than half a unit in the last place, i.e. within about ulp(V)/(2(1 − A)) of where it is heading
/// (≈ 8e-4 mV for |V| near 64 mV and dt/τm = 0.005).</para>
/// <para>Work per step: one vectorised pass over the state arrays (∝ neurons) plus ∝ spikes; never ∝ synapses.</para></summary>
public sealed class Population
{
    private const int Lanes = 16; // floats per 512-bit vector

    private readonly float[] v;
    private readonly float[] ie;
    private readonly float[] ii;
    private readonly int[] refractory;
    private readonly float[] theta;
    private readonly long[] spikeCounts;
    private float[] ringE;
    private float[] ringI;
    private int slots;

    /// <summary>Synaptic currents smaller than this (mV) are set to 0, so long silences never reach denormal numbers
    /// (which are ~100 times slower to compute with).</summary>
    public const float Tiny = 1e-30f;

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
        Constants = new StepConstants(parameters, Propagators, RefractorySteps);
        v = new float[size];
        ie = new float[size];
        ii = new float[size];
        refractory = new int[size];
        theta = new float[size];
        spikeCounts = new long[size];
        // Lateral inhibition arrives one step later, so it needs a slot beyond the current one.
        slots = Math.Max(maxDelaySteps, parameters.LateralInhibitionMv > 0 ? 1 : 0) + 1;
        ringE = new float[slots * size];
        ringI = new float[slots * size];
        Array.Fill(v, InitialMembrane);
    }

    public int Size { get; }
    public double DtMs { get; }
    public NeuronParameters Parameters { get; }
    public Propagators Propagators { get; }
    private StepConstants Constants { get; }
    private float InitialMembrane => (float)(Parameters.Model == NeuronModel.IntegrateAndFire ? Parameters.ResetMv : Parameters.RestMv);
    /// <summary>Whole steps a neuron is held at reset after its spike: round(RefractoryMs / dt).</summary>
    public int RefractorySteps { get; }
    /// <summary>Steps done so far; the next <see cref="Step"/> processes step number StepCount.</summary>
    public long StepCount { get; private set; }
    /// <summary>Largest delivery offset (steps) the input ring buffer holds.</summary>
    public int MaxDelaySteps => slots - 1;
    /// <summary>Synaptic events the population's own lateral inhibition delivered in the last step.</summary>
    public long LastLateralEvents { get; private set; }

    /// <summary>Membrane potentials (mV); writable for initialisation.</summary>
    public Span<float> Membrane => v;
    public Span<float> ExcitatoryCurrent => ie;
    public Span<float> InhibitoryCurrent => ii;
    /// <summary>Adaptive threshold offsets θ (mV).</summary>
    public Span<float> Theta => theta;
    /// <summary>Remaining refractory steps per neuron.</summary>
    public ReadOnlySpan<int> RefractoryRemaining => refractory;
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
        var e = new float[newSlots * n];
        var i = new float[newSlots * n];
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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Span<float> InputSlot(int offset, SynapseChannel channel)
    {
        if ((uint)offset >= (uint)slots)
            throw new ArgumentOutOfRangeException(nameof(offset), offset,
                $"Input offset must be in 0..{MaxDelaySteps} (the ring buffer's depth); call EnsureMaxDelay for longer delays.");
        int slot = (int)((StepCount + offset) % slots);
        return (channel == SynapseChannel.Excitatory ? ringE : ringI).AsSpan(slot * Size, Size);
    }

    public void AddInput(int offset, int neuron, float value, SynapseChannel channel) =>
        InputSlot(offset, channel)[neuron] += value;

    /// <summary>Resets V, currents, refractoriness and pending input (an infinitely long rest); keeps θ and counts.</summary>
    public void ResetState()
    {
        Array.Fill(v, InitialMembrane);
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
        var k = Constants;
        bool adaptive = p.ThetaPlusMv != 0;

        ref float rv = ref MemoryMarshal.GetArrayDataReference(v);
        ref float re = ref MemoryMarshal.GetArrayDataReference(ie);
        ref float ri = ref MemoryMarshal.GetArrayDataReference(ii);
        ref int rr = ref MemoryMarshal.GetArrayDataReference(refractory);
        ref float rt = ref MemoryMarshal.GetArrayDataReference(theta);
        ref float rxe = ref ringE[head * n];
        ref float rxi = ref ringI[head * n];
        ref int rs = ref MemoryMarshal.GetReference(spikes);
        ref long rc = ref MemoryMarshal.GetArrayDataReference(spikeCounts);
        int count = 0, i = 0;

        // One pass over the state: decay, integrate, refractoriness, threshold, reset and spike extraction per lane.
        // One 512-bit path; without AVX-512 the scalar loop below does the same operations in the same order
        // (fused multiply-adds in both, so both round alike).
        if (Vector512.IsHardwareAccelerated && n >= Lanes)
        {
            var C = Vector512.Create(k.C);
            var VINF = Vector512.Create(k.VInf);
            var B = Vector512.Create(k.B);
            var KE = Vector512.Create(k.Ke);
            var KI = Vector512.Create(k.Ki);
            var PE = Vector512.Create(k.Pe);
            var PI = Vector512.Create(k.Pi);
            var DSEL = Vector512.Create(k.DeltaSelect);
            var CSEL = Vector512.Create(k.CurrentSelect);
            var RESET = Vector512.Create(k.Reset);
            var VTH = Vector512.Create(k.Threshold);
            var NREF = Vector512.Create(k.RefractorySteps);
            var PTH = Vector512.Create(k.Ptheta);
            var THPLUS = Vector512.Create(k.ThetaPlus);
            var TINY = Vector512.Create(Tiny);
            for (; i <= n - Lanes; i += Lanes)
            {
                nuint o = (nuint)i;
                var V = Vector512.LoadUnsafe(ref rv, o);
                var E = Vector512.LoadUnsafe(ref re, o);
                var I = Vector512.LoadUnsafe(ref ri, o);
                var R = Vector512.LoadUnsafe(ref rr, o);
                var XE = Vector512.LoadUnsafe(ref rxe, o);
                var XI = Vector512.LoadUnsafe(ref rxi, o);
                // Summed as a tree, not a chain, so that the lanes' dependency chains stay short.
                var vn = Vector512.FusedMultiplyAdd(C, VINF - V, V)
                    + (Vector512.FusedMultiplyAdd(KE, E, B) + Vector512.FusedMultiplyAdd(DSEL, XE + XI, KI * I));
                vn = Vector512.ConditionalSelect(Vector512.GreaterThan(R, Vector512<int>.Zero).AsSingle(), RESET, vn);
                R = Vector512.Max(R - Vector512<int>.One, Vector512<int>.Zero);
                E = Vector512.FusedMultiplyAdd(CSEL, XE, PE * E);
                I = Vector512.FusedMultiplyAdd(CSEL, XI, PI * I);
                E = Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(E), TINY), Vector512<float>.Zero, E);
                I = Vector512.ConditionalSelect(Vector512.LessThan(Vector512.Abs(I), TINY), Vector512<float>.Zero, I);
                var threshold = VTH;
                var T = Vector512<float>.Zero;
                if (adaptive)
                {
                    T = Vector512.LoadUnsafe(ref rt, o) * PTH;
                    threshold = VTH + T;
                }
                var spk = Vector512.GreaterThanOrEqual(vn, threshold);
                vn = Vector512.ConditionalSelect(spk, RESET, vn);
                R = Vector512.ConditionalSelect(spk.AsInt32(), NREF, R);
                vn.StoreUnsafe(ref rv, o);
                E.StoreUnsafe(ref re, o);
                I.StoreUnsafe(ref ri, o);
                R.StoreUnsafe(ref rr, o);
                Vector512<float>.Zero.StoreUnsafe(ref rxe, o);
                Vector512<float>.Zero.StoreUnsafe(ref rxi, o);
                if (adaptive) (T + (spk & THPLUS)).StoreUnsafe(ref rt, o);
                uint bits = (uint)spk.ExtractMostSignificantBits();
                while (bits != 0)
                {
                    int idx = i + BitOperations.TrailingZeroCount(bits);
                    Unsafe.Add(ref rs, count++) = idx;
                    Unsafe.Add(ref rc, idx)++;
                    bits &= bits - 1;
                }
            }
        }

        for (; i < n; i++)
        {
            // Same operations in the same order as the vector lanes, so both give identical results.
            int r = Unsafe.Add(ref rr, i);
            float V = Unsafe.Add(ref rv, i), E = Unsafe.Add(ref re, i), I = Unsafe.Add(ref ri, i);
            float xe = Unsafe.Add(ref rxe, i), xi = Unsafe.Add(ref rxi, i);
            float vn = MathF.FusedMultiplyAdd(k.C, k.VInf - V, V)
                + (MathF.FusedMultiplyAdd(k.Ke, E, k.B) + MathF.FusedMultiplyAdd(k.DeltaSelect, xe + xi, k.Ki * I));
            if (r > 0) vn = k.Reset;
            r = Math.Max(r - 1, 0);
            E = MathF.FusedMultiplyAdd(k.CurrentSelect, xe, k.Pe * E);
            I = MathF.FusedMultiplyAdd(k.CurrentSelect, xi, k.Pi * I);
            if (MathF.Abs(E) < Tiny) E = 0;
            if (MathF.Abs(I) < Tiny) I = 0;
            float t = 0, threshold = k.Threshold;
            if (adaptive)
            {
                t = Unsafe.Add(ref rt, i) * k.Ptheta;
                threshold = k.Threshold + t;
            }
            if (vn >= threshold)
            {
                vn = k.Reset;
                r = k.RefractorySteps;
                t += k.ThetaPlus;
                Unsafe.Add(ref rs, count++) = i;
                Unsafe.Add(ref rc, i)++;
            }
            Unsafe.Add(ref rv, i) = vn;
            Unsafe.Add(ref re, i) = E;
            Unsafe.Add(ref ri, i) = I;
            Unsafe.Add(ref rr, i) = r;
            Unsafe.Add(ref rxe, i) = 0;
            Unsafe.Add(ref rxi, i) = 0;
            if (adaptive) Unsafe.Add(ref rt, i) = t;
        }

        LastLateralEvents = 0;
        if (count > 0 && p.LateralInhibitionMv > 0)
        {
            // Every other neuron receives −w per spike at the next step: add −w·count to all, give each spiker back its own w.
            float w = (float)p.LateralInhibitionMv;
            var next = ringI.AsSpan((int)((StepCount + 1) % slots) * n, n);
            TensorPrimitives.Add(next, -w * count, next);
            for (int s = 0; s < count; s++) next[spikes[s]] += w;
            LastLateralEvents = (long)count * (n - 1);
        }
        StepCount++;
        return count;
    }
}

/// <summary>The per-step constants of <see cref="Population.Step"/> in single precision, derived once from the
/// parameters and the double-precision <see cref="Propagators"/>: V' = V + C·(VInf − V) + B + Ke·I_e + Ki·I_i
/// + DeltaSelect·(input), with C = 1 − A, and for the leaky models VInf = E_L + Bias, B = 0 (so that A·V + B is
/// evaluated without the cancellation of B against (1 − A)·V), for the perfect integrator C = 0, B = dt·Bias/τm.</summary>
internal readonly struct StepConstants
{
    public StepConstants(NeuronParameters p, Propagators pr, int refractorySteps)
    {
        bool integrator = p.Model == NeuronModel.IntegrateAndFire;
        bool delta = p.Model != NeuronModel.CurrentLif;
        C = (float)(1 - pr.A);
        VInf = integrator ? 0 : (float)(p.RestMv + p.BiasMv);
        B = integrator ? (float)pr.B : 0;
        Ke = (float)pr.Ke;
        Ki = (float)pr.Ki;
        Pe = (float)pr.Pe;
        Pi = (float)pr.Pi;
        Ptheta = (float)pr.Ptheta;
        ThetaPlus = (float)p.ThetaPlusMv;
        DeltaSelect = delta ? 1 : 0;
        CurrentSelect = delta ? 0 : 1;
        Reset = (float)p.ResetMv;
        Threshold = (float)p.ThresholdMv;
        RefractorySteps = refractorySteps;
    }

    public float C { get; }
    public float VInf { get; }
    public float B { get; }
    public float Ke { get; }
    public float Ki { get; }
    public float Pe { get; }
    public float Pi { get; }
    public float Ptheta { get; }
    public float ThetaPlus { get; }
    /// <summary>1 when synaptic input jumps V (delta synapses), else 0.</summary>
    public float DeltaSelect { get; }
    /// <summary>1 when synaptic input jumps the currents (current-based), else 0.</summary>
    public float CurrentSelect { get; }
    public float Reset { get; }
    public float Threshold { get; }
    public int RefractorySteps { get; }
}
