using Neuromorphic.Engine;
using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// A Hebbian layer as a process model: it owns its parameters, state and buffers, and the actor that
/// hosts it calls <see cref="Forward"/> once per batch. No threads, no I/O.
/// </summary>
public interface IHebbianLayer
{
    /// <summary>"conv" or "linear".</summary>
    string Kind { get; }
    Tensor Weights { get; }
    AdaptiveLearningRate Rates { get; }
    HebbianPlasticity Plasticity { get; }
    /// <summary>What the last learning step did (default before the first one).</summary>
    HebbianUpdateStats LastUpdateStats { get; }
    /// <summary>Work done by the last <see cref="Forward"/>: DenseMacs are forward + update MACs (N·K·H'·W'·C·k·k, then
    /// the YX correlation K·Ckk·N·H'W', YU N·K·H'W' and ΔW, scale, update 3·K·Ckk when learning), of which LearningMacs the
    /// update; NeuronUpdates the pre-activations computed, N·K·H'·W'; WeightUpdates the weights written, K·Ckk when
    /// learning; NonZeroActivations the non-zero values of the output.</summary>
    WorkCounts LastWork { get; }
    /// <summary>Wall time per stage, summed over calls (reset by whoever reports it).</summary>
    StageTimes Stages { get; }

    /// <summary>Output shape for an input shape, either (C, H, W) or (N, C, H, W); the same rank comes back.</summary>
    int[] OutputShape(ReadOnlySpan<int> inputShape);

    /// <summary>
    /// Runs the layer on an NCHW batch; with <paramref name="learn"/> it also applies one plasticity step.
    /// The returned tensor is the layer's own buffer, overwritten by the next call.
    /// </summary>
    Tensor Forward(Tensor x, bool learn);

    /// <summary>Adds the layer's state (weights, BN statistics, rates) under names starting with <paramref name="prefix"/>.</summary>
    void SaveState(IDictionary<string, float[]> state, string prefix);

    /// <summary>Restores what <see cref="SaveState"/> wrote; throws naming the missing or mis-sized entry.</summary>
    void LoadState(IReadOnlyDictionary<string, float[]> state, string prefix);
}

internal static class LayerState
{
    public static void Restore(IReadOnlyDictionary<string, float[]> state, string name, Span<float> destination)
    {
        if (!state.TryGetValue(name, out var values))
            throw new InvalidDataException($"The saved state has no entry '{name}'.");
        if (values.Length != destination.Length)
            throw new InvalidDataException($"The saved state entry '{name}' holds {values.Length} values, but the layer needs {destination.Length}.");
        values.CopyTo(destination);
    }

    public static long CountNonZero(ReadOnlySpan<float> values)
    {
        long count = 0;
        foreach (float v in values) if (v != 0f) count++;
        return count;
    }
}
