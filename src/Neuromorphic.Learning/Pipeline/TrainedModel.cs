namespace Neuromorphic.Learning.Pipeline;

/// <summary>A trained network read back from a run directory: the preset it was built from, its Hebbian layers and read-out.</summary>
public sealed class TrainedModel
{
    TrainedModel(NetworkPreset preset, HebbianNetwork network, LinearReadout readout, CheckpointHeader header)
    {
        Preset = preset;
        Network = network;
        Readout = readout;
        Header = header;
    }

    public NetworkPreset Preset { get; }
    public HebbianNetwork Network { get; }
    public LinearReadout Readout { get; }
    public CheckpointHeader Header { get; }

    /// <summary>Loads preset.json and model.ckpt (or, with <paramref name="latest"/>, the last checkpoint of an unfinished run).</summary>
    public static TrainedModel Load(string runDirectory, bool latest = false)
    {
        string presetPath = Path.Combine(runDirectory, SoftHebbTrainer.PresetFile);
        string modelPath = Path.Combine(runDirectory, latest ? SoftHebbTrainer.CheckpointFile : SoftHebbTrainer.ModelFile);
        if (!File.Exists(presetPath))
            throw new FileNotFoundException($"{presetPath} does not exist: '{runDirectory}' is not a run directory made by 'neuromorphic train'.", presetPath);
        if (!File.Exists(modelPath))
            throw new FileNotFoundException($"{modelPath} does not exist: the run in '{runDirectory}' has not finished (resume it with 'train --resume').", modelPath);
        var preset = PresetLibrary.Parse(File.ReadAllText(presetPath), presetPath);
        var checkpoint = Checkpoint.Read(modelPath);
        try
        {
            var network = new HebbianNetwork(preset, checkpoint.Header.Seed);
            network.LoadState(checkpoint.Arrays);
            var readout = SoftHebbTrainer.NewReadout(preset, preset.Classes, checkpoint.Header.Seed);
            readout.LoadState(checkpoint.Arrays, "readout.");
            return new TrainedModel(preset, network, readout, checkpoint.Header);
        }
        catch (InvalidDataException e)
        {
            // A checkpoint of another network (preset.json edited, or files from two runs).
            throw new CheckpointFormatException(modelPath, $"does not fit {presetPath}: {e.Message}", e);
        }
    }
}
