namespace Neuromorphic.Spiking;

/// <summary>Which sub-threshold dynamics a population integrates.</summary>
public enum NeuronModel
{
    /// <summary>Perfect integrator: dV/dt = Bias/τm, no leak; synaptic input jumps V directly (delta synapses).</summary>
    IntegrateAndFire,

    /// <summary>Leaky integrate-and-fire: dV/dt = (E_L + Bias − V)/τm; synaptic input jumps V directly (delta synapses).</summary>
    Lif,

    /// <summary>Current-based LIF: dV/dt = (E_L + Bias − V + I_e + I_i)/τm, with exponentially decaying synaptic
    /// currents dI_e/dt = −I_e/τe and dI_i/dt = −I_i/τi; a spike adds its weight to I_e or I_i.</summary>
    CurrentLif,
}

/// <summary>Which synaptic input a projection feeds. For delta-synapse models both add to V.</summary>
public enum SynapseChannel
{
    Excitatory,
    Inhibitory,
}

/// <summary>Parameters of one population. Units: milliseconds and millivolts. Currents are expressed as the voltage
/// they would hold the membrane at (R·I, mV), so weights are in mV: a jump of V (delta synapses) or of I (current-based).</summary>
public sealed record NeuronParameters
{
    public NeuronModel Model { get; init; } = NeuronModel.CurrentLif;
    public double TauMembraneMs { get; init; } = 20;
    /// <summary>Leak reversal potential E_L (ignored by <see cref="NeuronModel.IntegrateAndFire"/>).</summary>
    public double RestMv { get; init; } = -65;
    public double ResetMv { get; init; } = -65;
    public double ThresholdMv { get; init; } = -50;
    /// <summary>Time the membrane is clamped at reset after a spike; rounded to whole steps.</summary>
    public double RefractoryMs { get; init; } = 2;
    public double TauExcitatoryMs { get; init; } = 5;
    public double TauInhibitoryMs { get; init; } = 10;
    /// <summary>Constant input R·I_bias (mV).</summary>
    public double BiasMv { get; init; }
    /// <summary>Adaptive threshold: each spike raises the neuron's θ by this much (mV); 0 disables adaptation.</summary>
    public double ThetaPlusMv { get; init; }
    /// <summary>Decay time constant of θ (ms).</summary>
    public double TauThetaMs { get; init; } = 1e7;
    /// <summary>Lateral inhibition inside the population: each spike of step t sends −LateralInhibitionMv to the
    /// inhibitory channel of every other neuron of the population, arriving at step t+1 (one-step delay, like a
    /// recurrent projection with delay 1). 0 disables it.</summary>
    public double LateralInhibitionMv { get; init; }

    public void Validate()
    {
        static void Positive(double x, string name)
        {
            if (!(x > 0) || double.IsInfinity(x)) throw new ArgumentOutOfRangeException(name, x, $"{name} must be finite and > 0.");
        }
        static void Finite(double x, string name)
        {
            if (!double.IsFinite(x)) throw new ArgumentOutOfRangeException(name, x, $"{name} must be finite.");
        }
        Positive(TauMembraneMs, nameof(TauMembraneMs));
        Positive(TauExcitatoryMs, nameof(TauExcitatoryMs));
        Positive(TauInhibitoryMs, nameof(TauInhibitoryMs));
        Positive(TauThetaMs, nameof(TauThetaMs));
        Finite(RestMv, nameof(RestMv));
        Finite(ResetMv, nameof(ResetMv));
        Finite(ThresholdMv, nameof(ThresholdMv));
        Finite(BiasMv, nameof(BiasMv));
        Finite(ThetaPlusMv, nameof(ThetaPlusMv));
        if (!(RefractoryMs >= 0) || double.IsInfinity(RefractoryMs)) throw new ArgumentOutOfRangeException(nameof(RefractoryMs), RefractoryMs, "RefractoryMs must be finite and >= 0.");
        if (!(LateralInhibitionMv >= 0) || double.IsInfinity(LateralInhibitionMv)) throw new ArgumentOutOfRangeException(nameof(LateralInhibitionMv), LateralInhibitionMv, "LateralInhibitionMv is a magnitude: finite and >= 0.");
    }
}

/// <summary>The exact one-step propagators of the linear sub-threshold dynamics for a step dt, precomputed once.
/// Over one step, with the synaptic currents I_e, I_i at the start of the step:
/// V' = A·V + B + Ke·I_e + Ki·I_i (+ delta input), I_e' = Pe·I_e, I_i' = Pi·I_i, θ' = Ptheta·θ.</summary>
public readonly record struct Propagators(double A, double B, double Ke, double Ki, double Pe, double Pi, double Ptheta)
{
    public static Propagators For(NeuronParameters p, double dtMs)
    {
        double pe = Math.Exp(-dtMs / p.TauExcitatoryMs);
        double pi = Math.Exp(-dtMs / p.TauInhibitoryMs);
        double ptheta = Math.Exp(-dtMs / p.TauThetaMs);
        switch (p.Model)
        {
            case NeuronModel.IntegrateAndFire:
                return new(1, dtMs * p.BiasMv / p.TauMembraneMs, 0, 0, pe, pi, ptheta);
            case NeuronModel.Lif:
            {
                double a = Math.Exp(-dtMs / p.TauMembraneMs);
                return new(a, (p.RestMv + p.BiasMv) * (1 - a), 0, 0, pe, pi, ptheta);
            }
            default:
            {
                double a = Math.Exp(-dtMs / p.TauMembraneMs);
                return new(a, (p.RestMv + p.BiasMv) * (1 - a),
                    CurrentGain(p.TauMembraneMs, p.TauExcitatoryMs, dtMs),
                    CurrentGain(p.TauMembraneMs, p.TauInhibitoryMs, dtMs), pe, pi, ptheta);
            }
        }
    }

    /// <summary>V change over dt caused by a unit current decaying with τs, for a membrane with τm:
    /// τs/(τs − τm)·(e^{−dt/τs} − e^{−dt/τm}); its limit (dt/τm)·e^{−dt/τm} when τs = τm.</summary>
    public static double CurrentGain(double tauM, double tauS, double dt)
    {
        if (Math.Abs(tauS - tauM) <= 1e-9 * tauM) return dt / tauM * Math.Exp(-dt / tauM);
        return tauS / (tauS - tauM) * (Math.Exp(-dt / tauS) - Math.Exp(-dt / tauM));
    }
}
