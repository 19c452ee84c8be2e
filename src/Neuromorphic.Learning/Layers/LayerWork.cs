namespace Neuromorphic.Learning;

/// <summary>
/// The work one call of a layer did, for the engine's cost model. MACs are multiply-accumulates.
/// </summary>
/// <param name="ForwardMacs">Convolution / matrix product: N·K·H'·W'·C·k·k.</param>
/// <param name="UpdateMacs">Plasticity: the YX correlation (K·Ckk·N·H'W'), YU (N·K·H'W') and ΔW, scale, update (3·K·Ckk); 0 when not learning.</param>
/// <param name="NeuronUpdates">Pre-activations computed: N·K·H'·W'.</param>
/// <param name="WeightUpdates">Weights written by the update: K·Ckk when learning, else 0.</param>
/// <param name="NonZeroActivations">Non-zero values in the layer's output.</param>
public readonly record struct LayerWork(long ForwardMacs, long UpdateMacs, long NeuronUpdates, long WeightUpdates, long NonZeroActivations)
{
    public static LayerWork operator +(LayerWork a, LayerWork b) => new(
        a.ForwardMacs + b.ForwardMacs, a.UpdateMacs + b.UpdateMacs, a.NeuronUpdates + b.NeuronUpdates,
        a.WeightUpdates + b.WeightUpdates, a.NonZeroActivations + b.NonZeroActivations);
}

/// <summary>What the last plasticity step did, for plots.</summary>
/// <param name="MaxAbsDelta">max |ΔW| over the layer before the normalisation (spec §2 step 6).</param>
/// <param name="MeanRate">Mean η_k after the update.</param>
/// <param name="MeanWeightNorm">Mean ‖W_k‖₂ after the update.</param>
public readonly record struct HebbianUpdateStats(float MaxAbsDelta, float MeanRate, float MeanWeightNorm);
