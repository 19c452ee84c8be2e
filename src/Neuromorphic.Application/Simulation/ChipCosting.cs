using Neuromorphic.Datasets;
using Neuromorphic.Hardware;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Application.Simulation;

/// <summary>`simulate --run`: a trained run costed layer by layer on chip model files; the outcomes are written to the
/// run's hardware.json. The model is loaded once for every chip.</summary>
public static class ChipCosting
{
    /// <summary>Training images that cost the Hebbian phase on chips that learn, unless told otherwise. The work per
    /// image barely varies: on the demo's run, Loihi's training energy and time per image from 100 and from 500 images
    /// differ by 0.1 %.</summary>
    public const int DefaultTrainImages = 100;

    /// <param name="hardware">A chip model file, a folder of them, or "all" for hardware-models/.</param>
    /// <param name="trainImages">The first N training images cost the Hebbian phase on chips that learn on chip; 0: inference alone.</param>
    /// <param name="perLayer">Also the accuracy with each layer alone at each chip's precision (<see cref="ChipOutcome.Layers"/>).</param>
    public static async Task<IReadOnlyList<ChipOutcome>> RunAsync(string run, string hardware, string data, int? limit, int trainImages,
        IRunProgress? progress, CancellationToken ct, bool perLayer = false)
    {
        using var runLock = RunLock.Acquire(run, create: false);
        var model = Evaluation.LoadModel(run);
        var catalog = LoadCatalog(hardware);
        var test = Evaluation.OpenTest(data, limit, model.Preset);
        var train = trainImages > 0 ? DatasetDirectory.Open(data, DatasetSplit.Train, trainImages, model.Preset.InputShape) : null;
        // Typed axons' weights are chosen on training images' layer inputs; other chips need none.
        var calibration = catalog.Chips.Any(c => c.Limits.AxonTypes is not null)
            ? DatasetDirectory.Open(data, DatasetSplit.Train, ChipSimulation.CalibrationImages, model.Preset.InputShape) : null;
        var outcomes = await ChipSimulation.RunAsync(model, catalog.Chips, test, progress ?? SilentProgress.Instance, ct, train, calibration, perLayer);
        RunDirectory.WriteDerived(run, RunDirectory.HardwareFile, new HardwareResults(hardware, data, [.. outcomes]));
        return outcomes;
    }

    static HardwareCatalog LoadCatalog(string hardware)
    {
        string path = hardware == "all" ? RepositoryPaths.HardwareModels : hardware;
        if (!File.Exists(path) && !Directory.Exists(path)) throw new UserErrorException($"hardware model '{path}' does not exist.");
        try { return HardwareCatalog.Load(path); }
        catch (HardwareModelException e) { throw new UserErrorException(e.Message, e); }
    }
}
