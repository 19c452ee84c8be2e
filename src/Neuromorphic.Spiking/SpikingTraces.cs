using System.Globalization;
using Neuromorphic.Datasets;
using Neuromorphic.Engine;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Spiking;

/// <summary>Which neurons of a spiking conv layer a raster draws. A layer of a trained network has tens of thousands of
/// neurons, and with regular input coding whole populations fire in lock-step, so drawing all of them gives solid
/// bars, and the most active neurons of a trained layer fire at every step: a raster shows a few hundred neurons
/// <see cref="ByRate"/> (spread over the active neurons' spike counts, from the sparsest to the busiest), the
/// <see cref="MostActive"/> few hundred (rows grouped by feature map), or one feature map.</summary>
public sealed record RasterNeurons(RasterNeuronsKind Kind, int Value)
{
    public static RasterNeurons ByRate(int count) => new(RasterNeuronsKind.ByRate, count);
    public static RasterNeurons MostActive(int count) => new(RasterNeuronsKind.MostActive, count);
    public static RasterNeurons FeatureMap(int map) => new(RasterNeuronsKind.FeatureMap, map);
    public static RasterNeurons All => new(RasterNeuronsKind.All, 0);

    /// <summary>Parses "by-rate:N", "most-active:N", "map:K" or "all".</summary>
    public static RasterNeurons Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text == "all") return All;
        string[] parts = text.Split(':', 2);
        if (parts.Length == 2 && int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
        {
            if (parts[0] == "by-rate" && v >= 1) return ByRate(v);
            if (parts[0] == "most-active" && v >= 1) return MostActive(v);
            if (parts[0] == "map" && v >= 0) return FeatureMap(v);
        }
        throw new FormatException($"a raster selection is by-rate:N or most-active:N (N >= 1), map:K (a feature map, K >= 0) or all; got '{text}'.");
    }

    public override string ToString() => Kind switch
    {
        RasterNeuronsKind.ByRate => $"by-rate:{Value}",
        RasterNeuronsKind.MostActive => $"most-active:{Value}",
        RasterNeuronsKind.FeatureMap => $"map:{Value}",
        _ => "all",
    };

    /// <summary>The chosen neurons of a layer of <paramref name="maps"/> feature maps of <paramref name="positions"/>
    /// neurons each (channels-first indices), in row order, given each neuron's spike count.</summary>
    public int[] Choose(IReadOnlyDictionary<int, int> spikeCounts, int maps, int positions)
    {
        ArgumentNullException.ThrowIfNull(spikeCounts);
        return Kind switch
        {
            RasterNeuronsKind.FeatureMap when Value >= maps =>
                throw new ArgumentOutOfRangeException(nameof(Value), $"the layer has feature maps 0..{maps - 1}, not {Value}."),
            RasterNeuronsKind.FeatureMap => Enumerable.Range(Value * positions, positions).ToArray(),
            RasterNeuronsKind.ByRate => SpreadOverRates(spikeCounts, Value),
            // The busiest neurons (ties by index), drawn in index order so each feature map's neurons stay together.
            RasterNeuronsKind.MostActive => spikeCounts.OrderByDescending(c => c.Value).ThenBy(c => c.Key).Take(Value)
                .Select(c => c.Key).Order().ToArray(),
            _ => Enumerable.Range(0, maps * positions).ToArray(),
        };
    }

    /// <summary>Up to <paramref name="count"/> of the neurons that spiked, evenly spaced in the order of their spike counts
    /// (ties by index), listed from the sparsest to the busiest.</summary>
    static int[] SpreadOverRates(IReadOnlyDictionary<int, int> spikeCounts, int count)
    {
        var active = spikeCounts.Where(c => c.Value > 0).OrderBy(c => c.Value).ThenBy(c => c.Key).Select(c => c.Key).ToArray();
        if (active.Length <= count) return active;
        return Enumerable.Range(0, count).Select(i => active[(int)((long)i * (active.Length - 1) / (count - 1 == 0 ? 1 : count - 1))]).Distinct().ToArray();
    }

    /// <summary>A sentence for the plot: what the rows are.</summary>
    public string Describe(int chosen, int maps, int positions) => Kind switch
    {
        RasterNeuronsKind.FeatureMap => $"feature map {Value} ({positions:N0} positions, row = y·W + x)",
        RasterNeuronsKind.ByRate => $"{chosen:N0} of the active neurons (of {maps * positions:N0}), spread over their spike counts, sparsest at the bottom",
        RasterNeuronsKind.MostActive => $"the {chosen:N0} most active of {maps * positions:N0} neurons, grouped by feature map",
        _ => $"all {maps * positions:N0} neurons (row = k·H·W + y·W + x)",
    };
}

public enum RasterNeuronsKind { ByRate, MostActive, FeatureMap, All }

/// <summary>One raster of a layer: the spikes of the chosen neurons as (step, row), rows numbered 0..Neurons-1.</summary>
public sealed record LayerRaster(string Encoding, int[] Steps, int[] Rows, int[] Neurons, string RowsDescription);

/// <summary>The membrane of one neuron at each step 1..T (fires when it reaches ½), and the steps it fired at.</summary>
public sealed record MembraneTrace(int Neuron, int FeatureMap, int Y, int X, float[] Values, int[] SpikeSteps);

/// <summary>Spikes and membranes of one layer of a converted SoftHebb network for one test image, as the engine ran it.</summary>
public sealed record SpikingTraces(int Layer, int TestImage, int Label, int Steps, int FeatureMaps, int Height, int Width,
    IReadOnlyList<LayerRaster> Rasters, IReadOnlyList<MembraneTrace> Membranes)
{
    /// <summary>The most spike records one recording keeps (24 bytes each: 400 MB).</summary>
    public const long MaxRecords = 1L << 24;

    /// <summary>Runs test image <paramref name="image"/> through <paramref name="network"/> for <paramref name="steps"/>
    /// steps with each encoding, recording layer <paramref name="layer"/>'s spikes (a raster per encoding, neurons chosen
    /// by <paramref name="selection"/> on the first encoding's run so both rasters show the same rows) and the membranes
    /// of <paramref name="membranes"/> chosen neurons spread over their spike counts (from a second run of the first encoding).</summary>
    public static async Task<SpikingTraces> RecordAsync(SpikingSoftHebbNetwork network, IImageSource test, int image, int layer, int steps,
        IReadOnlyList<SpikeInputEncoding> encodings, RasterNeurons selection, int membranes = 3, long seed = 1, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(encodings);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)layer, (uint)network.Layers.Count, nameof(layer));
        if (encodings.Count == 0) throw new ArgumentException("At least one input encoding is needed.", nameof(encodings));
        var one = new SubsetImageSource(test, [image]);
        var conv = network.Layers[layer];
        int positions = conv.ConvHeight * conv.ConvWidth;
        string actor = SoftHebbGraph.LayerName(layer);

        async Task<ActorTrace> Run(SpikeInputEncoding encoding, int[]? neurons)
        {
            // Image 0's neurons fire at most once a step, so this holds every record; the buffers are allocated up front.
            long capacity = (long)steps * (neurons?.Length ?? conv.Neurons);
            if (capacity > MaxRecords)
                throw new ArgumentException($"Recording {steps} steps of {neurons?.Length ?? conv.Neurons:N0} neurons may need {capacity:N0} records; " +
                                            $"at most {MaxRecords:N0} are kept: record fewer steps.", nameof(steps));
            var recorder = new TraceRecorder();
            recorder.Watch(new TraceSelection(actor, Neurons: neurons, Capacity: (int)Math.Max(1, capacity)));
            await SpikingSoftHebb.EvaluateAsync(network, one, [steps], encoding, seed, trace: recorder, cancellationToken: cancellationToken).ConfigureAwait(false);
            return recorder.For(actor)!;
        }

        var rasters = new List<LayerRaster>();
        int[]? chosen = null;
        foreach (var encoding in encodings)
        {
            var spikes = (await Run(encoding, null).ConfigureAwait(false)).Spikes;
            if (chosen is null)
            {
                var counts = spikes.GroupBy(s => s.Neuron).ToDictionary(g => g.Key, g => g.Count());
                chosen = selection.Choose(counts, conv.K, positions);
            }
            var row = new Dictionary<int, int>(chosen.Length);
            for (int r = 0; r < chosen.Length; r++) row[chosen[r]] = r;
            var kept = spikes.Where(s => row.ContainsKey(s.Neuron)).ToArray();
            rasters.Add(new LayerRaster(encoding.ToString().ToLowerInvariant(), kept.Select(s => (int)s.Sequence + 1).ToArray(),
                kept.Select(s => row[s.Neuron]).ToArray(), chosen, selection.Describe(chosen.Length, conv.K, positions)));
        }

        // The membranes of chosen neurons spread over their spike counts (a sparse one shows the integrate-fire-reset
        // sawtooth, a busy one saturation), from a run that watches just them.
        var byCount = rasters[0].Rows.GroupBy(r => r).OrderBy(g => g.Count()).ThenBy(g => g.Key).Select(g => chosen![g.Key]).ToArray();
        int[] watched = Enumerable.Range(0, Math.Min(membranes, byCount.Length))
            .Select(i => byCount[(int)((i + 0.5) / Math.Min(membranes, byCount.Length) * byCount.Length)]).Distinct().Order().ToArray();
        var traces = new List<MembraneTrace>();
        if (watched.Length > 0)
        {
            var run = await Run(encodings[0], watched).ConfigureAwait(false);
            foreach (int neuron in watched)
            {
                var values = new float[steps];
                foreach (var a in run.Activations.Where(a => a.Neuron == neuron)) values[a.Sequence] = a.Value;
                int map = neuron / positions, pos = neuron % positions;
                traces.Add(new MembraneTrace(neuron, map, pos / conv.ConvWidth, pos % conv.ConvWidth, values,
                    run.Spikes.Where(s => s.Neuron == neuron).Select(s => (int)s.Sequence + 1).ToArray()));
            }
        }
        return new SpikingTraces(layer, image, test.GetLabel(image), steps, conv.K, conv.ConvHeight, conv.ConvWidth, rasters, traces);
    }
}
