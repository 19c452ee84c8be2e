using System.Text.Json.Serialization;
using Neuromorphic.Engine;

namespace Neuromorphic.Learning.Pipeline;

/// <summary>What a training run measured; serialised as the run's metrics.json. Every member is required when it is
/// read back, so a damaged file is refused instead of read as zeros.</summary>
public sealed class TrainingResult
{
    [JsonRequired] public string Preset { get; init; } = "";
    [JsonRequired] public int Seed { get; init; }
    [JsonRequired] public string Schedule { get; init; } = "";
    [JsonRequired] public int TrainImages { get; init; }
    [JsonRequired] public int TestImages { get; init; }
    [JsonRequired] public List<HebbianPassSummary> HebbianPasses { get; init; } = [];
    [JsonRequired] public double FeatureExtractionSeconds { get; set; }
    [JsonRequired] public double FeatureImagesPerSecond { get; set; }
    [JsonRequired] public double ReadoutSeconds { get; set; }
    [JsonRequired] public List<ReadoutEpoch> ReadoutEpochs { get; init; } = [];
    [JsonRequired] public double TestAccuracy { get; set; }
    /// <summary>Exact 95 % confidence interval of <see cref="TestAccuracy"/> over the test set's size.</summary>
    [JsonRequired] public AccuracyInterval TestAccuracyInterval { get; set; }
    [JsonRequired] public double TestLoss { get; set; }
    [JsonRequired] public double WallSeconds { get; set; }
    [JsonRequired] public long PeakMemoryBytes { get; set; }
}

/// <param name="CpuUtilisation">Process CPU time over wall time during the pass (2.0 = both cores busy).</param>
/// <param name="LayerStageSeconds">Per layer (hebb0, ...), wall seconds per stage (batchnorm, conv, rule, ...).</param>
public sealed record HebbianPassSummary(string Phase, long Images, double Seconds, double ImagesPerSecond,
    double EngineOverhead, double CpuUtilisation, double ModeledMakespanNs, IReadOnlyDictionary<string, ActorSummary> Actors,
    IReadOnlyDictionary<string, LayerProgressPoint[]> LayerHistory,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> LayerStageSeconds);

public sealed record ReadoutEpoch(int Epoch, float LearningRate, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy);

/// <summary>An actor's counters in a serialisable form; its work is the engine's own <see cref="WorkCounts"/>.</summary>
public sealed record ActorSummary(long Blocks, long EventsIn, long EventsOut, long BytesIn, long BytesOut, WorkCounts Work,
    double BusyNs, double HandlerSeconds)
{
    public static ActorSummary From(ActorCounters c) =>
        new(c.Blocks, c.EventsIn, c.EventsOut, c.BytesIn, c.BytesOut, c.Work, c.BusyNs, c.HandlerTime.TotalSeconds);
}
