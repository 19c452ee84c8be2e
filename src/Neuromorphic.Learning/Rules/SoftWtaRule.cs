using Neuromorphic.Tensors;

namespace Neuromorphic.Learning;

/// <summary>
/// Pure SoftHebb ("soft"): y = softmax_k(t·u). Every neuron learns in proportion to its soft
/// win probability; nobody is pushed away (spec §2 step 2, the MNIST MLP preset).
/// </summary>
public sealed class SoftWtaRule : IWtaRule
{
    public string Name => "soft";

    public void PostsynapticFactors(Tensor u, float inverseTemperature, Tensor y)
        => WtaRules.SoftmaxOverChannels(u, inverseTemperature, y);
}
