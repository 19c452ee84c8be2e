using Neuromorphic.Engine;

namespace Neuromorphic.Learning;

/// <summary>
/// The work one call of a layer did: the engine's <see cref="WorkCounts"/>, which the actor reports as is, plus how many
/// of its dense MACs (multiply-accumulates) were the plasticity update, a split the engine does not keep.
/// </summary>
/// <param name="Work">DenseMacs: forward + update MACs. NeuronUpdates: pre-activations computed, N·K·H'·W'.
/// WeightUpdates: weights written by the update, K·Ckk when learning, else 0. NonZeroActivations: non-zero values in
/// the layer's output.</param>
/// <param name="UpdateMacs">Plasticity: the YX correlation (K·Ckk·N·H'W'), YU (N·K·H'W') and ΔW, scale, update (3·K·Ckk); 0 when not learning.</param>
public readonly record struct LayerWork(WorkCounts Work, long UpdateMacs)
{
    /// <summary>Convolution / matrix product: N·K·H'·W'·C·k·k.</summary>
    public long ForwardMacs => Work.DenseMacs - UpdateMacs;
}

/// <summary>What the last plasticity step did, for plots.</summary>
/// <param name="MaxAbsDelta">max |ΔW| over the layer before the normalisation (spec §2 step 6).</param>
/// <param name="MeanRate">Mean η_k after the update.</param>
/// <param name="MeanWeightNorm">Mean ‖W_k‖₂ after the update.</param>
public readonly record struct HebbianUpdateStats(float MaxAbsDelta, float MeanRate, float MeanWeightNorm);
