namespace Neuromorphic.Hardware.Cores;

/// <summary>One simulated time step (a row of SANA-FE's perf.csv): neurons fired and updated, messages, hops,
/// synaptic events, the step's latency (s) and its energy by category (J).</summary>
public sealed record StepPerf(
    long Step, long Fired, long Updated, long Messages, long Hops, long SynapticEvents, double Latency,
    double SynapseEnergy, double DendriteEnergy, double SomaEnergy, double NetworkEnergy)
{
    public double TotalEnergy => SynapseEnergy + DendriteEnergy + SomaEnergy + NetworkEnergy;

    /// <summary>Counts and energies added; the step number is the left one's.</summary>
    public static StepPerf operator +(StepPerf a, StepPerf b) => new(a.Step, a.Fired + b.Fired, a.Updated + b.Updated,
        a.Messages + b.Messages, a.Hops + b.Hops, a.SynapticEvents + b.SynapticEvents, a.Latency + b.Latency,
        a.SynapseEnergy + b.SynapseEnergy, a.DendriteEnergy + b.DendriteEnergy, a.SomaEnergy + b.SomaEnergy, a.NetworkEnergy + b.NetworkEnergy);

    public static StepPerf Zero(long step) => new(step, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}

/// <summary>Totals of a run (SANA-FE's run_summary.yaml): counts, simulated time (s) and energy (J).
/// <see cref="TotalEnergy"/> is the dynamic energy, as SANA-FE reports it; <see cref="StaticEnergy"/> (static power
/// over the simulated time, zero for SANA-FE's files) comes on top.</summary>
public sealed record CoreRunSummary(
    long Steps, long SynapticEvents, long Messages, long NeuronsUpdated, long NeuronsFired, double SimulatedTime,
    double SynapseEnergy, double DendriteEnergy, double SomaEnergy, double NetworkEnergy, double StaticEnergy = 0)
{
    public double TotalEnergy => SynapseEnergy + DendriteEnergy + SomaEnergy + NetworkEnergy;
    public double AveragePower => SimulatedTime > 0 ? TotalEnergy / SimulatedTime : 0;
}

/// <summary>What one core did over the run, for per-core activity maps. <paramref name="AxonsIn"/>: the neurons whose
/// spikes reach it, one input axon each.</summary>
public sealed record CoreActivity(int Tile, int CoreOffset, int X, int Y, int Neurons, long Fired, long MessagesIn, long SynapticEvents, double Energy,
    int AxonsIn);

/// <summary>How many messages passed through the router of the tile at mesh position (X, Y), and how many of them left
/// it over each of its links to the next router (east: x + 1, north: y + 1).</summary>
public sealed record RouterLoad(int X, int Y, long Messages, long East = 0, long West = 0, long North = 0, long South = 0);

/// <summary>A whole core-by-core run: totals, one row per step, the spikes and potentials of traced neurons (SANA-FE's
/// log_spikes and log_potential), and per-core activity.</summary>
public sealed record CoreRunResult(
    CoreRunSummary Summary,
    IReadOnlyList<StepPerf> Steps,
    IReadOnlyList<(int Neuron, long Step)> Spikes,
    IReadOnlyList<int> PotentialNeurons,
    IReadOnlyList<double[]> Potentials,
    IReadOnlyList<CoreActivity> Cores,
    IReadOnlyList<RouterLoad> Routers,
    TimeSpan WallTime)
{
    /// <summary>The static power charged over the simulated time: the chip's, or on a board each chip in use's.</summary>
    public double StaticPowerW { get; init; }

    /// <summary>Chips of a board that held cores in use (1 off a board).</summary>
    public int Chips { get; init; } = 1;

    /// <summary>The LIF neurons that trace their input current (<c>log_u</c>), and each step's currents in that order:
    /// SANA-FE's neurons.csv.</summary>
    public IReadOnlyList<int> CurrentNeurons { get; init; } = [];
    public IReadOnlyList<double[]> Currents { get; init; } = [];
}
