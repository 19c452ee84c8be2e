using System.Runtime.Intrinsics;
namespace Neuromorphic.Learning;

/// <summary>
/// Adam for one parameter array, PyTorch's formulation without weight decay or amsgrad (spec §4: lr 1e-3,
/// β 0.9/0.999, eps 1e-8): m ← β1 m + (1−β1) g; v ← β2 v + (1−β2) g²;
/// p ← p − (lr / (1−β1^t)) · m / (√v / √(1−β2^t) + eps).
/// </summary>
public sealed class Adam
{
    public Adam(int size, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f)
    {
        if (size < 0) throw new ArgumentException($"'{nameof(size)}' must be >= 0, but it is {size}.", nameof(size));
        FirstMoment = new float[size];
        SecondMoment = new float[size];
        (LearningRate, Beta1, Beta2, Epsilon) = (learningRate, beta1, beta2, epsilon);
    }

    /// <summary>Current learning rate; a schedule changes it between epochs.</summary>
    public float LearningRate { get; set; }
    public float Beta1 { get; }
    public float Beta2 { get; }
    public float Epsilon { get; }
    /// <summary>Steps taken so far (t of the bias corrections).</summary>
    public long Steps { get; set; }
    public float[] FirstMoment { get; }
    public float[] SecondMoment { get; }

    /// <summary>One step over the whole array.</summary>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (parameters.Length != FirstMoment.Length || gradient.Length != FirstMoment.Length)
            throw new ArgumentException($"Adam was built for {FirstMoment.Length} parameters, but got {parameters.Length} parameters and {gradient.Length} gradients.");
        BeginStep().Apply(parameters, gradient, 0);
    }

    /// <summary>Counts a step and returns its constants, so the step can be applied to disjoint parts of the array
    /// (from several threads, or each part while its gradient is still in cache) with <see cref="AdamStep.Apply"/>.</summary>
    public AdamStep BeginStep()
    {
        Steps++;
        double correction1 = 1 - Math.Pow(Beta1, Steps);
        double correction2 = 1 - Math.Pow(Beta2, Steps);
        return new AdamStep(this, (float)(LearningRate / correction1), (float)Math.Sqrt(correction2));
    }

    /// <summary>The constants of one step of an <see cref="Adam"/>.</summary>
    public readonly struct AdamStep
    {
        readonly Adam _adam;
        readonly float _stepSize, _sqrtCorrection2;

        internal AdamStep(Adam adam, float stepSize, float sqrtCorrection2) => (_adam, _stepSize, _sqrtCorrection2) = (adam, stepSize, sqrtCorrection2);

        /// <summary>Updates parameters [offset, offset + parameters.Length) of the array, and their moments, from their gradients.</summary>
        public void Apply(Span<float> parameters, ReadOnlySpan<float> gradient, int offset)
        {
            if (gradient.Length != parameters.Length || offset < 0 || offset + parameters.Length > _adam.FirstMoment.Length)
                throw new ArgumentException($"Adam step on parameters {offset}..{offset + parameters.Length - 1} with {gradient.Length} gradients, but the array has {_adam.FirstMoment.Length} parameters.");
            float b1 = _adam.Beta1, b2 = _adam.Beta2, stepSize = _stepSize, sqrtCorrection2 = _sqrtCorrection2, epsilon = _adam.Epsilon;
            var m = _adam.FirstMoment.AsSpan(offset, parameters.Length);
            var v = _adam.SecondMoment.AsSpan(offset, parameters.Length);
            int i = 0;
            if (Vector512.IsHardwareAccelerated)
            {
                var vb1 = Vector512.Create(b1); var vc1 = Vector512.Create(1 - b1);
                var vb2 = Vector512.Create(b2); var vc2 = Vector512.Create(1 - b2);
                var vStep = Vector512.Create(stepSize); var vSqrtC2 = Vector512.Create(sqrtCorrection2);
                var vEps = Vector512.Create(epsilon); var tiny = Vector512.Create(Tiny);
                for (; i <= parameters.Length - 16; i += 16)
                {
                    var g = Vector512.Create(gradient.Slice(i, 16));
                    var mi = vb1 * Vector512.Create(m.Slice(i, 16)) + vc1 * g;
                    var vi = vb2 * Vector512.Create(v.Slice(i, 16)) + vc2 * g * g;
                    mi = Vector512.AndNot(mi, Vector512.LessThan(Vector512.Abs(mi), tiny));
                    vi = Vector512.AndNot(vi, Vector512.LessThan(vi, tiny));
                    mi.CopyTo(m.Slice(i, 16));
                    vi.CopyTo(v.Slice(i, 16));
                    var p = Vector512.Create(parameters.Slice(i, 16));
                    (p - vStep * mi / (Vector512.Sqrt(vi) / vSqrtC2 + vEps)).CopyTo(parameters.Slice(i, 16));
                }
            }
            for (; i < parameters.Length; i++)
            {
                float g = gradient[i];
                float mi = b1 * m[i] + (1 - b1) * g;
                float vi = b2 * v[i] + (1 - b2) * g * g;
                m[i] = mi = MathF.Abs(mi) < Tiny ? 0f : mi;
                v[i] = vi = vi < Tiny ? 0f : vi;
                parameters[i] -= stepSize * mi / (MathF.Sqrt(vi) / sqrtCorrection2 + epsilon);
            }
        }
    }

    /// <summary>Moments below this are flushed to 0: decaying towards zero they would turn subnormal, and
    /// subnormal arithmetic is many times slower; at 1e-30 they no longer change any step (eps = 1e-8).</summary>
    const float Tiny = 1e-30f;
}
