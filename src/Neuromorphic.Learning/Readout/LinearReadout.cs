using System.Runtime.Intrinsics;
using System.Numerics.Tensors;
using Neuromorphic.Tensors;
using Neuromorphic.Tensors.Gemm;

namespace Neuromorphic.Learning;

/// <summary>Mean loss and accuracy over a pass.</summary>
public readonly record struct ReadoutResult(double MeanLoss, double Accuracy, int Count);

/// <summary>
/// The only supervised part (spec §1, §4): flatten → dropout(p) (training only, inverted scaling) →
/// linear F → classes with bias → softmax cross-entropy (mean over the batch), trained with
/// <see cref="Adam"/>. Init as PyTorch's nn.Linear: W and b ~ U(±1/√F).
/// <para>Training and evaluation stream each batch from the feature source a chunk of features at a time: the
/// batch's chunk is converted to float and masked by dropout into a small per-thread block, the class scores take
/// their share of it, and the backward pass converts and masks it again (the mask is a pure function of the seed
/// and the chunk's stream number) to compute its gradient and take the Adam step of those weights while they are in
/// cache. So the cached half-precision features are read twice per epoch and nothing batch-sized is written;
/// feature panels run on the shared thread budget and are summed in a fixed order, so results do not depend on the
/// thread count.</para>
/// Buffers are grow-only; not thread-safe.
/// </summary>
public sealed class LinearReadout
{
    /// <summary>Features per chunk: the classes' weights for a chunk (10 x 2 KiB) stay in L1 while the batch rows stream past them.</summary>
    internal const int Chunk = 512;
    const int MaxPanels = 8;

    Random _dropoutRng;
    float[] _logits = [], _gradLogits = [], _partialLogits = [];
    int[] _order = [], _rows = [], _batchLabels = [];
    readonly float[] _gradW, _gradB;
    [ThreadStatic] static float[]? t_chunk;

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
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < count; start += batchSize)
        {
            int b = Math.Min(batchSize, count - start);
            var indices = order.Slice(start, b);
            indices.CopyTo(Grow(ref _rows, b));
            var batchLabels = Grow(ref _batchLabels, b);
            for (int i = 0; i < b; i++) batchLabels[i] = labels[indices[i]];
            ulong? dropoutSeed = train && Dropout > 0 ? (ulong)_dropoutRng.NextInt64() : null;
            var logits = Grow(ref _logits, b * Classes);
            Forward(features, b, dropoutSeed, logits);
            var grad = Grow(ref _gradLogits, b * Classes);
            float loss = SoftmaxCrossEntropy(logits, batchLabels, b, grad, out int right);
            if (train)
            {
                // dL/dlogits = (softmax − onehot)/B; dW = gradᵀ·x, db = Σ rows of grad.
                TensorPrimitives.Multiply(grad, 1f / b, grad);
                BackwardAndStep(features, b, dropoutSeed);
            }
            lossSum += (double)loss * b;
            correct += right;
        }
        return new ReadoutResult(count == 0 ? 0 : lossSum / count, count == 0 ? 0 : (double)correct / count, count);
    }

    int ChunkCount => (Features + Chunk - 1) / Chunk;
    int PanelCount => Math.Min(MaxPanels, ChunkCount);
    /// <summary>Feature chunk <paramref name="chunk"/> of the <paramref name="b"/> batch rows (source rows _rows), as a
    /// b x length block in the calling thread's buffer, dropout applied when seeded.</summary>
    Span<float> ReadChunk(IFeatureSource features, int b, int chunk, ulong? dropoutSeed, out int length)
    {
        int offset = chunk * Chunk;
        length = Math.Min(Chunk, Features - offset);
        if (t_chunk is null || t_chunk.Length < b * length) t_chunk = new float[b * Chunk];
        var block = t_chunk.AsSpan(0, b * length);
        for (int i = 0; i < b; i++)
        {
            var x = block.Slice(i * length, length);
            features.ReadRow(_rows[i], offset, x);
            if (dropoutSeed is ulong seed) ApplyDropout(x, Dropout, seed, (long)i * ChunkCount + chunk);
        }
        return block;
    }

    /// <summary>logits (b, Classes) = dropout(x) · Wᵀ + bias for the batch rows in _rows.</summary>
    void Forward(IFeatureSource features, int b, ulong? dropoutSeed, Span<float> logits)
    {
        int panels = PanelCount, chunks = ChunkCount, size = b * Classes;
        var partial = Grow(ref _partialLogits, panels * size);
        partial.Clear();
        Sgemm.RunPanels(panels, p =>
        {
            var sums = _partialLogits.AsSpan(p * size, size);
            for (int chunk = chunks * p / panels; chunk < chunks * (p + 1) / panels; chunk++)
            {
                var x = ReadChunk(features, b, chunk, dropoutSeed, out int length);
                NarrowProducts.AddScores(x, b, length, Weights.AsSpan(chunk * Chunk), Classes, Features, sums);
            }
        });
        for (int i = 0; i < b; i++) Bias.CopyTo(logits.Slice(i * Classes, Classes));
        for (int p = 0; p < panels; p++) TensorPrimitives.Add(logits.Slice(0, size), partial.Slice(p * size, size), logits.Slice(0, size));
    }

    /// <summary>From the gradient of the logits in _gradLogits: gradᵀ·dropout(x) chunk by chunk, each chunk's Adam step
    /// taken while it is in cache; then the bias step.</summary>
    void BackwardAndStep(IFeatureSource features, int b, ulong? dropoutSeed)
    {
        int panels = PanelCount, chunks = ChunkCount;
        var step = WeightOptimizer.BeginStep();
        float[] g = _gradLogits;
        Sgemm.RunPanels(panels, p =>
        {
            for (int chunk = chunks * p / panels; chunk < chunks * (p + 1) / panels; chunk++)
            {
                int offset = chunk * Chunk;
                var x = ReadChunk(features, b, chunk, dropoutSeed, out int length);
                NarrowProducts.Gradient(g, x, b, length, Classes, _gradW.AsSpan(offset), Features);
                for (int c = 0; c < Classes; c++)
                    step.Apply(Weights.AsSpan(c * Features + offset, length), _gradW.AsSpan(c * Features + offset, length), c * Features + offset);
            }
        });
        Array.Clear(_gradB);
        for (int i = 0; i < b; i++) TensorPrimitives.Add(_gradB, g.AsSpan(i * Classes, Classes), _gradB);
        BiasOptimizer.Step(Bias, _gradB);
    }

    /// <summary>
    /// Inverted dropout: each value is dropped with probability p, survivors are scaled by 1/(1−p). The mask of a
    /// span depends only on the seed and the span's <paramref name="stream"/> number (the read-out numbers each
    /// chunk of each batch row): 16 lanes of xorshift32, started from a 32-bit integer hash (lowbias32) of seed,
    /// stream and lane, each give one uniform per step for 16 consecutive values. A pass can therefore mask a chunk
    /// again and get the same mask, and the mask costs a few instructions per 16 values (a hash per value cost more
    /// than the read-out's products).
    /// </summary>
    internal static void ApplyDropout(Span<float> x, float p, ulong seed, long stream = 0)
    {
        if (stream < 0 || stream >= 1L << 28) throw new ArgumentException($"'{nameof(stream)}' must lie in 0..2^28-1, but it is {stream}.", nameof(stream));
        ulong key = Mix(seed);
        uint key1 = (uint)key, key2 = (uint)(key >> 32);
        float keep = 1f / (1f - p);
        uint threshold = (uint)Math.Min(p * 4294967296.0, uint.MaxValue);
        Span<uint> lanes = stackalloc uint[16];
        for (int l = 0; l < 16; l++) lanes[l] = Hash(Hash((uint)(stream * 16 + l) ^ key1) + key2) | 1; // xorshift needs a non-zero state
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var state = Vector512.Create((ReadOnlySpan<uint>)lanes);
            var limit = Vector512.Create(threshold);
            var scale = Vector512.Create(keep);
            for (; i <= x.Length - 16; i += 16)
            {
                state ^= state << 13; state ^= state >> 17; state ^= state << 5;
                var drop = Vector512.LessThan(state, limit).AsSingle();
                var v = Vector512.Create(x.Slice(i, 16)) * scale;
                Vector512.AndNot(v, drop).CopyTo(x.Slice(i, 16));
            }
            state.CopyTo(lanes);
        }
        for (int l = 0; i < x.Length; i++, l = (l + 1) & 15)
        {
            if (l == 0)
                for (int k = 0; k < 16; k++)
                {
                    uint s = lanes[k];
                    s ^= s << 13; s ^= s >> 17; s ^= s << 5;
                    lanes[k] = s;
                }
            x[i] = lanes[l] < threshold ? 0f : x[i] * keep;
        }
    }

    /// <summary>The SplitMix64 finaliser: spreads the seed over both 32-bit keys.</summary>
    static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>lowbias32, a 32-bit integer hash with low bias (two multiply-xorshift rounds).</summary>
    static uint Hash(uint x)
    {
        x ^= x >> 16; x *= 0x7FEB352Du;
        x ^= x >> 15; x *= 0x846CA68Bu;
        return x ^ (x >> 16);
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
