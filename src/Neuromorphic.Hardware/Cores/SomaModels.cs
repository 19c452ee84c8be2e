using System.Runtime.CompilerServices;

namespace Neuromorphic.Hardware.Cores;

/// <summary>How a neuron's soma behaves: a Loihi-style leaky integrate-and-fire compartment, a TrueNorth neuron (SANA-FE's
/// <c>truenorth</c> model), or a stimulus source.</summary>
internal enum SomaKind : byte
{
    LeakyIntegrateFire,
    TrueNorth,
    Input,
}

internal enum ResetMode : byte
{
    None,
    Soft,
    Hard,
    Saturate,
}

/// <summary>A soma's outcome for one step, in the order a chip counts them: idle (access cost only), updated
/// (access and update), fired (access, update and spike-out).</summary>
internal enum SomaStatus : byte
{
    Idle,
    Updated,
    Fired,
}

/// <summary>The state and parameters of one integrate-and-fire neuron: a Loihi-style LIF compartment (<see cref="Update"/>)
/// or a TrueNorth neuron (<see cref="UpdateTrueNorth"/>), which share the potential, bias, thresholds and resets.
/// Loihi-style, each step: leak (not on the first step),
/// potential truncated to 1/64 (Loihi's fixed-point resolution), noise added where the unit has it, then, outside the refractory period, bias and
/// input current added and a spike when the potential is strictly above threshold. On a chip with graded spikes
/// (Loihi 2) a <see cref="Graded"/> compartment's spike carries its potential at firing, rounded to a whole payload
/// within the chip's payload bits (a payload of 0 is not sent); an <see cref="InputMax"/> one takes the largest weighted input of the step
/// instead of their sum (a pooling neuron's maximum, which Loihi 2's programmable neurons can compute).</summary>
internal struct LifCompartment
{
    public double Potential, InputCurrent, Bias, Threshold, Reset, ReverseThreshold, ReverseReset, LeakDecay, InputDecay;
    /// <summary>TrueNorth's leak: subtracted from the potential's magnitude each step, or added when it leaks away from zero.</summary>
    public double Leak;
    public bool LeakAwayFromZero;
    public int RefractoryDelay, RefractoryCount;
    public ResetMode ResetMode, ReverseResetMode;
    public bool ForceUpdate, Graded, InputMax;
    /// <summary>Traces the input current u each step (SANA-FE's <c>log_u</c>, its neurons.csv).</summary>
    public bool LogCurrent;
    public long StepsSimulated;
    /// <summary>The value of the last spike of a graded compartment; the largest payload magnitude it may send.</summary>
    public double Payload, PayloadLimit;

    public static LifCompartment Default => new() { LeakDecay = 1, ResetMode = ResetMode.Hard, ReverseResetMode = ResetMode.None };

    /// <summary>A TrueNorth neuron as SANA-FE's <c>truenorth</c> soma runs it, each step: the linear leak (towards zero
    /// unless told otherwise), then bias and input added, no fixed-point rounding; a spike at or above the threshold,
    /// otherwise the reverse reset at or below the reverse threshold. A neuron whose potential, input and bias are all
    /// zero (and not forced) is idle but still leaks.</summary>
    public SomaStatus UpdateTrueNorth(bool hasInput, double input)
    {
        var status = Activity(hasInput);
        if (LeakAwayFromZero) Potential += Leak;
        else if (Potential > 0) Potential -= Leak;
        else if (Potential < 0) Potential += Leak;
        Potential += Bias;
        if (hasInput) Potential += input;
        if (Potential >= Threshold)
        {
            Potential = ResetMode switch
            {
                ResetMode.Hard => Reset,
                ResetMode.Soft => Potential - Threshold,
                ResetMode.Saturate => Threshold,
                _ => Potential,
            };
            return SomaStatus.Fired;
        }
        if (Potential <= ReverseThreshold)
        {
            Potential = ReverseResetMode switch
            {
                ResetMode.Hard => ReverseReset,
                ResetMode.Soft => Potential + ReverseThreshold,
                ResetMode.Saturate => ReverseThreshold,
                _ => Potential,
            };
        }
        return status;
    }

    /// <summary>A TrueNorth neuron's defaults in SANA-FE: every threshold and reset 0, hard reset, no reverse reset, no leak.</summary>
    public static LifCompartment TrueNorthDefault => new() { ResetMode = ResetMode.Hard, ReverseResetMode = ResetMode.None };

    /// <summary>Sets one attribute of a TrueNorth neuron from a network file; false when the model has no such attribute.
    /// A random threshold (<c>random_mask</c> above 0) is refused: SANA-FE draws it from the C library's rand().</summary>
    public bool SetTrueNorth(string name, AttributeValue value, string file)
    {
        switch (name)
        {
            case "leak": Leak = value.AsDouble(file, name); return true;
            case "leak_towards_zero": LeakAwayFromZero = !value.AsBool(file, name); return true;
            case "random_mask":
                if (value.AsInt(file, name) != 0)
                    throw new HardwareModelException(file, value.Line, name,
                        "random thresholds are not simulated: SANA-FE draws them from the C library's rand(), a sequence this simulator does not reproduce; use random_mask: 0");
                return true;
            default: return SetShared(name, value, file);
        }
    }

    // Both models count a neuron updated when anything could change it this step, as SANA-FE does.
    private readonly SomaStatus Activity(bool hasInput) =>
        Potential != 0 || hasInput || Bias != 0 || ForceUpdate ? SomaStatus.Updated : SomaStatus.Idle;

    /// <summary>One step of a Loihi-style compartment; <paramref name="noise"/> is the step's random number where its soma
    /// unit adds Loihi's noise (<see cref="LoihiNoise"/>), otherwise 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // called once per neuron and step, from the core's neuron loop
    public SomaStatus Update(bool hasInput, double input, double noise = 0)
    {
        var status = Activity(hasInput);
        if (StepsSimulated > 0)
        {
            InputCurrent *= InputDecay;
            Potential *= LeakDecay;
        }
        Potential = Math.Truncate(Potential * 64.0) / 64.0;
        Potential += noise;
        if (RefractoryCount == 0)
        {
            Potential += Bias;
            InputCurrent += hasInput ? input : 0.0;
            Potential += InputCurrent;
            if (ThresholdAndReset()) status = SomaStatus.Fired;
        }
        StepsSimulated++;
        RefractoryCount = Math.Max(0, RefractoryCount - 1);
        return status;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool ThresholdAndReset()
    {
        bool fires = Potential > Threshold;
        if (fires && Graded)
        {
            Payload = GradedPayload.Of(Potential, PayloadLimit);
            fires = Payload != 0; // a value of nothing is not sent
        }
        if (fires)
        {
            if (ResetMode == ResetMode.Hard) Potential = Reset;
            else if (ResetMode == ResetMode.Soft) Potential -= Threshold;
            RefractoryCount = RefractoryDelay;
        }
        if (Potential < ReverseThreshold)
        {
            if (ReverseResetMode == ResetMode.Soft) Potential -= ReverseThreshold;
            else if (ReverseResetMode == ResetMode.Hard) Potential = ReverseReset;
            else if (ReverseResetMode == ResetMode.Saturate) Potential = ReverseThreshold;
        }
        return fires;
    }

    /// <summary>Sets one attribute from a network file; false when the LIF model has no such attribute.</summary>
    public bool Set(string name, AttributeValue value, string file)
    {
        switch (name)
        {
            case "leak_decay": LeakDecay = value.AsDouble(file, name); return true;
            case "input_decay": InputDecay = value.AsDouble(file, name); return true;
            case "graded": Graded = value.AsBool(file, name); return true;
            case "input_max": InputMax = value.AsBool(file, name); return true;
            case "refractory_delay": RefractoryDelay = value.AsInt(file, name); return true;
            case "potential": Potential = value.AsDouble(file, name); return true;
            case "log_u": LogCurrent = value.AsBool(file, name); return true;
            default: return SetShared(name, value, file);
        }
    }

    // The attributes both models take.
    private bool SetShared(string name, AttributeValue value, string file)
    {
        switch (name)
        {
            case "threshold": Threshold = value.AsDouble(file, name); return true;
            case "reverse_threshold": ReverseThreshold = value.AsDouble(file, name); return true;
            case "reset": Reset = value.AsDouble(file, name); return true;
            case "reverse_reset": ReverseReset = value.AsDouble(file, name); return true;
            case "reset_mode": ResetMode = ParseReset(value, file, name); return true;
            case "reverse_reset_mode": ReverseResetMode = ParseReset(value, file, name); return true;
            case "bias": Bias = value.AsDouble(file, name); return true;
            case "force_update" or "force_update_every_timestep": ForceUpdate = value.AsBool(file, name); return true;
            default: return false;
        }
    }

    private static ResetMode ParseReset(AttributeValue value, string file, string name) => value.AsText(file, name) switch
    {
        "none" => ResetMode.None,
        "soft" => ResetMode.Soft,
        "hard" => ResetMode.Hard,
        "saturate" => ResetMode.Saturate,
        var other => throw new HardwareModelException(file, value.Line, name, $"'{other}' is not a reset mode; expected none, soft, hard or saturate"),
    };
}

/// <summary>What a graded spike carries.</summary>
internal static class GradedPayload
{
    /// <summary><paramref name="value"/> rounded to a whole payload, within the chip's payload bits (<paramref name="limit"/>,
    /// the signed payload's largest magnitude).</summary>
    public static double Of(double value, double limit) => Math.Clamp(Math.Round(value), -limit, limit);
}

/// <summary>A stimulus unit: a spike train given step by step, a Poisson probability per step, or a regular rate; on a
/// chip whose spikes carry a value, a train of values (each step's value, rounded, sent when it is not zero).
/// As in SANA-FE, the state belongs to the unit, not the neuron: neurons sharing one input unit share one train.</summary>
internal sealed class InputUnit(Random random)
{
    public bool[] Train = [];
    public double[] Values = [];
    public int Cursor;
    public double Poisson, Rate;
    public double Payload = 1, PayloadLimit;

    /// <summary>Sends values (graded spikes), not spikes.</summary>
    public bool Graded => Values.Length > 0;

    public SomaStatus Update(long step)
    {
        if (Graded)
        {
            Payload = Cursor < Values.Length ? GradedPayload.Of(Values[Cursor++], PayloadLimit) : 0;
            return Payload != 0 ? SomaStatus.Fired : SomaStatus.Idle; // a value of nothing is not sent
        }
        bool spike = false;
        if (Cursor < Train.Length) spike = Train[Cursor++];
        if (Poisson > random.NextDouble()) spike = true;
        if (Rate > 0 && step % (long)(1.0 / Rate) == 0) spike = true;
        return spike ? SomaStatus.Fired : SomaStatus.Idle;
    }

    public bool Set(string name, AttributeValue value, string file)
    {
        switch (name)
        {
            case "spikes":
                var items = value.AsList(file, name);
                Train = new bool[items.Count];
                for (int i = 0; i < items.Count; i++) Train[i] = items[i].AsDouble(file, name) != 0;
                Cursor = 0;
                return true;
            case "values":
                var values = value.AsList(file, name);
                Values = new double[values.Count];
                for (int i = 0; i < values.Count; i++) Values[i] = values[i].AsDouble(file, name);
                Cursor = 0;
                return true;
            case "poisson": Poisson = value.AsDouble(file, name); return true;
            case "rate": Rate = value.AsDouble(file, name); return true;
            default: return false;
        }
    }
}
