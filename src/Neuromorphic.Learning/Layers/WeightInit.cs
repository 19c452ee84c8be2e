namespace Neuromorphic.Learning;

/// <summary>
/// Deterministic initialisers driven by a caller-supplied <see cref="Random"/> (spec §3).
/// With a seeded Random the same seed gives the same weights on every run.
/// </summary>
public static class WeightInit
{
    /// <summary>σ = R/√fan_in: blocks with an input BN draw N(0, σ²), so ‖W_k‖ ≈ R at the start (p = 2, spec §3).</summary>
    public static double NormalSigma(float radius, int fanIn) => radius / Math.Sqrt(fanIn);

    /// <summary>r = √(3R²/fan_in): blocks without input BN draw U[0, r), which also gives E‖W_k‖² = R² (spec §3).</summary>
    public static double UniformRange(float radius, int fanIn) => Math.Sqrt(3.0 * radius * radius / fanIn);

    /// <summary>Fills with N(0, σ²) samples by the Box–Muller transform, using both values of each pair.</summary>
    public static void Normal(Span<float> values, double sigma, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = 0; i < values.Length; i += 2)
        {
            double u1 = 1.0 - rng.NextDouble(); // (0, 1]: log never sees 0
            double u2 = rng.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            values[i] = (float)(sigma * r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < values.Length) values[i + 1] = (float)(sigma * r * Math.Sin(2 * Math.PI * u2));
        }
    }

    /// <summary>Fills with U[low, high) samples.</summary>
    public static void Uniform(Span<float> values, double low, double high, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = 0; i < values.Length; i++) values[i] = (float)(low + (high - low) * rng.NextDouble());
    }
}
