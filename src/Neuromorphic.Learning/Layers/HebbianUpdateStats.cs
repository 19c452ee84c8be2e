namespace Neuromorphic.Learning;

/// <summary>What the last plasticity step did, for plots.</summary>
/// <param name="MaxAbsDelta">max |ΔW| over the layer before the normalisation (spec §2 step 6).</param>
/// <param name="MeanRate">Mean η_k after the update.</param>
/// <param name="MeanWeightNorm">Mean ‖W_k‖₂ after the update.</param>
public readonly record struct HebbianUpdateStats(float MaxAbsDelta, float MeanRate, float MeanWeightNorm);
