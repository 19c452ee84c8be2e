using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
namespace Neuromorphic.Spiking;

/// <summary>Synapses from a source population (or input layer) to a target population in compressed sparse row form:
/// the synapses of source neuron s are <c>RowStart[s]..RowStart[s+1]</c>, each with a target, a weight (mV, times
/// <see cref="Scale"/>) and a delay in whole steps. All synapses of a projection feed one <see cref="Channel"/>.
/// Delivering a spike touches only that spike's row, so delivery costs ∝ spikes × fan-out, never ∝ synapses.</summary>
public sealed class Projection
{
    private readonly int[] rowStart;
    private readonly int[] targets;
    private readonly float[] weights;
    private readonly int[]? delays;

    /// <param name="delays">Per-synapse delays in steps, or null for <paramref name="uniformDelay"/> everywhere.</param>
    public Projection(int sourceCount, int targetCount, int[] rowStart, int[] targets, float[] weights,
        SynapseChannel channel, int uniformDelay = 1, int[]? delays = null, double scale = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sourceCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetCount);
        ArgumentNullException.ThrowIfNull(rowStart);
        ArgumentNullException.ThrowIfNull(targets);
        ArgumentNullException.ThrowIfNull(weights);
        if (rowStart.Length != sourceCount + 1) throw new ArgumentException($"rowStart needs {sourceCount + 1} entries, has {rowStart.Length}.", nameof(rowStart));
        if (rowStart[0] != 0 || rowStart[^1] != targets.Length) throw new ArgumentException("rowStart must start at 0 and end at the synapse count.", nameof(rowStart));
        for (int s = 0; s < sourceCount; s++)
            if (rowStart[s + 1] < rowStart[s]) throw new ArgumentException($"rowStart decreases at source {s}.", nameof(rowStart));
        if (weights.Length != targets.Length) throw new ArgumentException($"{weights.Length} weights for {targets.Length} synapses.", nameof(weights));
        foreach (int t in targets)
            if ((uint)t >= (uint)targetCount) throw new ArgumentException($"Target {t} outside 0..{targetCount - 1}.", nameof(targets));
        if (!double.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "Scale must be finite.");
        if (delays is not null)
        {
            if (delays.Length != targets.Length) throw new ArgumentException($"{delays.Length} delays for {targets.Length} synapses.", nameof(delays));
            MinDelay = delays.Length == 0 ? 0 : delays.Min();
            MaxDelay = delays.Length == 0 ? 0 : delays.Max();
            if (MinDelay < 0) throw new ArgumentException("Delays must be >= 0 steps.", nameof(delays));
        }
        else
        {
            ArgumentOutOfRangeException.ThrowIfNegative(uniformDelay);
            MinDelay = MaxDelay = uniformDelay;
        }
        SourceCount = sourceCount;
        TargetCount = targetCount;
        this.rowStart = rowStart;
        this.targets = targets;
        this.weights = weights;
        this.delays = delays;
        Channel = channel;
        Scale = scale;
    }

    public int SourceCount { get; }
    public int TargetCount { get; }
    public int SynapseCount => targets.Length;
    public SynapseChannel Channel { get; }
    /// <summary>Every weight is multiplied by this when delivered (e.g. a plastic weight in [0,1] times a current in mV).</summary>
    public double Scale { get; }
    public int MinDelay { get; }
    public int MaxDelay { get; }
    public ReadOnlySpan<int> RowStart => rowStart;
    public ReadOnlySpan<int> Targets => targets;
    /// <summary>Per-synapse weights; writable (plasticity).</summary>
    public Span<float> Weights => weights;
    /// <summary>Per-synapse delays, or empty when the delay is uniform (<see cref="MinDelay"/>).</summary>
    public ReadOnlySpan<int> Delays => delays;
    public ReadOnlySpan<int> Row(int source) => targets.AsSpan(rowStart[source], rowStart[source + 1] - rowStart[source]);

    /// <summary>Adds the synaptic input of <paramref name="spikes"/> (source indices) to <paramref name="target"/>'s ring
    /// buffer. The spikes were emitted <paramref name="lag"/> steps before the target's next step (0 for a forward edge,
    /// 1 for a recurrent edge), so a synapse with delay d lands d − lag steps ahead. Returns the synaptic events delivered.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public long Deliver(ReadOnlySpan<int> spikes, Population target, int lag = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Size != TargetCount) throw new ArgumentException($"Projection targets {TargetCount} neurons; population has {target.Size}.", nameof(target));
        if (MinDelay - lag < 0)
            throw new InvalidOperationException($"A synapse with delay {MinDelay} cannot deliver a spike that is {lag} step(s) old: it would arrive in the past.");
        long events = 0;
        // The population's input accumulators are single precision: the weight times the scale is rounded to float once.
        float scale = (float)Scale;
        if (delays is null)
        {
            var slot = target.InputSlot(MaxDelay - lag, Channel);
            ref float acc = ref MemoryMarshal.GetReference(slot);
            ref int tgt = ref MemoryMarshal.GetArrayDataReference(targets);
            ref float wgt = ref MemoryMarshal.GetArrayDataReference(weights);
            foreach (int s in spikes)
            {
                if ((uint)s >= (uint)SourceCount) throw new ArgumentOutOfRangeException(nameof(spikes), s, $"Spike from source {s}; the projection has {SourceCount} sources.");
                int from = rowStart[s], to = rowStart[s + 1];
                // Targets were range-checked against TargetCount (= slot length) at construction.
                for (int k = from; k < to; k++) Unsafe.Add(ref acc, Unsafe.Add(ref tgt, k)) += Unsafe.Add(ref wgt, k) * scale;
                events += to - from;
            }
            return events;
        }
        foreach (int s in spikes)
        {
            if ((uint)s >= (uint)SourceCount) throw new ArgumentOutOfRangeException(nameof(spikes), s, $"Spike from source {s}; the projection has {SourceCount} sources.");
            int from = rowStart[s], to = rowStart[s + 1];
            for (int k = from; k < to; k++) target.AddInput(delays[k] - lag, targets[k], weights[k] * scale, Channel);
            events += to - from;
        }
        return events;
    }

    /// <summary>Each (source, target) pair is connected independently with probability <paramref name="p"/>, drawn from
    /// a stream seeded by <paramref name="seed"/> (geometric skipping, so building costs ∝ synapses). Only sources in
    /// [firstSource, firstSource + sourceLength) get synapses; the others have empty rows.</summary>
    public static Projection FixedProbability(int sourceCount, int targetCount, double p, float weight, SynapseChannel channel,
        int seed, int delaySteps = 1, int firstSource = 0, int sourceLength = -1, bool allowAutapses = false)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "Connection probability must be in [0, 1].");
        if (sourceLength < 0) sourceLength = sourceCount - firstSource;
        if (firstSource < 0 || firstSource + sourceLength > sourceCount) throw new ArgumentOutOfRangeException(nameof(firstSource), "Source range outside the sources.");
        var rng = new Random(seed);
        var rowStart = new int[sourceCount + 1];
        var targets = new List<int>((int)Math.Min(int.MaxValue, (long)(p * sourceLength * targetCount * 1.1) + 16));
        double logQ = p < 1 ? Math.Log(1 - p) : double.NegativeInfinity;
        for (int s = 0; s < sourceCount; s++)
        {
            rowStart[s] = targets.Count;
            if (s < firstSource || s >= firstSource + sourceLength || p == 0) continue;
            // Gaps between successive connected targets are geometric with success probability p.
            long t = -1;
            while (true)
            {
                t += p >= 1 ? 1 : 1 + (long)Math.Floor(Math.Log(1 - rng.NextDouble()) / logQ);
                if (t >= targetCount) break;
                if (!allowAutapses && t == s) continue;
                targets.Add((int)t);
            }
        }
        rowStart[sourceCount] = targets.Count;
        var w = new float[targets.Count];
        Array.Fill(w, weight);
        return new Projection(sourceCount, targetCount, rowStart, targets.ToArray(), w, channel, delaySteps);
    }

    /// <summary>Every source to every target. Row s holds targets 0..targetCount−1 in order, so the weight of
    /// (s, t) is <c>Weights[s * targetCount + t]</c>.</summary>
    public static Projection AllToAll(int sourceCount, int targetCount, float[] weights, SynapseChannel channel, int delaySteps = 1, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var rowStart = new int[sourceCount + 1];
        var targets = new int[sourceCount * targetCount];
        for (int s = 0; s < sourceCount; s++)
        {
            rowStart[s + 1] = (s + 1) * targetCount;
            for (int t = 0; t < targetCount; t++) targets[s * targetCount + t] = t;
        }
        return new Projection(sourceCount, targetCount, rowStart, targets, weights, channel, delaySteps, scale: scale);
    }

    /// <summary>Source i to target i with one weight.</summary>
    public static Projection OneToOne(int count, float weight, SynapseChannel channel, int delaySteps = 1)
    {
        var rowStart = Enumerable.Range(0, count + 1).ToArray();
        var targets = Enumerable.Range(0, count).ToArray();
        var w = new float[count];
        Array.Fill(w, weight);
        return new Projection(count, count, rowStart, targets, w, channel, delaySteps);
    }

    /// <summary>From an explicit synapse list (any order); per-synapse delays.</summary>
    public static Projection FromSynapses(int sourceCount, int targetCount, IEnumerable<(int Source, int Target, float Weight, int Delay)> synapses, SynapseChannel channel)
    {
        ArgumentNullException.ThrowIfNull(synapses);
        var list = synapses.OrderBy(x => x.Source).ToList();
        var rowStart = new int[sourceCount + 1];
        foreach (var x in list)
        {
            if ((uint)x.Source >= (uint)sourceCount) throw new ArgumentException($"Source {x.Source} outside 0..{sourceCount - 1}.", nameof(synapses));
            rowStart[x.Source + 1]++;
        }
        for (int s = 0; s < sourceCount; s++) rowStart[s + 1] += rowStart[s];
        return new Projection(sourceCount, targetCount, rowStart, list.Select(x => x.Target).ToArray(),
            list.Select(x => x.Weight).ToArray(), channel, delays: list.Select(x => x.Delay).ToArray());
    }
}
