namespace Neuromorphic.Learning.Pipeline;

/// <summary>How the Hebbian layers are trained.</summary>
public enum HebbianSchedule
{
    /// <summary>The paper's order: one pass per layer, layer after layer; earlier layers run frozen.</summary>
    Successive,
    /// <summary>Every layer learns in the same pass, pipelined through the engine with no lock-step between layers.</summary>
    Concurrent,
}

public sealed record TrainingOptions
{
    public required NetworkPreset Preset { get; init; }
    public required string DataDirectory { get; init; }
    public required string RunDirectory { get; init; }
    public HebbianSchedule Schedule { get; init; } = HebbianSchedule.Concurrent;
    public int Seed { get; init; }
    /// <summary>Use only the first N training images (quick runs).</summary>
    public int? LimitTrain { get; init; }
    /// <summary>Use only the first N test images.</summary>
    public int? LimitTest { get; init; }
    /// <summary>Overrides the preset's read-out epochs.</summary>
    public int? ClassifierEpochs { get; init; }
    /// <summary>A consistent checkpoint every this many Hebbian batches (0: only at the end of each pass).</summary>
    public int CheckpointEveryBatches { get; init; } = 500;
    /// <summary>During the read-out, an epoch ends with a checkpoint only when this many seconds have passed since the last
    /// one (0: after every epoch). Each checkpoint rewrites the whole network, about a quarter of a CIFAR-10 read-out epoch.</summary>
    public double ReadoutCheckpointSeconds { get; init; } = 30;
    /// <summary>The most memory the run may plan to use (see <see cref="PresetFootprint"/>); null: the memory this
    /// process may use on this machine (GC.GetGCMemoryInfo().TotalAvailableMemoryBytes).</summary>
    public long? MaxMemoryBytes { get; init; }
    /// <summary>Continue from the run directory's checkpoint instead of starting afresh.</summary>
    public bool Resume { get; init; }
    /// <summary>Admit one batch at a time into the Hebbian pipeline (the layers then work one after another):
    /// the baseline that shows what pipelining through the engine gains. Same results, only slower.</summary>
    public bool Lockstep { get; init; }
}

/// <summary>The image sources of a run: the Hebbian phase's (unlabeled allowed), the read-out's training set, the test set.</summary>
public sealed record TrainingData(Neuromorphic.Datasets.IImageSource Hebbian, Neuromorphic.Datasets.IImageSource Train, Neuromorphic.Datasets.IImageSource Test);
