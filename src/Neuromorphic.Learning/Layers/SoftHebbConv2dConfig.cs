using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// One SoftHebb convolutional block (spec §1, §5): input BN (non-affine) → reflect pad → conv (stride 1,
/// no bias) → Triangle^P → optional pool. The plasticity uses <see cref="Rule"/> at inverse temperature
/// <see cref="InverseTemperature"/> with the adaptive rate lr·(|‖W‖−1|+1e-10)^power.
/// </summary>
public sealed record SoftHebbConv2dConfig(
    int InChannels,
    int OutChannels,
    int KernelSize,
    int Padding,
    float InverseTemperature,
    float LearningRate,
    float LearningRatePower,
    float TrianglePower,
    bool PreTriangle = false,
    string? Pool = null,
    string Rule = "softkrotov",
    float InitRadius = 25f,
    PaddingMode PaddingMode = PaddingMode.Reflect)
{
    public int FanIn => InChannels * KernelSize * KernelSize;

    public PoolSpec? PoolSpec => Pool is null ? null : Tensors.PoolSpec.Parse(Pool);

    /// <summary>Throws an ArgumentException naming the first bad value.</summary>
    public void Validate()
    {
        static void Positive(int v, string name) { if (v < 1) throw new ArgumentException($"'{name}' must be >= 1, but it is {v}.", name); }
        static void Finite(float v, string name) { if (!float.IsFinite(v)) throw new ArgumentException($"'{name}' must be a finite number, but it is {v}.", name); }
        Positive(InChannels, nameof(InChannels));
        Positive(OutChannels, nameof(OutChannels));
        Positive(KernelSize, nameof(KernelSize));
        if (Padding < 0) throw new ArgumentException($"'{nameof(Padding)}' must be >= 0, but it is {Padding}.", nameof(Padding));
        Finite(InverseTemperature, nameof(InverseTemperature));
        Finite(LearningRate, nameof(LearningRate));
        if (LearningRate < 0) throw new ArgumentException($"'{nameof(LearningRate)}' must be >= 0, but it is {LearningRate}.", nameof(LearningRate));
        Finite(LearningRatePower, nameof(LearningRatePower));
        if (!(TrianglePower > 0) || !float.IsFinite(TrianglePower))
            throw new ArgumentException($"'{nameof(TrianglePower)}' must be a finite number > 0, but it is {TrianglePower}.", nameof(TrianglePower));
        if (!(InitRadius > 0) || !float.IsFinite(InitRadius))
            throw new ArgumentException($"'{nameof(InitRadius)}' must be a finite number > 0, but it is {InitRadius}.", nameof(InitRadius));
        if (!WtaRules.Names.Contains(Rule))
            throw new ArgumentException($"'{nameof(Rule)}' must be one of {string.Join(", ", WtaRules.Names)}, but it is '{Rule}'.", nameof(Rule));
        _ = PoolSpec;
    }

    /// <summary>(C, H, W) after the block, or an ArgumentException when the input cannot pass through it.</summary>
    public (int C, int H, int W) OutputShape(int channels, int height, int width)
    {
        if (channels != InChannels)
            throw new ArgumentException($"The block expects {InChannels} input channels but receives {channels}.");
        var g = new Conv2dGeometry(1, channels, height, width, KernelSize, KernelSize, 1, Padding, PaddingMode);
        int h = g.OutH, w = g.OutW;
        if (PoolSpec is { } pool)
        {
            Pooling.Validate(h, w, pool.Kernel, pool.Stride, pool.Padding);
            (h, w) = (pool.OutputSize(h), pool.OutputSize(w));
        }
        return (OutChannels, h, w);
    }
}
