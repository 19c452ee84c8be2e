using SkiaSharp;
using System.Text.Json.Nodes;
using Neuromorphic.Datasets;
using Neuromorphic.Learning.Pipeline;

namespace Neuromorphic.Learning.Tests;

/// <summary>
/// Small synthetic stand-ins for the datasets that are not on the test machine (CIFAR-100, STL-10, ImageNet):
/// files in the official binary layouts, written here independently of the readers, and an image source
/// for more classes than <see cref="InMemoryImageSource"/> holds.
/// </summary>
internal static class SyntheticDatasets
{
    /// <summary>A cifar-100-binary folder: train.bin and test.bin of 3074-byte records (coarse label, fine label,
    /// 3x32x32 planar pixels). Pixels are noise plus a class pattern (a brighter channel and a brighter 8x8 tile);
    /// train and test use the same 20 fine classes, so the read-out has something to learn.</summary>
    public static void WriteCifar100(string directory, int train, int test, int seed)
    {
        var rng = new Random(seed);
        File.WriteAllBytes(Path.Combine(directory, "train.bin"), Cifar100Records(train, rng));
        File.WriteAllBytes(Path.Combine(directory, "test.bin"), Cifar100Records(test, rng));
    }

    public static int Cifar100FineLabel(int index) => index % 20 * 5 + index % 5;

    static byte[] Cifar100Records(int count, Random rng)
    {
        const int record = 2 + 3 * 32 * 32;
        var bytes = new byte[count * record];
        for (int i = 0; i < count; i++)
        {
            int at = i * record, fine = Cifar100FineLabel(i);
            bytes[at] = (byte)(fine / 5);
            bytes[at + 1] = (byte)fine;
            for (int ch = 0; ch < 3; ch++)
                for (int r = 0; r < 32; r++)
                    for (int c = 0; c < 32; c++)
                    {
                        int v = rng.Next(100) + (ch == fine % 3 ? 100 : 0) + ((r / 8) * 4 + c / 8 == fine % 16 ? 55 : 0);
                        bytes[at + 2 + ch * 1024 + r * 32 + c] = (byte)v;
                    }
        }
        return bytes;
    }

    /// <summary>An stl10_binary folder: train_X/train_y, test_X/test_y and unlabeled_X, 3x96x96 images stored
    /// column-major per plane (as the MATLAB export), labels 1..10 on disk. The unlabeled images are bright
    /// (160..255) and the labelled ones dark (0..129), so which file fed a phase shows in the BN statistics.
    /// Returns the unlabeled images' per-channel mean of value/255.</summary>
    public static double[] WriteStl10(string directory, int unlabeled, int train, int test, int seed)
    {
        var rng = new Random(seed);
        var unlabeledBytes = StlImages(unlabeled, (_, _, _, _) => (byte)(160 + rng.Next(96)));
        File.WriteAllBytes(Path.Combine(directory, "unlabeled_X.bin"), unlabeledBytes);
        WriteLabelled("train", train, 0);
        WriteLabelled("test", test, 1);

        const int plane = 96 * 96;
        var means = new double[3];
        for (int i = 0; i < unlabeled; i++)
            for (int ch = 0; ch < 3; ch++)
                foreach (byte b in unlabeledBytes.AsSpan((i * 3 + ch) * plane, plane)) means[ch] += b;
        for (int ch = 0; ch < 3; ch++) means[ch] /= 255.0 * unlabeled * plane;
        return means;

        void WriteLabelled(string split, int count, int shift)
        {
            var labels = Enumerable.Range(0, count).Select(i => (i + shift) % 10).ToArray();
            var images = StlImages(count, (i, ch, r, c) =>
                (byte)(rng.Next(60) + (ch == labels[i] % 3 ? 40 : 0) + ((r / 24) * 4 + c / 24 == labels[i] ? 30 : 0)));
            File.WriteAllBytes(Path.Combine(directory, $"{split}_X.bin"), images);
            File.WriteAllBytes(Path.Combine(directory, $"{split}_y.bin"), labels.Select(l => (byte)(l + 1)).ToArray());
        }
    }

    /// <summary>STL-10 image bytes; <paramref name="pixel"/> gives (image, channel, row, column), stored at column * 96 + row.</summary>
    static byte[] StlImages(int count, Func<int, int, int, int, byte> pixel)
    {
        const int side = 96;
        var bytes = new byte[count * 3 * side * side];
        for (int i = 0; i < count; i++)
            for (int ch = 0; ch < 3; ch++)
                for (int c = 0; c < side; c++)
                    for (int r = 0; r < side; r++)
                        bytes[((i * 3 + ch) * side + c) * side + r] = pixel(i, ch, r, c);
        return bytes;
    }

    /// <summary>CHW images with strong spatial structure (channel 0 a vertical ramp, channel 1 a horizontal ramp,
    /// channel 2 noise), so a random crop changes the channel means while a flip alone would not hide it.</summary>
    public static byte[] RampImages(int count, int side, Random rng)
    {
        var bytes = new byte[count * 3 * side * side];
        for (int i = 0; i < count; i++)
            for (int r = 0; r < side; r++)
                for (int c = 0; c < side; c++)
                {
                    int at = i * 3 * side * side + r * side + c;
                    bytes[at] = (byte)(r * 255 / (side - 1));
                    bytes[at + side * side] = (byte)(c * 255 / (side - 1));
                    bytes[at + 2 * side * side] = (byte)rng.Next(256);
                }
        return bytes;
    }

    /// <summary>
    /// A copy of a built-in preset with the same structure (layers, kernels, pools, rules, hyper-parameters)
    /// but every conv layer's width divided by <paramref name="divisor"/>: for presets too big to train in a unit test.
    /// </summary>
    public static NetworkPreset Narrowed(string name, int divisor)
    {
        var root = JsonNode.Parse(PresetLibrary.BuiltInJson(name))!.AsObject();
        root["name"] = $"{name}-width-div{divisor}";
        var layers = root["layers"]!.AsArray();
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i]!.AsObject();
            if ((string?)layer["type"] != "conv") throw new ArgumentException($"Preset '{name}' layer {i} is not a conv layer.");
            layer["outChannels"] = (int)layer["outChannels"]! / divisor;
            if (i > 0) layer["inChannels"] = (int)layer["inChannels"]! / divisor;
        }
        return PresetLibrary.Parse(root.ToJsonString(), $"{name} with widths / {divisor}");
    }

    /// <summary>
    /// An ImageNet-style JPEG folder: train/ holds <paramref name="classes"/> class folders c000, c001, ... of one JPEG
    /// each; the first four hold ramps (as <see cref="RampImages"/>, 200x150, so they are squashed when resized) and
    /// the others a small flat image. val/ holds one noise JPEG in each of <paramref name="testClasses"/>.
    /// </summary>
    public static void WriteImageFolder(string root, int classes, IReadOnlyList<int> testClasses, int seed)
    {
        var rng = new Random(seed);
        string Class(int i) => $"c{i:D3}";
        byte[] Jpeg(int width, int height, Func<int, int, SKColor> color)
        {
            using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
            for (int y = 0; y < height; y++)
                for (int x = 0; x < width; x++) bitmap.SetPixel(x, y, color(x, y));
            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
            return data.ToArray();
        }
        void Write(string split, int cls, byte[] jpeg)
        {
            string folder = Path.Combine(root, split, Class(cls));
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, "0.JPEG"), jpeg);
        }

        byte[] flat = Jpeg(24, 24, (_, _) => new SKColor(90, 120, 150));
        for (int i = 0; i < classes; i++)
            Write("train", i, i < 4 ? Jpeg(200, 150, (x, y) => new SKColor((byte)(y * 255 / 149), (byte)(x * 255 / 199), (byte)rng.Next(256))) : flat);
        foreach (int cls in testClasses)
            Write("val", cls, Jpeg(160, 160, (_, _) => new SKColor((byte)rng.Next(256), (byte)rng.Next(256), (byte)rng.Next(256))));
    }
}

/// <summary>Records the phases a run announces (name, total, unit), for assertions on what the trainer did.</summary>
internal sealed class RecordingProgress : IRunProgress
{
    readonly List<(string Phase, long Total, string Unit)> _phases = [];
    readonly List<string> _log = [];

    public IReadOnlyList<(string Phase, long Total, string Unit)> Phases { get { lock (_phases) return _phases.ToArray(); } }
    public IReadOnlyList<string> Lines { get { lock (_log) return _log.ToArray(); } }

    public void Begin(string phase, long total, string unit) { lock (_phases) _phases.Add((phase, total, unit)); }
    public void Advance(long done) { }
    public void End(string summary) { lock (_log) _log.Add(summary); }
    void IRunProgress.Log(string line) { lock (_log) _log.Add(line); }
}
