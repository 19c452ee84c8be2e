using System.Text.Json.Serialization;

namespace Neuromorphic.Application;

/// <summary>spiking.json: spiking SoftHebb inference of a run (`spiking softhebb`, the demo's spiking step).</summary>
public sealed record SpikingRunResult(string Data, int Samples, string Encoder, string Power, double Percentile, bool FoldInhibition,
    double RateAccuracy, int[] Steps, double[] Accuracy, SpikingAtT[] ByT, SpikingLayerSummary[] Layers, long InputSpikes,
    long ReadoutAccumulates, double WallSeconds)
{
    /// <summary>Max pooling of spikes (<see cref="Spiking.SpikeMaxPooling"/>): Exact, or AnySpike (a binary chip's OR
    /// neuron); Exact in records written before it was a choice.</summary>
    public string MaxPooling { get; init; } = nameof(Spiking.SpikeMaxPooling.Exact);
}

/// <summary>Accuracy and per-layer activity per image after <see cref="T"/> time steps.</summary>
public sealed record SpikingAtT(int T, double Accuracy, SpikingLayerAtT[] Layers);

public sealed record SpikingLayerAtT(string Name, double SpikesPerImage, double SynapticAccumulatesPerImage);

/// <summary>One spiking layer over the whole run.</summary>
public sealed record SpikingLayerSummary(string Name, int Neurons, float Scale, float Power, long Spikes, long SynapticAccumulates,
    long InhibitionAccumulates, long OutputEvents);

/// <summary>evaluation.json: the test split through the trained network.</summary>
public sealed record EvaluationResult(string Data, int Samples, double Accuracy, double AccuracyLow95, double AccuracyHigh95,
    long[][] Confusion, double EngineWallSeconds, double EngineOverheadFraction);

/// <summary>hardware.json: the run on each chip (`simulate`), from the chip file(s) in <see cref="Hardware"/>.</summary>
public sealed record HardwareResults(string Hardware, string Data, Simulation.ChipOutcome[] Outcomes);

/// <summary>A trained run on a chip core by core (`simulate --softhebb`), as written to its output folder
/// (<see cref="FileName"/>): per read-out time, the accuracy on the chip and in software and the costs per inference.
/// <see cref="ModelSha256"/> ties it to the model it came from, so the run's report can refuse a stale one.</summary>
/// <param name="RateAccuracy">The rate-based network with the weights as trained.</param>
/// <param name="WeightError">The relative RMS change that quantising to the chip's weight precision made to the weights
/// (both spiking runs use the quantised weights); null when the weights stayed as trained (a SANA-FE architecture, or
/// a file written before chip precision was applied on this path).</param>
public sealed record CoresRunResult(string Chip, string Timing, string Data, int Images, int Neurons, int Synapses, int Cores,
    double RateAccuracy, string ModelSha256, CoresRunRow[] ByT, double? WeightError = null)
{
    public const string FileName = "softhebb-on-cores.json";
    public const string BinarySpikes = "binary", GradedSpikes = "graded";

    /// <summary>How neurons spoke: <see cref="BinarySpikes"/> (rate-coded over T steps) or <see cref="GradedSpikes"/>
    /// (each neuron's value once a step, pipelined: one row, T = the network's depth, energy per inference one pipeline
    /// step, latency the T steps from an image's arrival to its class, software accuracy with rates in place of spikes).</summary>
    public string Spikes { get; init; } = BinarySpikes;
    [JsonIgnore] public bool Graded => Spikes == GradedSpikes;
    /// <summary>With graded spikes, the payload's bits; 0 otherwise.</summary>
    public int PayloadBits { get; init; }
    /// <summary>With graded spikes, the pipeline's step (s): one image enters each step, so 1/StepS images a second.</summary>
    public double? StepS { get; init; }
    /// <summary>On a chip with typed axons (TrueNorth), the largest relative RMS change that forcing the converted network's
    /// synapses (BatchNorm and the inhibition folded in) to each neuron's values per axon type made to one layer's, in the
    /// chip's and the software's spiking runs alike; null elsewhere.</summary>
    public double? ForcedWeightError { get; init; }
    /// <summary>Why the network does not fit the chip's cores as mapped (<see cref="Hardware.Cores.AxonLimit"/>: cores
    /// taking more input axons than a core has); null when it fits or the chip sets no limit.</summary>
    public string? DoesNotFit { get; init; }
    /// <summary>With binary spikes, the steps a spike takes from the input to the read-out on the chip: each T's class is
    /// read at step T + ReadoutLag (after T steps of evidence, as the software run's at step T), and its energy and
    /// latency cover those steps. 0 with graded spikes; null in records written before it was counted, whose class was
    /// read at step T.</summary>
    public int? ReadoutLag { get; init; }
    /// <summary>With binary spikes and max pooling, how the chip pooled: "or" (<see cref="Simulation.MaxPoolCircuit.Or"/>) or
    /// "tree" (<see cref="Simulation.MaxPoolCircuit.Tree"/>); null otherwise, and in records written before it was a choice
    /// (OR neurons).</summary>
    public string? MaxPooling { get; init; }
    /// <summary>0: the Triangle's power taken as 1, on the chip and in software (and in records written before it was a
    /// choice); N: the chip computes each layer's power as a sum of ReLUs with N knees (<see cref="Spiking.PiecewisePower"/>),
    /// the software runs have it exactly.</summary>
    public int PowerKnees { get; init; }
    /// <summary>With <see cref="PowerKnees"/> &gt; 0, the largest error of a layer's sum of ReLUs against r^P over rates in
    /// [0, 1] (a rate of 1 is a spike a step); null otherwise.</summary>
    public double? PowerError { get; init; }
    /// <summary>True where the last layer's average pooling was folded into the read-out's weights, on the chip and in
    /// software (<see cref="Neuromorphic.Spiking.SpikingSoftHebbNetwork.FoldLastAveragePooling"/>, <c>--avg-pool fold</c>, the
    /// default where the last layer is average pooled); false where it ran in neurons of its own, or there was none.</summary>
    public bool AveragePoolingFolded { get; init; }
}

/// <param name="EnergyJ">Dynamic energy per inference; <paramref name="StaticJ"/> comes on top.</param>
/// <param name="SoftwareChipPoolingAccuracy">With binary spikes and pooling the chip runs otherwise than exactly: the
/// software spiking run with the chip's pooling, OR neurons for max pooling (<see cref="Spiking.SpikeMaxPooling.AnySpike"/>,
/// unless comparator trees) and counting neurons for average pooling (<see cref="Spiking.SpikeAveragePooling.Counting"/>);
/// null otherwise.</param>
public sealed record CoresRunRow(int T, double ChipAccuracy, double SoftwareAccuracy, double EnergyJ, double SynapseJ, double SomaJ,
    double NetworkJ, double StaticJ, double LatencyS, double SynapticEvents, double Spikes, double? SoftwareChipPoolingAccuracy = null);
