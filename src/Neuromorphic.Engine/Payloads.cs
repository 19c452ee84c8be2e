using System.Runtime.CompilerServices;

namespace Neuromorphic.Engine;

/// <summary>What an <see cref="Event"/> carries. Payloads are immutable by convention: once emitted,
/// a payload may be read by several actors at once (fan-out), so nobody may write into its arrays.</summary>
public abstract record Payload
{
    /// <summary>Bytes this payload would occupy on a chip's interconnect; feeds the byte counters and the cost model.</summary>
    public abstract long SizeInBytes();
}

/// <summary>A payload that belongs to the data stream. <see cref="Sequence"/> is the block's index in the
/// stream; sources stamp it 0, 1, 2, … and actors with several inputs join their inputs on it.</summary>
public abstract record DataPayload : Payload
{
    public long Sequence { get; init; }
}

/// <summary>A batch of samples' activations, row-major. <c>Shape[0]</c> is the batch size.</summary>
public sealed record DenseBlock : DataPayload
{
    public DenseBlock(float[] data, int[] shape, long[] sampleIds, long sequence = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(sampleIds);
        if (shape.Length == 0) throw new ArgumentException("Shape needs at least the batch dimension.", nameof(shape));
        long product = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"Negative dimension in shape [{string.Join(", ", shape)}].", nameof(shape));
            product *= d;
        }
        if (product != data.Length)
            throw new ArgumentException($"Shape [{string.Join(", ", shape)}] holds {product} values but data has {data.Length}.", nameof(data));
        if (sampleIds.Length != shape[0])
            throw new ArgumentException($"{sampleIds.Length} sample ids for a batch of {shape[0]}.", nameof(sampleIds));
        Data = data;
        Shape = shape;
        SampleIds = sampleIds;
        Sequence = sequence;
    }

    public float[] Data { get; }
    public int[] Shape { get; }
    public long[] SampleIds { get; }
    public int BatchSize => Shape[0];
    /// <summary>The shape of one sample: <c>Shape</c> without the batch dimension.</summary>
    public ReadOnlySpan<int> SampleShape => Shape.AsSpan(1);
    public int SampleLength => BatchSize == 0 ? 0 : Data.Length / BatchSize;
    public ReadOnlySpan<float> Sample(int index) => Data.AsSpan(index * SampleLength, SampleLength);

    /// <summary>4 bytes per value plus 8 per sample id; the shape is metadata and not counted.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override long SizeInBytes() => Data.Length * 4L + SampleIds.Length * 8L;
}

/// <summary>The neurons of a population that spiked in one time step. <c>Neurons</c> may be a pooled array
/// longer than <c>Count</c>; only the first <c>Count</c> entries are meaningful. <c>Values</c>, when present,
/// holds graded spike amplitudes aligned with <c>Neurons</c>.</summary>
public sealed record SpikePacket : DataPayload
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public SpikePacket(long timeStep, int[] neurons, int count, float[]? values = null, long sequence = 0)
    {
        ArgumentNullException.ThrowIfNull(neurons);
        if (count < 0 || count > neurons.Length) throw new ArgumentOutOfRangeException(nameof(count), $"Count {count} outside 0..{neurons.Length}.");
        if (values is not null && values.Length < count)
            throw new ArgumentException($"{values.Length} values for {count} spikes.", nameof(values));
        TimeStep = timeStep;
        Neurons = neurons;
        Count = count;
        Values = values;
        Sequence = sequence;
    }

    public long TimeStep { get; }
    public int[] Neurons { get; }
    public int Count { get; }
    public float[]? Values { get; }
    public ReadOnlySpan<int> Active => Neurons.AsSpan(0, Count);

    /// <summary>8 bytes of time step, 4 per spike address, 4 more per spike when graded.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override long SizeInBytes() => 8 + Count * 4L + (Values is null ? 0 : Count * 4L);
}

public enum ControlKind
{
    EndOfEpoch,
    Flush,
    PlasticityOn,
    PlasticityOff,
    EndOfStream,
}

/// <summary>An in-band control marker. It travels in order with the data on every edge; the
/// <see cref="Actor"/> base class handles and forwards it, so subclasses never emit one.</summary>
public sealed record Control(ControlKind Kind) : Payload
{
    public override long SizeInBytes() => 4;
}
