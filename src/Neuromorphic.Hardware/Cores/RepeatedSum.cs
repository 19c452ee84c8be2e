namespace Neuromorphic.Hardware.Cores;

/// <summary>A cost counted event by event, as SANA-FE counts a unit's energy: 0 + e + e + … + e, rounded after each
/// addition. The result differs from n·e in the last bits, and those bits show in SANA-FE's printed figures. Adding
/// e n times would cost an addition per synaptic event; within one binade of the sum every addition rounds alike, so
/// the sum moves there in one jump, and n additions take a few steps per binade.</summary>
internal static class RepeatedSum
{
    /// <summary>fl(…fl(fl(0 + e) + e)… + e) with <paramref name="count"/> additions.</summary>
    public static double Of(double e, long count)
    {
        if (count <= 0 || e == 0) return 0;
        if (e < 0) return -Of(-e, count); // rounding to nearest is symmetric
        if (!double.IsFinite(e)) return e;
        double x = e; // 0 + e is exact
        long left = count - 1;
        while (left > 0)
        {
            double y = x + e;
            left--;
            if (y == x) return x; // e is below half an ulp of x: no later addition changes it
            if (double.IsInfinity(y)) return y;
            bool sameBinade = Math.ILogB(y) == Math.ILogB(x);
            double d = y - x; // exact: x ≤ y ≤ 2x (Sterbenz), as x ≥ e
            x = y;
            if (!sameBinade) continue; // d was rounded at the binade below
            // Within [2^p, 2^(p+1)) every sum is a multiple of the ulp u, so x + e rounds to x + d every time, unless e
            // sits exactly halfway between two multiples of u: then each sum rounds to an even multiple of u, and from
            // an even x the step d is the even one of the two, every time; from an odd x one more addition gets there.
            double u = Math.BitIncrement(x) - x;
            double steps = e / u; // exact: u is a power of two
            if (steps - Math.Floor(steps) == 0.5 && d / u % 2 != 0) continue;
            double top = Math.ScaleB(1.0, Math.ILogB(x) + 1);
            // Each jump's addition stays below top - d, so its exact sum x + e < top and rounds at spacing u.
            double fit = Math.Floor((top - x) / d) - 1;
            if (fit < 1) continue;
            long jump = (long)Math.Min(fit, left);
            x += jump * d; // exact: a multiple of u below top
            left -= jump;
        }
        return x;
    }
}
