namespace Neuromorphic.Spiking;

/// <summary>
/// The Triangle's power r^P on rates r in [0, 1] as a sum of ReLUs, f(r) = Σ Slopes[i]·max(r − Knees[i], 0) with
/// Knees[0] = 0: what integrate-and-fire neurons compute, since an IF neuron fed a spike train of rate r with a bias of
/// −b a step fires at rate max(r − b, 0). f passes through r^P at 0, every knee and 1 (f(1) = 1, so rates stay within a
/// spike a step), and the knees are placed so that every segment's largest error is the same, which for a convex or
/// concave function is the least largest error any interpolation with that many knees reaches. Beyond 1 (a graded
/// value above Λ) f goes on with its last slope.
/// </summary>
public sealed class PiecewisePower
{
    private PiecewisePower(double power, double[] knees, double[] slopes, double maxError)
    {
        Power = power;
        Knees = knees;
        Slopes = slopes;
        MaxError = maxError;
    }

    public double Power { get; }

    /// <summary>Where each ReLU starts: 0, then the knees in ascending order.</summary>
    public IReadOnlyList<double> Knees { get; }

    /// <summary>Each ReLU's weight: the first segment's slope, then the change of slope at each knee.</summary>
    public IReadOnlyList<double> Slopes { get; }

    /// <summary>The largest |f(r) − r^P| over [0, 1].</summary>
    public double MaxError { get; }

    /// <summary>r^P with <paramref name="knees"/> knees besides 0 (a ReLU each); P = 1 needs none and gets none.</summary>
    public static PiecewisePower Fit(double power, int knees)
    {
        if (!(power > 0) || !double.IsFinite(power)) throw new ArgumentOutOfRangeException(nameof(power), power, "P must be finite and > 0.");
        ArgumentOutOfRangeException.ThrowIfNegative(knees);
        if (power == 1 || knees == 0) return new PiecewisePower(power, [0], [1], power == 1 ? 0 : SegmentError(power, 0, 1));
        // The least error level E at which a greedy walk from 0, each segment as long as E allows, reaches 1 within
        // knees + 1 segments; segment errors grow with their length, so E is found by bisection.
        double low = 0, high = SegmentError(power, 0, 1);
        for (int i = 0; i < 100 && high - low > 1e-15 * high; i++)
        {
            double mid = (low + high) / 2;
            if (Walk(power, mid, knees + 1) is null) low = mid;
            else high = mid;
        }
        var breaks = Walk(power, high, knees + 1)!;
        var slopes = new double[breaks.Count];
        double previous = 0;
        for (int s = 0; s < breaks.Count; s++)
        {
            double u = breaks[s], v = s + 1 < breaks.Count ? breaks[s + 1] : 1;
            double slope = (Math.Pow(v, power) - Math.Pow(u, power)) / (v - u);
            slopes[s] = slope - previous;
            previous = slope;
        }
        double error = breaks.Select((u, s) => SegmentError(power, u, s + 1 < breaks.Count ? breaks[s + 1] : 1)).Max();
        return new PiecewisePower(power, [.. breaks], slopes, error);
    }

    /// <summary>f(r).</summary>
    public double Evaluate(double r)
    {
        double sum = 0;
        for (int i = 0; i < Knees.Count; i++) sum += Slopes[i] * Math.Max(r - Knees[i], 0);
        return sum;
    }

    // The segments' starts of a greedy walk at error level E, or null if it needs more than `segments` to reach 1.
    static List<double>? Walk(double power, double level, int segments)
    {
        var starts = new List<double> { 0 };
        double u = 0;
        while (SegmentError(power, u, 1) > level)
        {
            if (starts.Count == segments) return null;
            double lo = u, hi = 1; // the segment's end: the furthest v with error(u, v) <= level
            for (int i = 0; i < 100 && hi - lo > 1e-15; i++)
            {
                double v = (lo + hi) / 2;
                if (SegmentError(power, u, v) <= level) lo = v;
                else hi = v;
            }
            if (lo <= u) return null;
            starts.Add(u = lo);
        }
        return starts;
    }

    // The largest gap between r^P and its chord over [u, v]: at the point whose tangent is parallel to the chord.
    static double SegmentError(double power, double u, double v)
    {
        if (v <= u) return 0;
        double fu = Math.Pow(u, power), slope = (Math.Pow(v, power) - fu) / (v - u);
        double r = Math.Clamp(Math.Pow(slope / power, 1 / (power - 1)), u, v);
        return Math.Abs(Math.Pow(r, power) - fu - slope * (r - u));
    }
}
