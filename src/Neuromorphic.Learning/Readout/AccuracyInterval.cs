using MathNet.Numerics.Distributions;

namespace Neuromorphic.Learning;

/// <summary>
/// An exact (Clopper–Pearson) confidence interval for an accuracy measured on a finite test set: the test images
/// are a sample, so 80.46 % on 10,000 images means 79.7–81.2 % at 95 % confidence. Papers compare numbers that
/// differ by less than that; the interval says when a difference is within the test set's own noise.
/// </summary>
public readonly record struct AccuracyInterval(double Low, double High, double Confidence)
{
    /// <summary>The interval for <paramref name="correct"/> of <paramref name="total"/>: the Beta quantiles
    /// B(α/2; x, n−x+1) and B(1−α/2; x+1, n−x), with the bounds 0 and 1 at x = 0 and x = n.</summary>
    public static AccuracyInterval ClopperPearson(long correct, long total, double confidence = 0.95)
    {
        if (total < 1) throw new ArgumentException($"'{nameof(total)}' must be >= 1, but it is {total}.", nameof(total));
        if (correct < 0 || correct > total)
            throw new ArgumentException($"'{nameof(correct)}' must lie in 0..{total}, but it is {correct}.", nameof(correct));
        if (!(confidence > 0 && confidence < 1))
            throw new ArgumentException($"'{nameof(confidence)}' must lie strictly between 0 and 1, but it is {confidence}.", nameof(confidence));
        double alpha = 1 - confidence;
        double low = correct == 0 ? 0 : Beta.InvCDF(correct, total - correct + 1, alpha / 2);
        double high = correct == total ? 1 : Beta.InvCDF(correct + 1, total - correct, 1 - alpha / 2);
        return new AccuracyInterval(low, high, confidence);
    }

    /// <summary>The interval for an accuracy measured on <paramref name="total"/> samples (the count of correct ones recovered from it).</summary>
    public static AccuracyInterval OfAccuracy(double accuracy, long total, double confidence = 0.95) =>
        ClopperPearson((long)Math.Round(accuracy * total), total, confidence);

    public override string ToString() =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{100 * Confidence:F0} % CI {100 * Low:F2}–{100 * High:F2} %");
}
