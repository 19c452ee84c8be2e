using System.Runtime.CompilerServices;
using Neuromorphic.Datasets;
using Neuromorphic.Engine;

namespace Neuromorphic.Spiking;

/// <summary>How images are presented: <see cref="PresentSteps"/> steps with input, then <see cref="RestSteps"/> empty
/// steps, then (optionally) a <see cref="ControlKind.Flush"/> control that marks the end of the sample.</summary>
public sealed record PresentationSchedule(double DtMs, double PresentMs, double RestMs = 0, bool FlushAfterSample = true)
{
    public int PresentSteps => (int)Math.Round(PresentMs / DtMs);
    public int RestSteps => (int)Math.Round(RestMs / DtMs);
    public int StepsPerSample => PresentSteps + RestSteps;

    public void Validate()
    {
        if (!(DtMs > 0) || double.IsInfinity(DtMs)) throw new ArgumentOutOfRangeException(nameof(DtMs), DtMs, "dt must be finite and > 0.");
        if (!(PresentMs >= 0) || double.IsInfinity(PresentMs)) throw new ArgumentOutOfRangeException(nameof(PresentMs), PresentMs, "Presentation time must be finite and >= 0.");
        if (!(RestMs >= 0) || double.IsInfinity(RestMs)) throw new ArgumentOutOfRangeException(nameof(RestMs), RestMs, "Rest time must be finite and >= 0.");
    }
}

/// <summary>Turns images (pixels in [0,1]) into one <see cref="SpikePacket"/> per time step (neuron = pixel index),
/// suitable as the items of a <see cref="SourceActor"/>. Encoding a sample costs ∝ its spikes plus its pixels, not
/// ∝ pixels × steps. The step counter runs on across calls, so several streams can be concatenated.</summary>
public abstract class SpikeEncoder
{
    private readonly List<int> spikeStep = [];
    private readonly List<int> spikeNeuron = [];

    protected SpikeEncoder(PresentationSchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        schedule.Validate();
        Schedule = schedule;
    }

    public PresentationSchedule Schedule { get; }
    /// <summary>The TimeStep the next packet gets.</summary>
    public long NextStep { get; private set; }
    /// <summary>Spikes produced so far.</summary>
    public long SpikeCount { get; private set; }

    /// <summary>Adds the spikes of one sample: for each, its step in 0..steps−1 and its pixel, through <paramref name="emit"/>.</summary>
    protected abstract void EncodeSample(ReadOnlySpan<float> pixels, int steps, SpikeSink emit);

    /// <summary>Collects (step, neuron) spikes of one sample.</summary>
    protected readonly struct SpikeSink(List<int> steps, List<int> neurons)
    {
        public void Add(int step, int neuron)
        {
            steps.Add(step);
            neurons.Add(neuron);
        }
    }

    /// <summary>The packets (and, per the schedule, the rest steps and the Flush) of one sample.</summary>
    public IEnumerable<Payload> EncodeImage(float[] pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        int steps = Schedule.PresentSteps;
        spikeStep.Clear();
        spikeNeuron.Clear();
        EncodeSample(pixels, steps, new SpikeSink(spikeStep, spikeNeuron));
        // Counting sort by step; within a step neurons stay in the order they were added.
        var start = new int[steps + 1];
        foreach (int s in spikeStep) start[s + 1]++;
        for (int s = 0; s < steps; s++) start[s + 1] += start[s];
        var fill = (int[])start.Clone();
        var sorted = new int[spikeStep.Count];
        for (int k = 0; k < spikeStep.Count; k++) sorted[fill[spikeStep[k]]++] = spikeNeuron[k];
        SpikeCount += sorted.Length;
        return Packets(sorted, start);
    }

    private IEnumerable<Payload> Packets(int[] sorted, int[] start)
    {
        for (int s = 0; s < Schedule.PresentSteps; s++)
        {
            int count = start[s + 1] - start[s];
            yield return new SpikePacket(NextStep++, count == 0 ? [] : sorted.AsSpan(start[s], count).ToArray(), count);
        }
        for (int s = 0; s < Schedule.RestSteps; s++) yield return new SpikePacket(NextStep++, [], 0);
        if (Schedule.FlushAfterSample) yield return new Control(ControlKind.Flush);
    }

    /// <summary>Encodes <paramref name="count"/> images stored one after another in <paramref name="images"/>.</summary>
    public IEnumerable<Payload> Encode(float[] images, int pixelsPerImage)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pixelsPerImage);
        for (int k = 0; k + pixelsPerImage <= images.Length; k += pixelsPerImage)
            foreach (var p in EncodeImage(images.AsSpan(k, pixelsPerImage).ToArray())) yield return p;
    }

    /// <summary>Encodes the images of <paramref name="source"/> at <paramref name="indices"/>, reading one at a time.</summary>
    public IEnumerable<Payload> Encode(IImageSource source, IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(indices);
        var buffer = new float[source.Shape.PixelsPerImage];
        foreach (int index in indices)
        {
            source.CopyBatch([index], buffer);
            foreach (var p in EncodeImage(buffer)) yield return p;
        }
    }

    protected static void CheckPixel(float x, int index)
    {
        if (!(x >= 0 && x <= 1)) throw new ArgumentOutOfRangeException(nameof(x), x, $"Pixel {index} is {x}; encoders expect values in [0, 1].");
    }
}

/// <summary>Poisson rate code: pixel x fires in each step independently with probability x·MaxRateHz·dt (a Bernoulli
/// process, the discrete-time Poisson process). Inter-spike gaps are drawn from the geometric distribution, so the
/// cost is ∝ spikes. The random stream is seeded by <see cref="Actor.DeriveSeed"/>(seed, streamName), like an actor's.</summary>
public sealed class PoissonEncoder : SpikeEncoder
{
    private readonly Random random;

    public PoissonEncoder(PresentationSchedule schedule, double maxRateHz, long seed, string streamName = "encoder")
        : base(schedule)
    {
        if (!(maxRateHz >= 0) || double.IsInfinity(maxRateHz)) throw new ArgumentOutOfRangeException(nameof(maxRateHz), maxRateHz, "Rate must be finite and >= 0.");
        MaxRateHz = maxRateHz;
        random = new Random(Actor.DeriveSeed(seed, streamName));
    }

    public double MaxRateHz { get; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    protected override void EncodeSample(ReadOnlySpan<float> pixels, int steps, SpikeSink emit)
    {
        double scale = MaxRateHz * Schedule.DtMs / 1000;
        for (int j = 0; j < pixels.Length; j++)
        {
            CheckPixel(pixels[j], j);
            double p = pixels[j] * scale;
            if (p <= 0) continue;
            if (p >= 1)
            {
                for (int s = 0; s < steps; s++) emit.Add(s, j);
                continue;
            }
            double logQ = Math.Log(1 - p);
            long t = -1;
            while (true)
            {
                t += 1 + (long)Math.Floor(Math.Log(1 - random.NextDouble()) / logQ);
                if (t >= steps) break;
                emit.Add((int)t, j);
            }
        }
    }
}

/// <summary>Regular (deterministic) rate code: pixel x with p = x·MaxRateHz·dt spikes per step fires at steps
/// ⌈k/p⌉ − 1, k = 1, 2, …: exactly ⌊steps·p⌋ spikes, evenly spaced.</summary>
public sealed class RegularRateEncoder : SpikeEncoder
{
    public RegularRateEncoder(PresentationSchedule schedule, double maxRateHz) : base(schedule)
    {
        if (!(maxRateHz >= 0) || double.IsInfinity(maxRateHz)) throw new ArgumentOutOfRangeException(nameof(maxRateHz), maxRateHz, "Rate must be finite and >= 0.");
        MaxRateHz = maxRateHz;
    }

    public double MaxRateHz { get; }

    protected override void EncodeSample(ReadOnlySpan<float> pixels, int steps, SpikeSink emit)
    {
        double scale = MaxRateHz * Schedule.DtMs / 1000;
        for (int j = 0; j < pixels.Length; j++)
        {
            CheckPixel(pixels[j], j);
            double p = Math.Min(pixels[j] * scale, 1);
            if (p <= 0) continue;
            for (long k = 1; ; k++)
            {
                // The tolerance keeps k/p that are integers in exact arithmetic from rounding up a step.
                long s = (long)Math.Ceiling(k / p - 1e-9) - 1;
                if (s >= steps) break;
                emit.Add((int)s, j);
            }
        }
    }
}

/// <summary>Time-to-first-spike code: each pixel brighter than <see cref="MinIntensity"/> fires exactly once, at step
/// round((1 − x)·(steps − 1)): the brightest pixels first; darker (or equal to the minimum) pixels never fire.</summary>
public sealed class TtfsEncoder(PresentationSchedule schedule, double minIntensity = 0) : SpikeEncoder(schedule)
{
    public double MinIntensity { get; } = minIntensity;

    protected override void EncodeSample(ReadOnlySpan<float> pixels, int steps, SpikeSink emit)
    {
        if (steps == 0) return;
        for (int j = 0; j < pixels.Length; j++)
        {
            CheckPixel(pixels[j], j);
            if (pixels[j] <= MinIntensity) continue;
            emit.Add((int)Math.Round((1 - pixels[j]) * (steps - 1)), j);
        }
    }
}
