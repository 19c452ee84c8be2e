using System.Diagnostics;

namespace Neuromorphic.Learning;

/// <summary>The stages of a Hebbian layer's call, in order (spec §1–§2).</summary>
public enum LayerStage { BatchNorm, Conv, Rule, Correlation, Update, Activation, Pool }

/// <summary>
/// Wall time a layer spent in each stage, summed over its calls: where a training run's time goes, measured on
/// the real data in the real pipeline (a timestamp per stage, tens of nanoseconds against milliseconds of work).
/// </summary>
public sealed class StageTimes
{
    static readonly LayerStage[] All = Enum.GetValues<LayerStage>();
    readonly long[] _ticks = new long[All.Length];

    /// <summary>Now, to pass to the first <see cref="Lap"/>.</summary>
    public static long Start() => Stopwatch.GetTimestamp();

    /// <summary>Adds the time since <paramref name="since"/> to <paramref name="stage"/> and returns now.</summary>
    public long Lap(LayerStage stage, long since)
    {
        long now = Stopwatch.GetTimestamp();
        _ticks[(int)stage] += now - since;
        return now;
    }

    /// <summary>Seconds per stage (stages that never ran are left out), in stage order.</summary>
    public IReadOnlyDictionary<string, double> Seconds()
    {
        var result = new Dictionary<string, double>();
        foreach (var stage in All)
            if (_ticks[(int)stage] > 0)
                result[Name(stage)] = (double)_ticks[(int)stage] / Stopwatch.Frequency;
        return result;
    }

    public void Reset() => Array.Clear(_ticks);

    public static string Name(LayerStage stage) => stage switch
    {
        LayerStage.BatchNorm => "batchnorm",
        LayerStage.Conv => "conv",
        LayerStage.Rule => "rule",
        LayerStage.Correlation => "correlation",
        LayerStage.Update => "update",
        LayerStage.Activation => "activation",
        LayerStage.Pool => "pool",
        _ => stage.ToString(),
    };
}
