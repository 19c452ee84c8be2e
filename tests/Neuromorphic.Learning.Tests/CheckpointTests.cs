using System.Runtime.InteropServices;

namespace Neuromorphic.Learning.Tests;

public sealed class CheckpointTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nm-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static Checkpoint Sample()
    {
        var net = new HebbianNetwork(PresetLibrary.Load("mnist-small"), seed: 3);
        var state = new Dictionary<string, float[]>();
        net.SaveState(state);
        var readout = new LinearReadout(net.FeatureLength, 10, 0.5f, new Random(4));
        readout.WeightOptimizer.Step(readout.Weights, Enumerable.Repeat(0.1f, readout.Weights.Length).ToArray());
        readout.SaveState(state, "readout.");
        state["special"] = [float.NaN, -0f, float.PositiveInfinity, float.Epsilon, 1e-40f];
        state["empty"] = [];
        return new Checkpoint(new CheckpointHeader("mnist-small", 3, TrainingPhase.Readout, -1, 7, 1234), state);
    }

    [Fact]
    public void Round_trip_is_bit_exact()
    {
        string path = Path.Combine(_dir, "run.ckpt");
        var original = Sample();
        original.Write(path);
        var back = Checkpoint.Read(path);
        Assert.Equal(original.Header, back.Header);
        Assert.Equal(original.Arrays.Keys.Order(), back.Arrays.Keys.Order());
        foreach (var (name, values) in original.Arrays)
            Assert.True(MemoryMarshal.AsBytes(values.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(back.Arrays[name].AsSpan())), name);

        // And the state restores into fresh objects.
        var net = new HebbianNetwork(PresetLibrary.Load("mnist-small"), seed: 99);
        net.LoadState(back.Arrays);
        var again = new Dictionary<string, float[]>();
        net.SaveState(again);
        Assert.Equal(original.Arrays["layer1.weight"], again["layer1.weight"]);
        Assert.Equal(original.Arrays["layer1.rates"], again["layer1.rates"]);
    }

    [Fact]
    public void Truncated_or_foreign_files_are_rejected_naming_the_file()
    {
        string path = Path.Combine(_dir, "cut.ckpt");
        Sample().Write(path);
        byte[] bytes = File.ReadAllBytes(path);
        foreach (int keep in new[] { bytes.Length - 1, bytes.Length - 9, bytes.Length / 2, 20, 3 })
        {
            File.WriteAllBytes(path, bytes[..keep]);
            var e = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Read(path));
            Assert.Contains(path, e.Message);
        }
        var corrupt = (byte[])bytes.Clone();
        corrupt[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(path, corrupt);
        Assert.Contains("checksum", Assert.Throws<CheckpointFormatException>(() => Checkpoint.Read(path)).Message);
        var foreign = (byte[])bytes.Clone();
        foreign[0] = (byte)'X';
        File.WriteAllBytes(path, foreign);
        Assert.Contains("magic", Assert.Throws<CheckpointFormatException>(() => Checkpoint.Read(path)).Message);
        var future = (byte[])bytes.Clone();
        future[8] = 9;
        File.WriteAllBytes(path, future);
        Assert.Contains("version 9", Assert.Throws<CheckpointFormatException>(() => Checkpoint.Read(path)).Message);
    }

    [Fact]
    public void The_phase_is_written_as_its_word_and_an_unknown_word_is_refused()
    {
        string path = Path.Combine(_dir, "phase.ckpt");
        Sample().Write(path);
        byte[] bytes = File.ReadAllBytes(path);
        int headerLength = BitConverter.ToInt32(bytes, 12);
        string header = System.Text.Encoding.UTF8.GetString(bytes, 16, headerLength);
        // The format every earlier checkpoint has: finished models and interrupted runs keep reading.
        Assert.Contains("\"Phase\":\"readout\"", header);

        byte[] unknown = System.Text.Encoding.UTF8.GetBytes(header.Replace("\"readout\"", "\"readoux\"", StringComparison.Ordinal));
        unknown.CopyTo(bytes, 16);
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Read(path));
        Assert.Contains("JSON header", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_partial_file()
    {
        string path = Path.Combine(_dir, "atomic.ckpt");
        var good = Sample();
        good.Write(path);
        var arrays = new Dictionary<string, float[]>(good.Arrays) { [new string('z', 2000)] = [1f] }; // written last, then rejected
        var bad = new Checkpoint(good.Header with { Epoch = 8 }, arrays);
        Assert.Throws<ArgumentException>(() => bad.Write(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
        Assert.Equal(7, Checkpoint.Read(path).Header.Epoch);
        string fresh = Path.Combine(_dir, "never.ckpt");
        Assert.Throws<ArgumentException>(() => bad.Write(fresh));
        Assert.False(File.Exists(fresh));
        Assert.Single(Directory.GetFiles(_dir));
    }
}
