namespace Neuromorphic.Hardware;

/// <summary>Which per-core chip limit a layer ran into.</summary>
public enum ChipLimit { Neurons, SynapseMemory, FanIn, WeightPrecision }

/// <summary>The network does not fit the chip. <see cref="Limit"/> is the limit that binds. Either one neuron of
/// the layer cannot be placed at all (<see cref="OutOfCores"/> false; <see cref="Required"/> and
/// <see cref="Available"/> are in the limit's unit: inputs, bits, weight bits), or every core is too small to hold
/// enough neurons and the chip runs out of cores (<see cref="OutOfCores"/> true; the two are core counts and the
/// limit says what fills each core). The message says by how much and what would fit.</summary>
public sealed class MappingException(string chip, string layer, ChipLimit limit, double required, double available, string message,
    bool outOfCores = false) : Exception(message)
{
    public string Chip { get; } = chip;
    public string Layer { get; } = layer;
    public ChipLimit Limit { get; } = limit;
    public double Required { get; } = required;
    public double Available { get; } = available;
    public bool OutOfCores { get; } = outOfCores;
}
