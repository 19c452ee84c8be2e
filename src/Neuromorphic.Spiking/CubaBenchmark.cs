using System.Diagnostics;
using System.Globalization;
using Neuromorphic.Engine;

namespace Neuromorphic.Spiking;

/// <summary>Parameters of the current-based benchmark network (Vogels &amp; Abbott 2005; Brette et al. 2007,
/// benchmark 2 "CUBA"), with the values of the published Brian CUBA script: 4000 neurons, 80 % excitatory,
/// p = 0.02, τm = 20 ms, E_L = −49 mV, threshold −50 mV, reset −60 mV, refractory 5 ms, τe = 5 ms, τi = 10 ms,
/// we = 60·0.27/10 = 1.62 mV, wi = −20·4.5/10 = −9 mV, V(0) uniform in [reset, threshold], no external input
/// (E_L above threshold makes the network self-sustained). Synaptic weights are jumps of the current (in mV).</summary>
public sealed record CubaParameters
{
    public int Neurons { get; init; } = 4000;
    public double ExcitatoryFraction { get; init; } = 0.8;
    public double ConnectionProbability { get; init; } = 0.02;
    public double DtMs { get; init; } = 0.1;
    public double TauMembraneMs { get; init; } = 20;
    public double RestMv { get; init; } = -49;
    public double ThresholdMv { get; init; } = -50;
    public double ResetMv { get; init; } = -60;
    public double RefractoryMs { get; init; } = 5;
    public double TauExcitatoryMs { get; init; } = 5;
    public double TauInhibitoryMs { get; init; } = 10;
    public double ExcitatoryWeightMv { get; init; } = 60 * 0.27 / 10;
    public double InhibitoryWeightMv { get; init; } = -20 * 4.5 / 10;
    /// <summary>Synaptic delay in steps; the recurrent edge's one-step lag makes 1 the minimum.</summary>
    public int DelaySteps { get; init; } = 1;
    public bool AllowAutapses { get; init; }

    public int ExcitatoryCount => (int)Math.Round(Neurons * ExcitatoryFraction);

    public NeuronParameters Neuron => new()
    {
        Model = NeuronModel.CurrentLif,
        TauMembraneMs = TauMembraneMs,
        RestMv = RestMv,
        ResetMv = ResetMv,
        ThresholdMv = ThresholdMv,
        RefractoryMs = RefractoryMs,
        TauExcitatoryMs = TauExcitatoryMs,
        TauInhibitoryMs = TauInhibitoryMs,
    };
}

/// <summary>A built CUBA network: the engine graph (clock source → one recurrent population actor) and its parts.</summary>
public sealed record CubaModel(Network Network, PopulationActor Actor, Population Population, CubaParameters Parameters, long Steps,
    Projection Excitatory, Projection Inhibitory);

/// <summary>Outcome of one CUBA run.</summary>
public sealed record CubaResult(double BiologicalSeconds, TimeSpan BuildWall, TimeSpan RunWall, TimeSpan HandlerWall, long Spikes,
    double MeanRateHz, double ExcitatoryRateHz, double InhibitoryRateHz, long SynapticEvents, long Synapses, bool AnyNaN)
{
    public double SynapticEventsPerSecond => SynapticEvents / Math.Max(RunWall.TotalSeconds, 1e-12);
    public double RealTimeFactor => RunWall.TotalSeconds / BiologicalSeconds;

    public static string Header =>
        "| benchmark | bio time (s) | wall (s) | handler (s) | x real time | spikes | mean rate (Hz) | exc / inh (Hz) | syn events | syn events/s |";

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"| CUBA 4000 LIF (dt 0.1 ms) | {BiologicalSeconds:0.###} | {RunWall.TotalSeconds:0.0000} | {HandlerWall.TotalSeconds:0.0000} | {RealTimeFactor:0.000} | {Spikes} | {MeanRateHz:0.00} | {ExcitatoryRateHz:0.00} / {InhibitoryRateHz:0.00} | {SynapticEvents} | {SynapticEventsPerSecond:0.###e+0} |");
}

/// <summary>The CUBA benchmark network, built on the engine. One population actor holds all 4000 neurons; its output
/// comes back to it through <see cref="Network.ConnectRecurrent"/> and drives both projections (excitatory from
/// neurons 0..3199, inhibitory from 3200..3999). A SourceActor clock sends one empty packet per step (the forward
/// input every non-source actor needs).
/// <para>Delay semantics: a spike emitted in step t is added to the target's synaptic current in step t + d
/// (d = <see cref="CubaParameters.DelaySteps"/> ≥ 1, default 1 = 0.1 ms) and moves V from step t + d + 1 on.
/// Brian's script has no synaptic delay (the current jumps at the end of step t); ours adds one step.</para></summary>
public static class CubaBenchmark
{
    public static CubaModel Build(double seconds, CubaParameters? parameters = null, int seed = 1, TraceRecorder? trace = null, ICostModel? costModel = null)
    {
        var p = parameters ?? new CubaParameters();
        if (!(seconds >= 0) || double.IsInfinity(seconds)) throw new ArgumentOutOfRangeException(nameof(seconds), seconds, "Duration must be finite and >= 0.");
        if (p.DelaySteps < 1) throw new ArgumentOutOfRangeException(nameof(parameters), p.DelaySteps, "A recurrent projection needs a delay of at least one step.");
        int n = p.Neurons, ne = p.ExcitatoryCount;
        var population = new Population(n, p.Neuron, p.DtMs, p.DelaySteps);
        var rng = new Random(seed);
        var v = population.Membrane;
        for (int i = 0; i < n; i++) v[i] = (float)(p.ResetMv + rng.NextDouble() * (p.ThresholdMv - p.ResetMv));
        var exc = Projection.FixedProbability(n, n, p.ConnectionProbability, (float)p.ExcitatoryWeightMv, SynapseChannel.Excitatory,
            rng.Next(), p.DelaySteps, firstSource: 0, sourceLength: ne, allowAutapses: p.AllowAutapses);
        var inh = Projection.FixedProbability(n, n, p.ConnectionProbability, (float)p.InhibitoryWeightMv, SynapseChannel.Inhibitory,
            rng.Next(), p.DelaySteps, firstSource: ne, sourceLength: n - ne, allowAutapses: p.AllowAutapses);

        long steps = (long)Math.Round(seconds * 1000 / p.DtMs);
        // A clock ticks the population, whose spikes come back to it one step later through its recurrent synapses.
        var description = new ProcessGraph();
        var clock = description.Add(new InputProcess("clock"));
        var cuba = description.Add(new PopulationProcess("cuba", ["clock", "recurrent"]));
        description.Connect(clock, 0, cuba, 0);
        description.ConnectRecurrent(cuba, 0, cuba, 1, PopulationActor.EmptyPacket);
        var net = description.Build(process => process switch
        {
            InputProcess q => new SourceActor(q.Name, SpikeStreams.Clock(steps)),
            PopulationProcess q => new PopulationActor(q.Name, population, [new PopulationInput("clock"), new PopulationInput("recurrent", exc, inh)], mailboxCapacity: 1024),
            _ => throw new NotSupportedException($"{process} is not part of the CUBA network."),
        }, costModel, trace);
        return new CubaModel(net, net.Actors.OfType<PopulationActor>().Single(), population, p, steps, exc, inh);
    }

    public static async Task<CubaResult> RunAsync(double seconds, int seed = 1, CubaParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        long t0 = Stopwatch.GetTimestamp();
        var model = Build(seconds, parameters, seed);
        var build = Stopwatch.GetElapsedTime(t0);
        long t1 = Stopwatch.GetTimestamp();
        var report = await model.Network.RunAsync(seed, cancellationToken).ConfigureAwait(false);
        var wall = Stopwatch.GetElapsedTime(t1);
        return Summarise(model, report, build, wall, seconds);
    }

    /// <summary>Builds and runs <paramref name="seconds"/> of biological time; console-independent.</summary>
    public static CubaResult Run(double seconds, int seed = 1, CubaParameters? parameters = null) =>
        RunAsync(seconds, seed, parameters).GetAwaiter().GetResult();

    public static CubaResult Summarise(CubaModel model, RunReport report, TimeSpan build, TimeSpan wall, double seconds)
    {
        var pop = model.Population;
        int ne = model.Parameters.ExcitatoryCount, n = pop.Size;
        long spikes = 0, excSpikes = 0;
        var counts = pop.SpikeCounts;
        for (int i = 0; i < n; i++)
        {
            spikes += counts[i];
            if (i < ne) excSpikes += counts[i];
        }
        bool nan = false;
        foreach (float x in pop.Membrane) nan |= !float.IsFinite(x);
        foreach (float x in pop.ExcitatoryCurrent) nan |= !float.IsFinite(x);
        foreach (float x in pop.InhibitoryCurrent) nan |= !float.IsFinite(x);
        var c = report.Actors[model.Actor.Name];
        double t = Math.Max(seconds, 1e-12);
        return new CubaResult(seconds, build, wall, c.HandlerTime, spikes,
            spikes / (n * t), excSpikes / (ne * t), (spikes - excSpikes) / ((n - ne) * t), c.Work.SynapticAccumulates,
            model.Excitatory.SynapseCount + model.Inhibitory.SynapseCount, nan);
    }
}
