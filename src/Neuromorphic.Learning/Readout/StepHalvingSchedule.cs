namespace Neuromorphic.Learning;

/// <summary>
/// The classifier's learning-rate schedule (spec §4, utils.CustomStepLR): with E ≥ 50 epochs the rate
/// is halved after epochs ⌊E·{0.2, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9}⌋; with 20–49 epochs after ⌊E·0.5⌋
/// and ⌊E·0.75⌋; under 20 epochs never. Like PyTorch's MultiStepLR, "after milestone m" means the
/// epoch with 0-based index m is the first to run at the lower rate.
/// </summary>
public sealed class StepHalvingSchedule
{
    static readonly double[] LongFractions = [0.2, 0.35, 0.5, 0.6, 0.7, 0.8, 0.9];
    static readonly double[] MediumFractions = [0.5, 0.75];

    public StepHalvingSchedule(float baseLearningRate, int totalEpochs)
    {
        if (totalEpochs < 0) throw new ArgumentException($"'{nameof(totalEpochs)}' must be >= 0, but it is {totalEpochs}.", nameof(totalEpochs));
        (BaseLearningRate, TotalEpochs) = (baseLearningRate, totalEpochs);
        Milestones = MilestonesFor(totalEpochs);
    }

    public float BaseLearningRate { get; }
    public int TotalEpochs { get; }
    /// <summary>The epochs after which the rate halves.</summary>
    public IReadOnlyList<int> Milestones { get; }

    public static int[] MilestonesFor(int totalEpochs)
    {
        var fractions = totalEpochs >= 50 ? LongFractions : totalEpochs >= 20 ? MediumFractions : [];
        // Integer arithmetic on the hundredths avoids 0.35*20 style float rounding at exact multiples.
        return fractions.Select(f => (int)(totalEpochs * (long)Math.Round(f * 100) / 100)).ToArray();
    }

    /// <summary>The rate for the epoch with 0-based index <paramref name="epoch"/>.</summary>
    public float RateForEpoch(int epoch)
    {
        int halvings = Milestones.Count(m => m <= epoch);
        return BaseLearningRate * MathF.Pow(0.5f, halvings);
    }
}
