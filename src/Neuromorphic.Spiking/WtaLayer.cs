using System.Runtime.CompilerServices;
using System.Numerics.Tensors;
using Neuromorphic.Engine;

namespace Neuromorphic.Spiking;

/// <summary>Settings of the spiking winner-take-all layer (after Diehl &amp; Cook 2015, current-based).</summary>
public sealed record WtaConfig
{
    public int Inputs { get; init; } = 784;
    public int Neurons { get; init; } = 100;
    public double DtMs { get; init; } = 0.1;
    public double PresentMs { get; init; } = 350;
    /// <summary>Empty steps after each sample so that V, currents and traces decay (Diehl &amp; Cook: 150 ms).</summary>
    public double RestMs { get; init; } = 150;
    /// <summary>Also reset V, currents and traces at each sample end (an infinitely long rest, at no cost).</summary>
    public bool ResetAfterSample { get; init; }
    /// <summary>Poisson rate of a pixel of value 1 (Diehl &amp; Cook: intensity/4 Hz, i.e. 63.75 Hz at 255).</summary>
    public double MaxRateHz { get; init; } = 63.75;
    /// <summary>Current (mV) that an input spike through a weight of 1 adds to I_e.</summary>
    public double InputCurrentMv { get; init; } = 65;
    public NeuronParameters Neuron { get; init; } = new()
    {
        Model = NeuronModel.CurrentLif,
        TauMembraneMs = 100,
        RestMv = -65,
        ResetMv = -65,
        ThresholdMv = -52,
        RefractoryMs = 5,
        TauExcitatoryMs = 1,
        TauInhibitoryMs = 2,
        ThetaPlusMv = 0.05,
        TauThetaMs = 1e7,
        LateralInhibitionMv = 600,
    };
    public float WeightMax { get; init; } = 1;
    /// <summary>Initial weights are uniform in [0, InitialWeightMax] (then normalised).</summary>
    public float InitialWeightMax { get; init; } = 0.3f;
    /// <summary>The sum of each neuron's input weights is rescaled to this after every training sample (Diehl &amp; Cook: 78).</summary>
    public float WeightSumPerNeuron { get; init; } = 78;
    public double TauPreMs { get; init; } = 20;
    public double TauPostMs { get; init; } = 20;
    /// <summary>Depression at a presynaptic spike: Δw = −EtaPre·y_post·w.</summary>
    public float EtaPre { get; init; } = 1e-4f;
    /// <summary>Potentiation at a postsynaptic spike: Δw = EtaPost·(x_pre·(wmax − w) − PreTarget·w).</summary>
    public float EtaPost { get; init; } = 1e-2f;
    /// <summary>Presynaptic trace below which a post spike depresses (inputs that were silent lose weight).</summary>
    public float PreTarget { get; init; } = 0.05f;

    public PresentationSchedule Schedule => new(DtMs, PresentMs, RestMs, FlushAfterSample: true);
}

/// <summary>The state and per-step update of the WTA layer: an input → excitatory all-to-all plastic projection,
/// a current-based LIF population with adaptive thresholds θ and lateral inhibition, and a local trace-based STDP rule.
/// <list type="bullet">
/// <item>Traces: x_j (input j) and y_i (neuron i) decay with τpre, τpost and are set to 1 at each spike.</item>
/// <item>Input spike j (plastic): w_ij ← w_ij·(1 − EtaPre·y_i) for all i (depression ∝ w: weight-dependent).</item>
/// <item>Neuron spike i (plastic): w_ij ← clip(w_ij + EtaPost·(x_j·(wmax − w_ij) − PreTarget·w_ij), 0, wmax) for all j
/// (soft-bounded potentiation of recently active inputs, decay of the silent ones).</item>
/// <item>After each training sample every neuron's weights are rescaled to sum to WeightSumPerNeuron.</item>
/// </list>
/// A step with no spikes at all changes only the decaying traces and the membrane, never a weight.</summary>
public sealed class WtaLayer
{
    // Traces are kept lazily as the step of the last spike; their value is a table lookup of e^{−Δ·dt/τ}, cut to 0
    // below 1e-7 (so no per-step decay pass, and no denormal arithmetic after long silences).
    private readonly long[] preLast;
    private readonly long[] postLast;
    private readonly float[] preTable;
    private readonly float[] postTable;
    private readonly float[] preTrace;
    private long lastAnyPost = long.MinValue / 2;
    private readonly float[] depress;
    private readonly float[] columnSums;
    private readonly int[] spikeBuffer;
    private readonly float[] sampleCounts;
    private readonly bool[] changed;

    public WtaLayer(WtaConfig config, int seed)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(config.Inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(config.Neurons);
        Config = config;
        int n = config.Neurons, m = config.Inputs;
        Population = new Population(n, config.Neuron, config.DtMs, maxDelaySteps: 1);
        var rng = new Random(seed);
        var w = new float[m * n];
        for (int k = 0; k < w.Length; k++) w[k] = (float)(rng.NextDouble() * config.InitialWeightMax);
        // Delay 0: the input packet of step t is delivered into step t (a forward edge has no lag).
        Input = Projection.AllToAll(m, n, w, SynapseChannel.Excitatory, delaySteps: 0, scale: config.InputCurrentMv);
        preLast = new long[m];
        postLast = new long[n];
        Array.Fill(preLast, long.MinValue / 2);
        Array.Fill(postLast, long.MinValue / 2);
        preTable = DecayTable(config.DtMs, config.TauPreMs);
        postTable = DecayTable(config.DtMs, config.TauPostMs);
        preTrace = new float[m];
        depress = new float[n];
        columnSums = new float[n];
        spikeBuffer = new int[n];
        sampleCounts = new float[n];
        changed = new bool[n];
        Array.Fill(changed, true);
        NormaliseWeights();
    }

    public WtaConfig Config { get; }
    public Population Population { get; }
    /// <summary>The plastic input projection; weight of (input j, neuron i) at <c>Weights[j * Neurons + i]</c>.</summary>
    public Projection Input { get; }
    /// <summary>The presynaptic traces x_j as of the next step.</summary>
    public float[] PreTraces() => Traces(preLast, preTable);
    /// <summary>The postsynaptic traces y_i as of the next step.</summary>
    public float[] PostTraces() => Traces(postLast, postTable);

    private float[] Traces(long[] last, float[] table)
    {
        var x = new float[last.Length];
        for (int k = 0; k < x.Length; k++) x[k] = Lookup(table, Population.StepCount - last[k]);
        return x;
    }

    private static float Lookup(float[] table, long delta) => (ulong)delta < (ulong)table.Length ? table[delta] : 0f;

    private static float[] DecayTable(double dt, double tau)
    {
        int length = (int)Math.Min(1 << 24, Math.Ceiling(-Math.Log(1e-7) * tau / dt) + 1);
        var table = new float[length];
        for (int k = 0; k < length; k++) table[k] = (float)Math.Exp(-k * dt / tau);
        return table;
    }
    /// <summary>The neurons that spiked in the last step.</summary>
    public ReadOnlySpan<int> LastSpikes => spikeBuffer.AsSpan(0, LastSpikeCount);
    public int LastSpikeCount { get; private set; }
    /// <summary>Spikes per neuron in the current sample so far.</summary>
    public ReadOnlySpan<float> SampleCounts => sampleCounts;

    /// <summary>One time step: decays the traces, delivers the input spikes, updates the neurons, applies STDP when
    /// <paramref name="plastic"/>. Returns the work done (synaptic events, neuron and weight updates, spikes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public WorkCounts Step(ReadOnlySpan<int> inputSpikes, bool plastic)
    {
        int n = Config.Neurons, m = Config.Inputs;
        var weights = Input.Weights;
        long now = Population.StepCount;
        long synaptic = Input.Deliver(inputSpikes, Population, lag: 0);
        long weightUpdates = 0;
        // Depression needs some y_i > 0, i.e. a neuron that spiked within the trace's reach.
        if (plastic && inputSpikes.Length > 0 && now - lastAnyPost < postTable.Length)
        {
            for (int i = 0; i < n; i++)
            {
                float y = Lookup(postTable, now - postLast[i]);
                depress[i] = 1f - Config.EtaPre * y;
                changed[i] |= y != 0;
            }
            foreach (int j in inputSpikes)
            {
                var row = weights.Slice(j * n, n);
                TensorPrimitives.Multiply(row, depress, row);
            }
            weightUpdates += (long)inputSpikes.Length * n;
        }
        foreach (int j in inputSpikes) preLast[j] = now;

        int count = Population.Step(spikeBuffer);
        LastSpikeCount = count;
        synaptic += Population.LastLateralEvents;
        float wmax = Config.WeightMax, eta = Config.EtaPost, target = Config.PreTarget;
        if (plastic && count > 0)
            for (int j = 0; j < m; j++) preTrace[j] = Lookup(preTable, now - preLast[j]);
        for (int s = 0; s < count; s++)
        {
            int i = spikeBuffer[s];
            sampleCounts[i]++;
            if (plastic)
            {
                for (int j = 0, k = i; j < m; j++, k += n)
                {
                    float w = weights[k];
                    w += eta * (preTrace[j] * (wmax - w) - target * w);
                    weights[k] = Math.Clamp(w, 0f, wmax);
                }
                weightUpdates += m;
                changed[i] = true;
            }
            postLast[i] = now;
            lastAnyPost = now;
        }
        return new WorkCounts(SynapticAccumulates: synaptic, NeuronUpdates: n, WeightUpdates: weightUpdates, Spikes: count);
    }

    /// <summary>Ends a sample: returns its spike counts per neuron, clears them, normalises the weights when
    /// <paramref name="plastic"/>, and resets the dynamic state if the config asks for it.</summary>
    public float[] EndSample(bool plastic)
    {
        var counts = (float[])sampleCounts.Clone();
        Array.Clear(sampleCounts);
        if (plastic) NormaliseWeights();
        if (Config.ResetAfterSample)
        {
            Population.ResetState();
            Array.Fill(preLast, long.MinValue / 2);
            Array.Fill(postLast, long.MinValue / 2);
            lastAnyPost = long.MinValue / 2;
        }
        return counts;
    }

    /// <summary>Rescales the input weights of each neuron whose weights changed since the last normalisation to sum to
    /// <see cref="WtaConfig.WeightSumPerNeuron"/> (untouched neurons keep their weights bit for bit).</summary>
    public void NormaliseWeights()
    {
        int n = Config.Neurons, m = Config.Inputs;
        var weights = Input.Weights;
        Array.Clear(columnSums);
        for (int j = 0; j < m; j++) TensorPrimitives.Add(columnSums, weights.Slice(j * n, n), columnSums);
        for (int i = 0; i < n; i++)
        {
            columnSums[i] = changed[i] && columnSums[i] > 0 ? Config.WeightSumPerNeuron / columnSums[i] : 1f;
            changed[i] = false;
        }
        for (int j = 0; j < m; j++)
        {
            var row = weights.Slice(j * n, n);
            TensorPrimitives.Multiply(row, columnSums, row);
            TensorPrimitives.Min(row, Config.WeightMax, row);
        }
    }
}

/// <summary>The WTA layer as an engine actor. Input port "input": one SpikePacket of input spikes per step (forward).
/// Output "spikes": one SpikePacket per step. Output "counts": at each <see cref="ControlKind.Flush"/> (end of a
/// sample) a DenseBlock [1, Neurons] of the sample's spike counts, SampleIds = [sample number], Sequence = sample number.
/// Learning follows the engine's PlasticityOn/PlasticityOff controls.</summary>
public sealed class WtaLayerActor : Actor
{
    private long sample;

    public WtaLayerActor(string name, WtaLayer layer, int mailboxCapacity = 256)
        : base(name, [new PortSpec("input")], [new PortSpec("spikes"), new PortSpec("counts")], mailboxCapacity)
    {
        Layer = layer ?? throw new ArgumentNullException(nameof(layer));
    }

    public WtaLayer Layer { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        if (joined[0].Payload is not SpikePacket packet)
            throw new InvalidOperationException($"WTA layer '{Name}' expects SpikePackets, got {joined[0].Payload.GetType().Name}.");
        long step = Layer.Population.StepCount;
        var work = Layer.Step(packet.Active, PlasticityEnabled);
        ctx.Count(work);
        var spikes = Layer.LastSpikes;
        ctx.Emit(0, new SpikePacket(step, spikes.Length == 0 ? [] : spikes.ToArray(), spikes.Length));
        if (ctx.Trace is { } trace)
        {
            long sequence = ctx.StepSequence ?? 0;
            foreach (int n in spikes) trace.RecordSpike(sequence, ctx.StartNs, n);
            var v = Layer.Population.Membrane;
            if (trace.Selection.Neurons is { } watched)
                foreach (int n in watched)
                    if ((uint)n < (uint)v.Length) trace.RecordActivation(sequence, step, n, v[n]);
        }
    }

    protected override void OnControl(ControlKind kind, ActorContext ctx)
    {
        if (kind != ControlKind.Flush) return;
        var counts = Layer.EndSample(PlasticityEnabled);
        ctx.Emit(1, new DenseBlock(counts, [1, counts.Length], [sample], sample));
        sample++;
    }
}

/// <summary>The STDP winner-take-all layer as a process: images in; its spikes and each image's spike counts out.</summary>
public sealed class WtaProcess(string name) : ProcessNode(name, [new PortSpec("images")], [new PortSpec("spikes"), new PortSpec("counts")]);

/// <summary>The WTA layer with its input encoder inside the actor: input port "images" takes one DenseBlock per
/// sample (one or more images, pixels in [0,1]); for each image the actor runs the encoder's whole presentation
/// (present + rest steps) through <see cref="WtaLayer.Step"/> and ends the sample, so a sample is one engine message
/// instead of one per 0.1 ms step. The steps, the encoder's random stream (the same encoder object, used in the same
/// order) and hence the spikes and weights are exactly those of a source of per-step packets feeding
/// <see cref="WtaLayerActor"/>. Output "spikes": per image, one SpikePacket of all its output spikes (Neurons = neuron
/// ids, Values = the layer step of each spike, TimeStep = the sample's first step). Output "counts": per image a
/// DenseBlock [1, Neurons] of its spike counts, SampleIds = [sample number]. When traced, each spike is recorded with
/// Sequence = the layer's step number.</summary>
public sealed class WtaSampleActor : Actor
{
    private long sample;
    private readonly List<int> sampleSpikes = [];
    private readonly List<float> sampleSteps = [];

    public WtaSampleActor(string name, WtaLayer layer, SpikeEncoder encoder, int mailboxCapacity = 4)
        : base(name, [new PortSpec("images")], [new PortSpec("spikes"), new PortSpec("counts")], mailboxCapacity)
    {
        Layer = layer ?? throw new ArgumentNullException(nameof(layer));
        Encoder = encoder ?? throw new ArgumentNullException(nameof(encoder));
        if (!encoder.Schedule.FlushAfterSample) throw new ArgumentException("The encoder's schedule must end each sample (FlushAfterSample).", nameof(encoder));
    }

    public WtaLayer Layer { get; }
    public SpikeEncoder Encoder { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void OnBlock(ReadOnlySpan<Event> joined, ActorContext ctx)
    {
        if (joined[0].Payload is not DenseBlock block)
            throw new InvalidOperationException($"WTA layer '{Name}' expects DenseBlocks of images, got {joined[0].Payload.GetType().Name}.");
        var trace = ctx.Trace;
        for (int b = 0; b < block.BatchSize; b++)
        {
            long first = Layer.Population.StepCount;
            sampleSpikes.Clear();
            sampleSteps.Clear();
            foreach (var item in Encoder.EncodeImage(block.Sample(b).ToArray()))
            {
                if (item is SpikePacket packet)
                {
                    long step = Layer.Population.StepCount;
                    ctx.Count(Layer.Step(packet.Active, PlasticityEnabled));
                    foreach (int n in Layer.LastSpikes)
                    {
                        sampleSpikes.Add(n);
                        sampleSteps.Add(step);
                        trace?.RecordSpike(step, ctx.StartNs, n);
                    }
                }
                else if (item is Control { Kind: ControlKind.Flush })
                {
                    ctx.Emit(0, new SpikePacket(first, sampleSpikes.ToArray(), sampleSpikes.Count, sampleSteps.ToArray(), block.Sequence));
                    var counts = Layer.EndSample(PlasticityEnabled);
                    ctx.Emit(1, new DenseBlock(counts, [1, counts.Length], [sample], sample));
                    sample++;
                }
            }
        }
    }
}
