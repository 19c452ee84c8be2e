using Neuromorphic.Datasets;
using Neuromorphic.Hardware;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Application.Simulation;

/// <summary>`simulate --run`: a trained run costed layer by layer on chip model files; the outcomes are written to the
/// run's hardware.json. The model is loaded once for every chip.</summary>
public static class ChipCosting
{
    /// <param name="hardware">A chip model file, a folder of them, or "all" for hardware-models/.</param>
    public static async Task<IReadOnlyList<ChipOutcome>> RunAsync(string run, string hardware, string data, int? limit,
        IRunProgress? progress, CancellationToken ct)
    {
        using var runLock = RunLock.Acquire(run, create: false);
        var model = Evaluation.LoadModel(run);
        var catalog = LoadCatalog(hardware);
        var test = Evaluation.OpenTest(data, limit, model.Preset);
        var outcomes = await ChipSimulation.RunAsync(model, catalog.Chips, test, progress ?? SilentProgress.Instance, ct);
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
