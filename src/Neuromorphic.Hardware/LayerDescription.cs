namespace Neuromorphic.Hardware;

/// <summary>One layer (population) of the network to map, in the terms a chip cares about.
/// <paramref name="Name"/> is also the engine actor's name. <paramref name="FanIn"/> is the number of inputs each
/// neuron sums. <paramref name="Synapses"/> counts the unique weights stored (a conv kernel once);
/// <paramref name="ConnectionsPerSample"/> counts the synaptic connections used per time step (a conv layer counts
/// each kernel position, i.e. Neurons × FanIn). <paramref name="Source"/> names the upstream layer (null: fed from
/// the host/encoder). <paramref name="WeightBits"/> is the precision the layer insists on (null: any, its weights
/// are quantised to the chip's precision). <paramref name="ZeroWeights"/> counts stored weights equal to zero
/// (NeuroBench connection sparsity). <paramref name="PooledOutputs"/> is the number of outputs the layer sends when
/// its output stage pools (a conv layer with 2x2 pooling: Neurons / 4); null: every neuron sends its own output.
/// <paramref name="Geometry"/>, for a convolution, is its shape: a chip that stores it unrolled places it by tiles of
/// output positions (<see cref="ConvTiles"/>); null: its neurons are placed in order, channel after channel.</summary>
public sealed record LayerDescription(
    string Name,
    int Neurons,
    long FanIn,
    long Synapses,
    long ConnectionsPerSample,
    bool Convolutional,
    string? Source,
    int? WeightBits = null,
    long ZeroWeights = 0,
    int? PooledOutputs = null,
    ConvGeometry? Geometry = null)
{
    /// <summary>The outputs that carry the layer's <c>NonZeroActivations</c> downstream: the pooled outputs when the
    /// layer pools, else its neurons. Activation density is non-zero outputs over this count.</summary>
    public int OutputNeurons => PooledOutputs ?? Neurons;

    /// <summary>Dense layer: every neuron sees every input, Synapses = Neurons × FanIn.</summary>
    public static LayerDescription Dense(string name, int neurons, long fanIn, string? source) =>
        new(name, neurons, fanIn, neurons * fanIn, neurons * fanIn, false, source);

    /// <summary>Convolution with shared kernels: <paramref name="channels"/> × <paramref name="height"/> ×
    /// <paramref name="width"/> output neurons, each summing <paramref name="kernelFanIn"/> (C_in × k × k) inputs.</summary>
    public static LayerDescription Conv(string name, int channels, int height, int width, long kernelFanIn, string? source)
    {
        int neurons = checked(channels * height * width);
        return new(name, neurons, kernelFanIn, channels * kernelFanIn, neurons * kernelFanIn, true, source);
    }
}
