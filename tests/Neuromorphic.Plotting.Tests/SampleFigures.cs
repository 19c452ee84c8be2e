using OxyPlot;

namespace Neuromorphic.Plotting.Tests;

/// <summary>Small synthetic inputs for every plot, deterministic so failures reproduce.</summary>
internal static class SampleFigures
{
    public static readonly string[] Names =
    [
        "SpikeRaster", "SpikeRasterSplit", "ActivityTraces", "ReceptiveFieldsRgb", "ReceptiveFieldsGrey",
        "WeightNormConvergence", "WeightNormConvergenceLog", "LearningCurves", "AccuracyVersusEnergy",
        "EnergyBreakdownLog", "EnergyBreakdownLinear", "AccuracyVersusTimeSteps",
    ];

    public static (PlotModel Model, string Title) Build(string name)
    {
        string title = name switch
        {
            "SpikeRaster" or "SpikeRasterSplit" => "Spike raster: 100 LIF neurons, Poisson input",
            "ActivityTraces" => "Membrane potential of three neurons",
            "ReceptiveFieldsRgb" => "Layer 1 receptive fields (RGB)",
            "ReceptiveFieldsGrey" => "Layer 1 receptive fields (grey)",
            "WeightNormConvergence" or "WeightNormConvergenceLog" => "Weight norm convergence per layer",
            "LearningCurves" => "Read-out learning curves",
            "AccuracyVersusEnergy" => "Accuracy versus energy per inference",
            "EnergyBreakdownLog" or "EnergyBreakdownLinear" => "Energy per inference by category",
            "AccuracyVersusTimeSteps" => "Spiking accuracy versus time steps",
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
        var random = new Random(12345);
        PlotModel model = name switch
        {
            "SpikeRaster" => Plots.SpikeRaster(Spikes(random), title),
            "SpikeRasterSplit" => Plots.SpikeRaster(Spikes(random), title, firstInhibitoryNeuron: 80),
            "ActivityTraces" => Plots.ActivityTraces(Traces(), "Time (ms)", "Membrane potential (mV)", title),
            "ReceptiveFieldsRgb" => Plots.ReceptiveFields(RandomWeights(random, 24 * 3 * 5 * 5), 24, 3, 5, 5, 6, title),
            "ReceptiveFieldsGrey" => Plots.ReceptiveFields(RandomWeights(random, 16 * 1 * 7 * 7), 16, 1, 7, 7, 4, title),
            "WeightNormConvergence" => Plots.WeightNormConvergence(Norms(), title),
            "WeightNormConvergenceLog" => Plots.WeightNormConvergence(Norms(), title, logY: true),
            "LearningCurves" => LearningCurves(title),
            "AccuracyVersusEnergy" => Plots.AccuracyVersusEnergy(
                [("Loihi 2", 2.1e-5, 78.4), ("TrueNorth", 4.0e-6, 71.0), ("SpiNNaker 2", 3.3e-4, 78.4), ("GPU (A100)", 9.5e-3, 79.1)], title),
            "EnergyBreakdownLog" => Plots.EnergyBreakdown(Breakdown(spread: 1000), title),
            "EnergyBreakdownLinear" => Plots.EnergyBreakdown(Breakdown(spread: 3), title),
            "AccuracyVersusTimeSteps" => Plots.AccuracyVersusTimeSteps(
                [1, 2, 4, 8, 16, 32, 64, 128], [18.0, 31.5, 52.2, 66.8, 73.9, 76.7, 77.8, 78.2], 78.4, title),
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
        };
        return (model, title);
    }

    private static List<(double TimeMs, int Neuron)> Spikes(Random random)
    {
        var spikes = new List<(double, int)>();
        for (int n = 0; n < 100; n++)
        {
            double rateHz = n < 80 ? 8 + n % 7 : 30;
            for (double t = 0; t < 500; t += 1)
                if (random.NextDouble() < rateHz / 1000) spikes.Add((t + random.NextDouble(), n));
        }
        return spikes;
    }

    private static List<(string Label, double[] X, double[] Y)> Traces()
    {
        var series = new List<(string, double[], double[])>();
        for (int k = 0; k < 3; k++)
        {
            double[] x = Enumerable.Range(0, 400).Select(i => i * 0.5).ToArray();
            double v = -65, tau = 20, drive = 18 + 4 * k;
            double[] y = new double[x.Length];
            for (int i = 0; i < x.Length; i++)
            {
                v += 0.5 / tau * (-(v + 65) + drive);
                if (v >= -50) v = -70; // reset after threshold
                y[i] = v;
            }
            series.Add(($"neuron {k}", x, y));
        }
        return series;
    }

    private static float[] RandomWeights(Random random, int count) =>
        Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();

    private static List<(string Layer, double[] Step, double[] MeanNorm)> Norms()
    {
        double[] step = Enumerable.Range(0, 50).Select(i => i * 1000.0).ToArray();
        return
        [
            ("conv1", step, step.Select(s => 1 + 4.0 * Math.Exp(-s / 8000)).ToArray()),
            ("conv2", step, step.Select(s => 1 + 12.0 * Math.Exp(-s / 15000)).ToArray()),
            ("conv3", step, step.Select(s => 1 + 0.5 * Math.Exp(-s / 4000)).ToArray()),
        ];
    }

    private static PlotModel LearningCurves(string title)
    {
        int[] epochs = Enumerable.Range(1, 20).ToArray();
        double[] train = epochs.Select(e => 90 - 50 * Math.Exp(-e / 4.0)).ToArray();
        double[] test = epochs.Select(e => 80 - 45 * Math.Exp(-e / 4.0)).ToArray();
        double[] loss = epochs.Select(e => 0.3 + 2.0 * Math.Exp(-e / 3.0)).ToArray();
        return Plots.LearningCurves(epochs, train, test, loss, title);
    }

    private static List<(string Chip, IReadOnlyDictionary<string, double> JoulesByCategory)> Breakdown(double spread)
    {
        Dictionary<string, double> Chip(double scale) => new()
        {
            ["synaptic"] = 6e-6 * scale, ["neuron"] = 2e-6 * scale, ["routing"] = 3e-6 * scale,
            ["learning"] = 1e-6 * scale, ["static"] = 4e-6 * scale,
        };
        return [("Loihi 2", Chip(1)), ("SpiNNaker 2", Chip(Math.Sqrt(spread))), ("GPU (A100)", Chip(spread))];
    }
}
