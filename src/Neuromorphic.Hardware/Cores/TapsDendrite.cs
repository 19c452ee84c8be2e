namespace Neuromorphic.Hardware.Cores;

/// <summary>SANA-FE's multi-tap dendrite (model <c>taps</c>): a line of compartments, tap 0 next to the soma. Each step
/// every tap keeps its time constant's share of its voltage and passes its space constants' shares to its neighbours,
/// all from the step's starting voltages. A synapse adds its current to its own tap, and the soma receives tap 0's
/// voltage as it stood after the last synaptic event into that neuron in the step. As in SANA-FE the voltages belong to the unit, not the neuron (neurons
/// sharing one unit share them), and a unit catches up on the steps it missed when a synapse next reaches it.</summary>
internal sealed class TapsDendrite
{
    /// <summary>Most taps in one unit: a unit's state is four arrays of its taps.</summary>
    public const int MaxTaps = 1024;

    // SANA-FE's defaults: one tap whose voltage is gone by the next step.
    private double[] voltage = [0], next = [0], time = [0], space = [];
    private long steps; // the steps whose decay and spread the voltages include
    private ProcessingUnitSpec? synapseUnit; // the synapse unit of the neurons served, while they share one

    public int Taps => voltage.Length;

    /// <summary>Neurons of more than one synapse unit share this dendrite. SANA-FE keys a synapse's tap by its address in
    /// its synapse unit, which each unit counts from 0, so their taps would overwrite each other's.</summary>
    public bool MixedSynapseUnits { get; private set; }

    /// <summary>Notes the synapse unit of a neuron this dendrite serves.</summary>
    public void Serve(ProcessingUnitSpec unit)
    {
        if (synapseUnit is null) synapseUnit = unit;
        else if (!ReferenceEquals(synapseUnit, unit)) MixedSynapseUnits = true;
    }

    /// <summary>The neuron attributes this dendrite takes (rather than the soma).</summary>
    public static bool Takes(string name) => name is "taps" or "time_constants" or "space_constants";

    /// <summary>Applies one neuron's attributes in SANA-FE's order (its keys sorted): the space constants, at least one
    /// between each two of the taps so far; the tap count, which resizes every list (keeping what fits); the time
    /// constants, at least one a tap. <see cref="Check"/> then asks for exactly one of each.</summary>
    public void Set(IReadOnlyDictionary<string, AttributeValue> attributes, string file)
    {
        if (attributes.TryGetValue("space_constants", out var s))
        {
            space = Numbers(s, file, "space_constants");
            if (space.Length < Taps - 1) throw SpaceConstantsMiscounted(file, s, space.Length);
        }
        if (attributes.TryGetValue("taps", out var taps))
        {
            int n = taps.AsInt(file, "taps");
            if (n < 1 || n > MaxTaps)
                throw new HardwareModelException(file, taps.Line, "taps", $"a taps dendrite has 1 to {MaxTaps} taps, found {n}");
            Array.Resize(ref voltage, n);
            Array.Resize(ref next, n);
            Array.Resize(ref time, n);
            Array.Resize(ref space, n - 1);
        }
        if (attributes.TryGetValue("time_constants", out var t))
        {
            time = Numbers(t, file, "time_constants");
            if (time.Length < Taps)
                throw new HardwareModelException(file, t.Line, "time_constants", $"{time.Length} time constants for {Taps} taps; give one per tap");
        }
        // A list this neuron gave that its own tap count then cut or padded with zeros (as SANA-FE would, silently).
        if (s is not null && taps is not null && s.Items?.Count != Taps - 1) throw SpaceConstantsMiscounted(file, s, s.Items?.Count);
    }

    private HardwareModelException SpaceConstantsMiscounted(string file, AttributeValue given, int? count) =>
        new(file, given.Line, "space_constants", $"{count} space constants for {Taps} taps; give one between each two taps ({Taps - 1})");

    private static double[] Numbers(AttributeValue value, string file, string name)
    {
        var items = value.AsList(file, name);
        if (items.Count > MaxTaps)
            throw new HardwareModelException(file, value.Line, name, $"expected at most {MaxTaps} values (one per tap), found {items.Count}");
        return items.Select(item => item.AsDouble(file, name)).ToArray();
    }

    /// <summary>Refuses constants that do not match the tap count: more than the taps (SANA-FE ignores the rest, or
    /// pads a list the tap count grew with zeros).</summary>
    public void Check(string file, int line, string neuron)
    {
        if (time.Length != Taps)
            throw new HardwareModelException(file, line, "time_constants",
                $"the taps dendrite of {neuron} has {Taps} taps and {time.Length} time constants; give one per tap");
        if (space.Length != Taps - 1)
            throw new HardwareModelException(file, line, "space_constants",
                $"the taps dendrite of {neuron} has {Taps} taps and {space.Length} space constants; give one between each two taps ({Taps - 1})");
    }

    /// <summary>Adds a synapse's <paramref name="current"/> to <paramref name="tap"/> during step <paramref name="step"/>,
    /// and returns what the soma would receive now: tap 0's voltage.</summary>
    public double Input(long step, double current, int tap)
    {
        while (steps < step)
        {
            steps++;
            Decay();
        }
        voltage[tap] += current;
        return voltage[0];
    }

    // One step of the line, in SANA-FE's order of operations, so that every rounding is its.
    private void Decay()
    {
        int n = voltage.Length;
        for (int t = 0; t < n; t++) next[t] = voltage[t] * time[t];
        for (int t = 0; t < n; t++)
        {
            if (t > 0)
            {
                double towardsSoma = voltage[t] * space[t - 1];
                next[t - 1] += towardsSoma;
                next[t] -= towardsSoma;
            }
            if (t < n - 1)
            {
                double away = voltage[t] * space[t];
                next[t + 1] += away;
                next[t] -= away;
            }
        }
        (voltage, next) = (next, voltage);
    }
}
