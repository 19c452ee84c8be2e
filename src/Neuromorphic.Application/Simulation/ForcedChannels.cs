using Neuromorphic.Hardware;
using Neuromorphic.Spiking;
using Neuromorphic.Tensors;

namespace Neuromorphic.Application.Simulation;

/// <summary>
/// A converted network's conv weights as a chip with typed axons (TrueNorth) holds them. Folding BatchNorm's 1/σ and the
/// Triangle's channel mean into a channel's weights undoes the trained layer's +a, −b or 0, so each channel's folded row
/// is forced to them once more here, before the chip is built:
/// <list type="bullet">
/// <item>chosen for its responses (<see cref="WeightQuantizer.QuantizeAxonTypes"/>) with the covariance of the layer's input
/// patches over every position of the calibration images (their rates, the layers before already forced), not of one
/// position's few samples;</item>
/// <item>the mean response the forcing moved, (w − q)·E[x], is put back in the channel's bias current.</item>
/// </list>
/// Every position of a channel then holds the same row, as the convolution does, and the software run beside the chip
/// runs the network the chip holds.
/// </summary>
public static class ForcedChannels
{
    /// <summary>Forces every conv layer's channels in place, first layer first; returns the largest relative RMS change
    /// of one layer's folded weights.</summary>
    /// <param name="calibration">Images' pixels (0..1), each the network's input length.</param>
    public static double Apply(SpikingSoftHebbNetwork net, IReadOnlyList<float[]> calibration, AxonTypeWeights axons)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(axons);
        if (calibration.Count == 0) throw new ArgumentException("Forcing by responses needs calibration images.", nameof(calibration));
        double worst = 0;
        var inputs = calibration;
        for (int l = 0; l < net.Layers.Count; l++)
        {
            var layer = net.Layers[l];
            worst = Math.Max(worst, Force(layer, inputs, axons));
            if (l + 1 < net.Layers.Count) inputs = inputs.Select(x => layer.Rates(x)).ToList(); // what the next layer reads, forced
        }
        return worst;
    }

    /// <summary>Gives <paramref name="to"/>'s conv layers the channels <see cref="Apply"/> forced in <paramref name="from"/>,
    /// the same network converted with other options (the same rows and biases, without forcing them again).</summary>
    public static void Copy(SpikingSoftHebbNetwork from, SpikingSoftHebbNetwork to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (from.Layers.Count != to.Layers.Count) throw new ArgumentException($"{from.Layers.Count} layers to copy into {to.Layers.Count}.", nameof(to));
        for (int l = 0; l < from.Layers.Count; l++)
            for (int k = 0; k < from.Layers[l].K; k++)
                to.Layers[l].SetChannel(k, from.Layers[l].ChannelWeights(k), from.Layers[l].BiasCurrent(k));
    }

    static double Force(SpikingConvLayer layer, IReadOnlyList<float[]> inputs, AxonTypeWeights axons)
    {
        int n = inputs.Count, width = layer.InChannels * layer.Kernel * layer.Kernel;
        var x = new Tensor(n, layer.InChannels, layer.InHeight, layer.InWidth);
        for (int i = 0; i < n; i++) inputs[i].CopyTo(x.Span.Slice(i * layer.InputLength, layer.InputLength));
        var workspace = new Conv2dWorkspace();
        Im2Col.Fill(x, layer.Kernel, layer.Kernel, 1, layer.Padding, PaddingMode.Reflect, workspace);
        var patches = workspace.Columns; // tap by tap, every image's positions
        int count = workspace.ColumnCount;
        var mean = new double[width];
        for (int t = 0; t < width; t++) mean[t] = System.Numerics.Tensors.TensorPrimitives.Sum(patches.Slice(t * count, count)) / (double)count;
        double[]? covariance = null;
        if (width <= ChipSimulation.MaxMomentsWidth)
        {
            covariance = ChipSimulation.SecondMoments(patches, width, count);
            for (int i = 0; i < width; i++)
                for (int j = 0; j < width; j++) covariance[i * width + j] -= mean[i] * mean[j];
        }
        double changed = 0, total = 0;
        for (int k = 0; k < layer.K; k++)
        {
            var row = layer.ChannelWeights(k);
            var q = WeightQuantizer.QuantizeAxonTypes(row, 1, axons, covariance).Values;
            double shift = 0;
            for (int t = 0; t < width; t++)
            {
                double d = row[t] - q[t];
                shift += d * mean[t];
                changed += d * d;
                total += (double)row[t] * row[t];
            }
            layer.SetChannel(k, q, (float)(layer.BiasCurrent(k) + shift));
        }
        return total == 0 ? 0 : Math.Sqrt(changed / total);
    }
}
