using Neuromorphic.Datasets;
using Neuromorphic.Engine;
using Neuromorphic.Interop.Nir;
using Neuromorphic.Spiking;

namespace Neuromorphic.Application.Simulation;

/// <summary>A NIR graph as a classifier: test images encoded as spikes (the encoders of the spiking SoftHebb path),
/// run in batches, each image's class the index of the Output node's largest value at the last step.</summary>
public static class NirImages
{
    public const int BatchSize = 50;

    /// <summary>Returns the first batch's run (for its files and figures) and how many images were classified right.</summary>
    public static async Task<(NirRunResult First, int Correct)> ClassifyAsync(NirPlan plan, NirRunOptions options, IImageSource test,
        SpikeInputEncoding encoding, long seed, CancellationToken ct)
    {
        var input = plan.Inputs.Single();
        if (input.OutputLength != test.Shape.PixelsPerImage)
            throw new UserErrorException($"{plan.Source}: its Input node '{input.Name}' takes {NirShape.Text(input.OutputShape)}; " +
                $"{test.Name}'s images are {test.Shape.Channels}x{test.Shape.Height}x{test.Shape.Width}.");
        var output = plan.Outputs.FirstOrDefault() ?? throw new UserErrorException($"{plan.Source} has no Output node to read a class from.");
        if (output.OutputLength < test.ClassCount)
            throw new UserErrorException($"{plan.Source}: its Output '{output.Name}' has {output.OutputLength} values for {test.ClassCount} classes.");
        NirRunResult? first = null;
        int correct = 0, start = 0;
        var blocks = new List<float[]>();
        foreach (var payload in SpikingInput.Encode(test, BatchSize, options.Steps, encoding, seed))
        {
            if (payload is DenseBlock block) { blocks.Add(block.Data); continue; }
            int batch = blocks[0].Length / input.OutputLength;
            var run = await NirRunner.RunAsync(plan, options, batch, blocks, ct);
            first ??= run;
            var last = run.Outputs[output.Name][^1];
            for (int b = 0; b < batch; b++)
            {
                var values = last.AsSpan(b * output.OutputLength, output.OutputLength);
                int best = 0;
                for (int c = 1; c < values.Length; c++) if (values[c] > values[best]) best = c;
                if (best == test.GetLabel(start + b)) correct++;
            }
            start += batch;
            blocks.Clear();
        }
        return (first!, correct);
    }
}
