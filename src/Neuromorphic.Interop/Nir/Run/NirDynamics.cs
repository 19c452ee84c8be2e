namespace Neuromorphic.Interop.Nir;

/// <summary>How continuous-time NIR neurons are stepped.</summary>
public enum NirIntegration
{
    /// <summary>The exact solution of the node's linear equations over one step with the input held constant through it
    /// (the zero-order hold the NIR paper's exact LIF reference uses). IF and LIF neurons that end the step above
    /// threshold are reset at the instant they crossed it and integrate the rest of the step from v_reset, as the
    /// paper's event-based solution does; CubaLIF neurons are reset at the step's end.</summary>
    Exact,
    /// <summary>Forward Euler, x ← x + dt·f(x, input) with every derivative taken at the step's start, as Norse, Lava
    /// and snnTorch's NIR imports step their neurons.</summary>
    Euler,
}

/// <summary>
/// The state and update of one stateful NIR node (a neuron population, a Threshold or a Delay) for a batch of samples.
/// <see cref="Step"/> takes the summed input of one time step and writes the node's output: spikes (0/1) for IF, LIF,
/// CubaLIF and Threshold; the membrane for LI, CubaLI and I; the delayed input for Delay.
/// </summary>
public abstract class NirDynamics
{
    protected NirDynamics(int length) => Length = length;

    public int Length { get; }
    /// <summary>Whether the output is spikes (0/1) rather than a graded value.</summary>
    public abstract bool Spiking { get; }
    /// <summary>The membrane of each neuron of sample 0 after the last step (after any reset), or null for nodes with none.</summary>
    public abstract ReadOnlySpan<double> Membrane { get; }

    /// <summary>Advances every sample by one step; returns the spikes emitted.</summary>
    public abstract long Step(ReadOnlySpan<float> input, Span<float> output, int batch);

    /// <summary>The dynamics of <paramref name="node"/>, stepped by <paramref name="dt"/> seconds; null for stateless nodes.</summary>
    public static NirDynamics? For(NirNode node, int length, int maxBatch, double dt, NirIntegration integration) => node switch
    {
        NirLIF n => new Membranes(length, maxBatch, dt, integration, n.Tau, null, n.R, n.VLeak, n.VThreshold, n.VReset, null, leaky: true),
        NirLI n => new Membranes(length, maxBatch, dt, integration, n.Tau, null, n.R, n.VLeak, null, null, null, leaky: true),
        NirIF n => new Membranes(length, maxBatch, dt, integration, null, null, n.R, null, n.VThreshold, n.VReset, null, leaky: false),
        NirIntegrator n => new Membranes(length, maxBatch, dt, integration, null, null, n.R, null, null, null, null, leaky: false),
        NirCubaLIF n => new Membranes(length, maxBatch, dt, integration, n.TauMem, n.TauSyn, n.R, n.VLeak, n.VThreshold, n.VReset, n.WIn, leaky: true),
        NirCubaLI n => new Membranes(length, maxBatch, dt, integration, n.TauMem, n.TauSyn, n.R, n.VLeak, null, null, n.WIn, leaky: true),
        NirThreshold n => new Heaviside(length, n.Threshold),
        NirDelay n => new DelayLine(length, maxBatch, n, dt),
        _ => null,
    };

    /// <summary>The per-step coefficients of a neuron node's update, for mapping it onto other hardware; null for nodes
    /// without a membrane (Threshold, Delay).</summary>
    public static NirStepCoefficients? Coefficients(NirNode node, int length, double dt, NirIntegration integration) =>
        For(node, length, 1, dt, integration) is Membranes m ? m.StepCoefficients : null;

    /// <summary>Parameter <paramref name="i"/> of a per-neuron array, or its one value when the file gives a scalar.</summary>
    protected static double At(NirTensor t, int i) => t.Count == 1 ? t.Data[0] : t.Data[i];

    /// <summary>
    /// IF, LIF, LI, I, CubaLIF and CubaLI: τ_syn dI/dt = −I + w_in·S (current-based nodes only; otherwise I = S),
    /// τ_mem dv/dt = (v_leak − v) + R·I (leaky) or dv/dt = R·I; a spike when v &gt; v_threshold, then v = v_reset.
    /// Exact stepping uses per-neuron coefficients computed once: v' = a·v + b·I₀ + c·S + d, I' = e·I₀ + f·S.
    /// </summary>
    sealed class Membranes : NirDynamics
    {
        private readonly double[] a, b, c, d, e, f, threshold, reset;
        private readonly double[] v, current;
        private readonly double[]? tau, gain, rest; // for the mid-step reset of exact IF and LIF: τ (∞ for IF), R, v_leak
        private readonly double dt;
        private readonly bool spiking, cuba;

        public Membranes(int length, int maxBatch, double dt, NirIntegration integration, NirTensor? tau, NirTensor? tauSyn,
            NirTensor r, NirTensor? vLeak, NirTensor? vThreshold, NirTensor? vReset, NirTensor? wIn, bool leaky) : base(length)
        {
            spiking = vThreshold is not null;
            cuba = tauSyn is not null;
            a = new double[length]; b = new double[length]; c = new double[length]; d = new double[length];
            e = new double[length]; f = new double[length];
            threshold = new double[length]; reset = new double[length];
            v = new double[maxBatch * length];
            current = cuba ? new double[maxBatch * length] : [];
            this.dt = dt;
            if (spiking && !cuba && integration == NirIntegration.Exact)
            {
                this.tau = new double[length]; gain = new double[length]; rest = new double[length];
            }
            for (int i = 0; i < length; i++)
            {
                double R = At(r, i), leak = vLeak is null ? 0 : At(vLeak, i), w = wIn is null ? 1 : At(wIn, i);
                threshold[i] = vThreshold is null ? double.PositiveInfinity : At(vThreshold, i);
                reset[i] = vReset is null ? 0 : At(vReset, i);
                double tm = leaky ? At(tau!, i) : double.PositiveInfinity;
                if (this.tau is not null) { this.tau[i] = tm; gain![i] = R; rest![i] = leak; }
                if (!cuba) Plain(i, dt, tm, R, leak, integration);
                else Cuba(i, dt, tm, At(tauSyn!, i), R, leak, w, integration);
            }
        }

        // v' = a·v + c·S + d.
        void Plain(int i, double dt, double tm, double R, double leak, NirIntegration integration)
        {
            if (double.IsPositiveInfinity(tm)) { a[i] = 1; c[i] = R * dt; d[i] = 0; return; }
            double decay = integration == NirIntegration.Exact ? Math.Exp(-dt / tm) : 1 - dt / tm;
            a[i] = decay;
            c[i] = integration == NirIntegration.Exact ? R * (1 - decay) : R * dt / tm;
            d[i] = integration == NirIntegration.Exact ? leak * (1 - decay) : leak * dt / tm;
        }

        // Exact: with I∞ = w·S, I(t) = I∞ + (I₀ − I∞)e^{−t/τs} and v(t) = v∞ + A·e^{−t/τs} + (v₀ − v∞ − A)e^{−t/τm},
        // v∞ = v_leak + R·I∞, A = R(I₀ − I∞)·τs/(τs − τm) (the limit R(I₀ − I∞)·t/τ·e^{−t/τ} when τs = τm).
        void Cuba(int i, double dt, double tm, double ts, double R, double leak, double w, NirIntegration integration)
        {
            if (integration == NirIntegration.Euler)
            {
                a[i] = 1 - dt / tm; b[i] = R * dt / tm; c[i] = 0; d[i] = leak * dt / tm;
                e[i] = 1 - dt / ts; f[i] = w * dt / ts;
                return;
            }
            double em = Math.Exp(-dt / tm), es = Math.Exp(-dt / ts);
            // g: the I₀ − I∞ term's weight on v after dt.
            double g = Math.Abs(ts - tm) <= 1e-12 * Math.Max(ts, tm) ? R * dt / tm * em : R * ts / (ts - tm) * (es - em);
            a[i] = em;
            b[i] = g;
            c[i] = w * (R * (1 - em) - g);
            d[i] = leak * (1 - em);
            e[i] = es;
            f[i] = w * (1 - es);
        }

        public override bool Spiking => spiking;
        public override ReadOnlySpan<double> Membrane => v.AsSpan(0, Length);
        public NirStepCoefficients StepCoefficients => new(a, b, c, d, cuba ? e : null, cuba ? f : null, spiking ? threshold : null, reset);

        public override long Step(ReadOnlySpan<float> input, Span<float> output, int batch)
        {
            long spikes = 0;
            for (int s = 0; s < batch; s++)
                for (int i = 0; i < Length; i++)
                {
                    int k = s * Length + i;
                    double x = input[k], u = v[k];
                    if (cuba)
                    {
                        double i0 = current[k];
                        u = a[i] * u + b[i] * i0 + c[i] * x + d[i];
                        current[k] = e[i] * i0 + f[i] * x;
                    }
                    else u = a[i] * u + c[i] * x + d[i];
                    if (spiking && u > threshold[i])
                    {
                        u = tau is null ? reset[i] : ResetAtCrossing(i, v[k], x);
                        output[k] = 1;
                        spikes++;
                    }
                    else output[k] = spiking ? 0 : (float)u;
                    v[k] = u;
                }
            return spikes;
        }
        // The step's remainder after the crossing, from v_reset: with v(s) = v∞ + (v₀ − v∞)e^{−s/τ} (v∞ = v_leak + R·x),
        // the crossing is at s = τ·ln((v₀ − v∞)/(θ − v∞)); for IF (τ = ∞) v rises by R·x per second.
        double ResetAtCrossing(int i, double v0, double x)
        {
            double theta = threshold[i], from = reset[i];
            if (double.IsPositiveInfinity(tau![i]))
            {
                double slope = gain![i] * x;
                double crossed = slope > 0 ? Math.Clamp((theta - v0) / slope, 0, dt) : dt;
                return from + slope * (dt - crossed);
            }
            double target = rest![i] + gain![i] * x;
            double ratio = (v0 - target) / (theta - target);
            double s = ratio > 0 ? Math.Clamp(tau[i] * Math.Log(ratio), 0, dt) : 0;
            return target + (from - target) * Math.Exp(-(dt - s) / tau[i]);
        }
    }

    /// <summary>Threshold: 1 where the input exceeds the threshold, stateless.</summary>
    sealed class Heaviside(int length, NirTensor threshold) : NirDynamics(length)
    {
        public override bool Spiking => true;
        public override ReadOnlySpan<double> Membrane => default;

        public override long Step(ReadOnlySpan<float> input, Span<float> output, int batch)
        {
            long spikes = 0;
            for (int k = 0; k < batch * Length; k++)
            {
                bool fire = input[k] > At(threshold, k % Length);
                output[k] = fire ? 1 : 0;
                spikes += fire ? 1 : 0;
            }
            return spikes;
        }
    }

    /// <summary>A Delay node's delays in whole steps of <paramref name="dt"/>, rounded: what the graph run holds each
    /// element back, and what a chip's synapses must wait. Throws naming the element whose delay is out of range.</summary>
    public static int[] DelaySteps(NirDelay delay, int length, double dt)
    {
        ArgumentNullException.ThrowIfNull(delay);
        var steps = new int[length];
        for (int i = 0; i < length; i++)
        {
            double ratio = At(delay.Delay, i) / dt;
            if (!(ratio >= 0) || ratio > 1_000_000)
                throw new ArgumentException($"element {i}'s delay of {At(delay.Delay, i)} s is {ratio} steps of {dt} s; expected 0 to 1,000,000 steps.");
            steps[i] = (int)Math.Round(ratio);
        }
        return steps;
    }

    /// <summary>Delay: each input element comes out round(delay/dt) steps later (zeros before that).</summary>
    sealed class DelayLine : NirDynamics
    {
        private const long MaxDelayValues = 64L << 20; // 256 MiB of float32

        private readonly int[] steps;
        private readonly float[] ring; // per sample and element, the last (max delay + 1) inputs
        private readonly int depth;
        private int now;

        public DelayLine(int length, int maxBatch, NirDelay delay, double dt) : base(length)
        {
            steps = DelaySteps(delay, length, dt);
            depth = (length == 0 ? 0 : steps.Max()) + 1;
            long values = (long)maxBatch * length * depth;
            if (values > MaxDelayValues)
                throw new ArgumentException($"delays of up to {depth - 1:N0} steps over {length:N0} elements and {maxBatch} samples would hold " +
                    $"{values:N0} values, more than the cap of {MaxDelayValues:N0}; use a larger dt or shorter delays.");
            ring = new float[values];
        }

        public override bool Spiking => false;
        public override ReadOnlySpan<double> Membrane => default;

        public override long Step(ReadOnlySpan<float> input, Span<float> output, int batch)
        {
            for (int k = 0; k < batch * Length; k++)
            {
                ring[k * depth + now] = input[k];
                output[k] = ring[k * depth + (now - steps[k % Length] + depth) % depth];
            }
            now = (now + 1) % depth;
            return 0;
        }
    }
}

/// <summary>One step of a neuron node, per neuron: v' = Decay·v + CurrentToV·I + InputGain·S + Constant and, for
/// current-based nodes, I' = CurrentDecay·I + CurrentGain·S (S: the summed input of the step); a spike when
/// v' &gt; Threshold (null: never), then v' = Reset.</summary>
public sealed record NirStepCoefficients(double[] Decay, double[] CurrentToV, double[] InputGain, double[] Constant,
    double[]? CurrentDecay, double[]? CurrentGain, double[]? Threshold, double[] Reset);
