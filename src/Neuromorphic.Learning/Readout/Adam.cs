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

    public void Step(Span<float> parameters, ReadOnlySpan<float> gradient)
    {
        if (parameters.Length != FirstMoment.Length || gradient.Length != FirstMoment.Length)
            throw new ArgumentException($"Adam was built for {FirstMoment.Length} parameters, but got {parameters.Length} parameters and {gradient.Length} gradients.");
        Steps++;
        double correction1 = 1 - Math.Pow(Beta1, Steps);
        double correction2 = 1 - Math.Pow(Beta2, Steps);
        float stepSize = (float)(LearningRate / correction1);
        float sqrtCorrection2 = (float)Math.Sqrt(correction2);
        float b1 = Beta1, b2 = Beta2;
        for (int i = 0; i < parameters.Length; i++)
        {
            float g = gradient[i];
            float m = FirstMoment[i] = b1 * FirstMoment[i] + (1 - b1) * g;
            float v = SecondMoment[i] = b2 * SecondMoment[i] + (1 - b2) * g * g;
            parameters[i] -= stepSize * m / (MathF.Sqrt(v) / sqrtCorrection2 + Epsilon);
        }
    }
}
