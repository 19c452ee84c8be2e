using System.Runtime.Intrinsics;
using System.Numerics.Tensors;
using Neuromorphic.Tensors.Gemm;

namespace Neuromorphic.Learning;

/// <summary>Mean loss and accuracy over a pass.</summary>
public readonly record struct ReadoutResult(double MeanLoss, double Accuracy, int Count);

/// <summary>
/// The only supervised part (spec §1, §4): flatten → dropout(p) (training only, inverted scaling) →
/// linear F → classes with bias → softmax cross-entropy (mean over the batch), trained with
/// <see cref="Adam"/>. Init as PyTorch's nn.Linear: W and b ~ U(±1/√F). Products go through Sgemm.
/// Buffers are grow-only; not thread-safe.
/// </summary>
public sealed class LinearReadout
{
    Random _dropoutRng;
    float[] _x = [], _logits = [], _gradLogits = [];
    int[] _order = [], _batchIndices = [];
    readonly float[] _gradW, _gradB;

    /// <param name="rng">Draws the initial weights, then the dropout masks (seed it for repeatable runs).</param>
    public LinearReadout(int features, int classes, float dropout, Random rng, float learningRate = 1e-3f)
    {
        if (features < 1) throw new ArgumentException($"'{nameof(features)}' must be >= 1, but it is {features}.", nameof(features));
        if (classes < 2) throw new ArgumentException($"'{nameof(classes)}' must be >= 2, but it is {classes}.", nameof(classes));
        if (!(dropout >= 0 && dropout < 1)) throw new ArgumentException($"'{nameof(dropout)}' must lie in [0, 1), but it is {dropout}.", nameof(dropout));
        ArgumentNullException.ThrowIfNull(rng);
        (Features, Classes, Dropout, _dropoutRng) = (features, classes, dropout, rng);
        Weights = new float[classes * features];
        Bias = new float[classes];
        // Kaiming-uniform with a = √5 gives bound √(6/((1+5)F)) = 1/√F; the bias uses 1/√fan_in too.
        double bound = 1 / Math.Sqrt(features);
        WeightInit.Uniform(Weights, -bound, bound, rng);
        WeightInit.Uniform(Bias, -bound, bound, rng);
        _gradW = new float[Weights.Length];
        _gradB = new float[classes];
        WeightOptimizer = new Adam(Weights.Length, learningRate);
        BiasOptimizer = new Adam(Bias.Length, learningRate);
    }

    public int Features { get; }
    public int Classes { get; }
    public float Dropout { get; }
    /// <summary>(Classes, Features) row-major.</summary>
    public float[] Weights { get; }
    public float[] Bias { get; }
    public Adam WeightOptimizer { get; }
    public Adam BiasOptimizer { get; }

    public float LearningRate
    {
        get => WeightOptimizer.LearningRate;
        set => (WeightOptimizer.LearningRate, BiasOptimizer.LearningRate) = (value, value);
    }

    /// <summary>logits (B, Classes) = x (B, F) · Wᵀ + b; no dropout.</summary>
    public void Logits(ReadOnlySpan<float> x, int batch, Span<float> logits)
    {
        CheckBatch(x, batch);
        for (int i = 0; i < batch; i++) Bias.CopyTo(logits.Slice(i * Classes, Classes));
        Sgemm.Multiply(false, true, batch, Classes, Features, 1f, x, Features, Weights, Features, 1f, logits, Classes);
    }

    /// <summary>One Adam step on a batch (dropout applied to a copy of x). Returns the batch's mean loss; counts correct predictions.</summary>
    public float TrainBatch(ReadOnlySpan<float> x, ReadOnlySpan<int> labels, int batch, out int correct)
    {
        CheckBatch(x, batch);
        var input = Grow(ref _x, batch * Features);
        x.Slice(0, batch * Features).CopyTo(input);
        if (Dropout > 0) ApplyDropout(input, Dropout, (ulong)_dropoutRng.NextInt64());
        var logits = Grow(ref _logits, batch * Classes);
        Logits(input, batch, logits);
        var grad = Grow(ref _gradLogits, batch * Classes);
        float loss = SoftmaxCrossEntropy(logits, labels, batch, grad, out correct);

        // dL/dlogits = (softmax − onehot)/B; dW = gradᵀ·x, db = Σ rows of grad.
        TensorPrimitives.Multiply(grad, 1f / batch, grad);
        Sgemm.Multiply(true, false, Classes, Features, batch, 1f, grad, Classes, input, Features, 0f, _gradW, Features);
        Array.Clear(_gradB);
        for (int i = 0; i < batch; i++) TensorPrimitives.Add(_gradB, grad.Slice(i * Classes, Classes), _gradB);
        WeightOptimizer.Step(Weights, _gradW);
        BiasOptimizer.Step(Bias, _gradB);
        return loss;
    }

    /// <summary>One epoch over the whole source in an order shuffled by <paramref name="shuffle"/> (the last batch may be short).
    /// The epoch's dropout masks come from the same generator, so an epoch depends on nothing but its generator
    /// and the model's state: a run resumed between epochs continues exactly.</summary>
    public ReadoutResult TrainEpoch(IFeatureSource features, ReadOnlySpan<int> labels, int batchSize, Random shuffle)
    {
        CheckSource(features, labels, batchSize);
        ArgumentNullException.ThrowIfNull(shuffle);
        _dropoutRng = shuffle;
        int count = features.Count;
        var order = Grow(ref _order, count);
        for (int i = 0; i < count; i++) order[i] = i;
        shuffle.Shuffle(order);
        return Pass(features, labels, batchSize, order, train: true);
    }

    /// <summary>Mean loss and accuracy without dropout or learning, in index order.</summary>
    public ReadoutResult Evaluate(IFeatureSource features, ReadOnlySpan<int> labels, int batchSize = 1000)
    {
        CheckSource(features, labels, batchSize);
        var order = Grow(ref _order, features.Count);
        for (int i = 0; i < order.Length; i++) order[i] = i;
        return Pass(features, labels, batchSize, order, train: false);
    }

    /// <summary>The predicted class of each of <paramref name="batch"/> rows of x.</summary>
    public void Predict(ReadOnlySpan<float> x, int batch, Span<int> predictions)
    {
        var logits = Grow(ref _logits, batch * Classes);
        Logits(x, batch, logits);
        for (int i = 0; i < batch; i++) predictions[i] = TensorPrimitives.IndexOfMax(logits.Slice(i * Classes, Classes));
    }

    ReadoutResult Pass(IFeatureSource features, ReadOnlySpan<int> labels, int batchSize, ReadOnlySpan<int> order, bool train)
    {
        int count = features.Count;
        var batchX = new float[(long)Math.Min(batchSize, count) * Features];
        var batchLabels = Grow(ref _batchIndices, Math.Min(batchSize, count));
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < count; start += batchSize)
        {
            int b = Math.Min(batchSize, count - start);
            var indices = order.Slice(start, b);
            features.CopyRows(indices, batchX);
            for (int i = 0; i < b; i++) batchLabels[i] = labels[indices[i]];
            int right;
            float loss;
            if (train) loss = TrainBatch(batchX, batchLabels.Slice(0, b), b, out right);
            else
            {
                var logits = Grow(ref _logits, b * Classes);
                Logits(batchX, b, logits);
                var grad = Grow(ref _gradLogits, b * Classes);
                loss = SoftmaxCrossEntropy(logits, batchLabels.Slice(0, b), b, grad, out right);
            }
            lossSum += (double)loss * b;
            correct += right;
        }
        return new ReadoutResult(count == 0 ? 0 : lossSum / count, count == 0 ? 0 : (double)correct / count, count);
    }

    /// <summary>
    /// Inverted dropout: each value is dropped with probability p, survivors are scaled by 1/(1−p). The mask comes
    /// from a counter-based SplitMix64 stream (value n of the stream depends only on the seed and n), computed
    /// 8 x 64 bits at a time, each 64-bit draw giving two 32-bit uniforms: branch-free, so a mask costs about as
    /// much as copying the batch (a Random call or a branch per feature cost more than the whole GEMM).
    /// </summary>
    internal static void ApplyDropout(Span<float> x, float p, ulong seed)
    {
        const ulong Golden = 0x9E3779B97F4A7C15UL;
        float keep = 1f / (1f - p);
        uint threshold = (uint)Math.Min(p * 4294967296.0, uint.MaxValue);
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var lanes = Vector512.Create(1UL, 2, 3, 4, 5, 6, 7, 8) * Golden;
            var limit = Vector512.Create(threshold);
            var scale = Vector512.Create(keep);
            for (ulong n = 0; i <= x.Length - 16; i += 16, n += 8)
            {
                var z = Vector512.Create(seed + n * Golden) + lanes;
                z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
                z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
                z ^= z >> 31;
                var uniform = Vector512.Narrow(z >> 32, z & Vector512.Create(0xFFFFFFFFUL));
                var drop = Vector512.LessThan(uniform, limit).AsSingle();
                var v = Vector512.Create(x.Slice(i, 16)) * scale;
                Vector512.AndNot(v, drop).CopyTo(x.Slice(i, 16));
            }
        }
        for (; i < x.Length; i++)
        {
            ulong z = seed + (ulong)(i + 1) * Golden + 0x632BE59BD9B4E019UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            x[i] = (uint)(z >> 32) < threshold ? 0f : x[i] * keep;
        }
    }

    /// <summary>Mean −log softmax(logits)[label]; writes softmax − onehot into <paramref name="grad"/>.</summary>
    float SoftmaxCrossEntropy(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int batch, Span<float> grad, out int correct)
    {
        double loss = 0;
        correct = 0;
        for (int i = 0; i < batch; i++)
        {
            int label = labels[i];
            if ((uint)label >= (uint)Classes)
                throw new ArgumentException($"Label {label} of row {i} is outside 0..{Classes - 1}.", nameof(labels));
            var row = logits.Slice(i * Classes, Classes);
            var g = grad.Slice(i * Classes, Classes);
            int argmax = TensorPrimitives.IndexOfMax(row);
            if (argmax == label) correct++;
            float max = row[argmax];
            TensorPrimitives.Subtract(row, max, g);
            TensorPrimitives.Exp(g, g);
            float sum = TensorPrimitives.Sum(g);
            loss += Math.Log(sum) - (row[label] - max);
            TensorPrimitives.Divide(g, sum, g);
            // Probabilities below 1e-30 are nothing next to the 1 of the label, but as subnormal floats they
            // make the gradient GEMM and Adam take a microcode assist per operation (several times slower).
            for (int c = 0; c < Classes; c++) if (g[c] < 1e-30f) g[c] = 0f;
            g[label] -= 1f;
        }
        return (float)(loss / batch);
    }

    void CheckBatch(ReadOnlySpan<float> x, int batch)
    {
        if (batch < 1) throw new ArgumentException($"'{nameof(batch)}' must be >= 1, but it is {batch}.", nameof(batch));
        if (x.Length < (long)batch * Features)
            throw new ArgumentException($"'{nameof(x)}' must hold {batch}x{Features} features, but it holds {x.Length}.", nameof(x));
    }

    void CheckSource(IFeatureSource features, ReadOnlySpan<int> labels, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.FeatureLength != Features)
            throw new ArgumentException($"The read-out takes {Features} features per row, but the source has {features.FeatureLength}.", nameof(features));
        if (labels.Length < features.Count)
            throw new ArgumentException($"{features.Count} rows need as many labels, but {labels.Length} were given.", nameof(labels));
        if (batchSize < 1) throw new ArgumentException($"'{nameof(batchSize)}' must be >= 1, but it is {batchSize}.", nameof(batchSize));
    }

    static Span<T> Grow<T>(ref T[] buffer, int length)
    {
        if (buffer.Length < length) buffer = new T[length];
        return buffer.AsSpan(0, length);
    }

    /// <summary>Adds weights, bias and the Adam state under <paramref name="prefix"/>.</summary>
    public void SaveState(IDictionary<string, float[]> state, string prefix)
    {
        state[prefix + "weight"] = (float[])Weights.Clone();
        state[prefix + "bias"] = (float[])Bias.Clone();
        state[prefix + "adam.weight.m"] = (float[])WeightOptimizer.FirstMoment.Clone();
        state[prefix + "adam.weight.v"] = (float[])WeightOptimizer.SecondMoment.Clone();
        state[prefix + "adam.bias.m"] = (float[])BiasOptimizer.FirstMoment.Clone();
        state[prefix + "adam.bias.v"] = (float[])BiasOptimizer.SecondMoment.Clone();
        state[prefix + "adam.steps"] = [WeightOptimizer.Steps];
        state[prefix + "adam.lr"] = [LearningRate];
    }

    public void LoadState(IReadOnlyDictionary<string, float[]> state, string prefix)
    {
        LayerState.Restore(state, prefix + "weight", Weights);
        LayerState.Restore(state, prefix + "bias", Bias);
        LayerState.Restore(state, prefix + "adam.weight.m", WeightOptimizer.FirstMoment);
        LayerState.Restore(state, prefix + "adam.weight.v", WeightOptimizer.SecondMoment);
        LayerState.Restore(state, prefix + "adam.bias.m", BiasOptimizer.FirstMoment);
        LayerState.Restore(state, prefix + "adam.bias.v", BiasOptimizer.SecondMoment);
        float[] one = new float[1];
        LayerState.Restore(state, prefix + "adam.steps", one);
        WeightOptimizer.Steps = BiasOptimizer.Steps = (long)one[0];
        LayerState.Restore(state, prefix + "adam.lr", one);
        LearningRate = one[0];
    }
}
