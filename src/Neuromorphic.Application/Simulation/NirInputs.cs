using System.Globalization;
using Neuromorphic.Interop.Nir;

namespace Neuromorphic.Application.Simulation;

/// <summary>What drives a NIR graph's Input node (`nir run`, `simulate --nir`): a CSV with one row per step, or Poisson spikes.</summary>
public static class NirInputs
{
    /// <param name="input">A CSV file, or "poisson:P" (a spike probability per step).</param>
    /// <param name="columns">The CSV's columns that hold the input, comma-separated from 0; null: every column.</param>
    public static List<float[]> Stimulus(NirPlan plan, string input, string? columns, int? steps, long seed)
    {
        var node = plan.Inputs.FirstOrDefault() ?? throw new UserErrorException($"{plan.Source} has no Input node to drive.");
        if (input.StartsWith("poisson:", StringComparison.Ordinal))
        {
            if (!double.TryParse(input["poisson:".Length..], NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || !(p >= 0 && p <= 1))
                throw new UserErrorException($"--input {input}: poisson:P takes a spike probability per step in 0..1.");
            if (steps is null) throw new UserErrorException("--input poisson:P needs --steps N.");
            return NirStimulus.Poisson(node.OutputLength, steps.Value, p, seed);
        }
        int[]? chosen = columns?.Split(',').Select(c => int.TryParse(c, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 0 ? v
            : throw new UserErrorException($"--input-columns takes comma-separated column numbers from 0, not '{c}'.")).ToArray();
        return NirStimulus.ReadCsv(input, node.OutputLength, chosen);
    }
}
