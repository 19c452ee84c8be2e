using Neuromorphic.Engine;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Neuromorphic.Learning;

/// <summary>Where a run stands, stored as the checkpoint's JSON header.</summary>
/// <param name="Preset">Preset name or path (or its JSON text).</param>
/// <param name="Seed">The run's seed (weights init and data order).</param>
/// <param name="Phase">Which phase the run resumes in; <see cref="TrainingPhase.Done"/> in a finished model.</param>
/// <param name="Layer">Layer being trained in the Hebbian phase (−1 otherwise).</param>
/// <param name="Epoch">Epoch within the phase (0-based).</param>
/// <param name="Position">Images of the current epoch already consumed (the data-order position).</param>
/// <param name="Run">What else the run's result depends on, checked by a resume; null in checkpoints written before it was recorded.</param>
public sealed record CheckpointHeader(string Preset, int Seed, TrainingPhase Phase, int Layer, int Epoch, long Position, RunIdentity? Run = null);

/// <summary>A training run's phases, in order. Written in the header as the words "hebbian", "readout", "done".</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrainingPhase>))]
public enum TrainingPhase
{
    [JsonStringEnumMemberName("hebbian")] Hebbian,
    [JsonStringEnumMemberName("readout")] Readout,
    [JsonStringEnumMemberName("done")] Done,
}

/// <summary>The arguments besides the seed that change a run's result: a resume must be given the same ones.</summary>
/// <param name="PresetSha256">SHA-256 of the preset's content (name and description excluded: they change nothing).</param>
/// <param name="Schedule">"concurrent" or "successive".</param>
/// <param name="LimitTrain">--limit-train as asked (null: all images).</param>
/// <param name="ClassifierEpochs">Read-out epochs, the preset's or --classifier-epochs.</param>
/// <param name="Data">The training data: counts, image shape, classes and a hash of the labels.</param>
public sealed record RunIdentity(string PresetSha256, string Schedule, int? LimitTrain, int ClassifierEpochs, string Data);

/// <summary>A checkpoint file that cannot be read: names the file and what is wrong.</summary>
public sealed class CheckpointFormatException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    public string FilePath { get; } = path;
}

/// <summary>
/// Training state on disk. Binary, little-endian:
/// <code>
/// offset  size   field
/// 0       8      magic "NMHEBBCK"
/// 8       4      int32 format version (1)
/// 12      4      int32 header length H
/// 16      H      UTF-8 JSON of <see cref="CheckpointHeader"/>
///         4      int32 array count A
///  A x {  4      int32 name length L
///         L      UTF-8 name (e.g. "layer0.weight", "readout.adam.weight.m")
///         8      int64 element count E
///         4E     float32 values }
///         8      uint64 FNV-1a 64 checksum of every byte before it
/// </code>
/// Names are unique, 1..1024 bytes. Writing is atomic: a temporary file in the same folder is written,
/// flushed to disk and then moved over the target, so a crash leaves the old file or the new one,
/// never a partial one. Reading checks magic, version, every length against the file size, and the checksum.
/// </summary>
public sealed class Checkpoint
{
    public static ReadOnlySpan<byte> Magic => "NMHEBBCK"u8;
    public const int FormatVersion = 1;
    const int MaxNameBytes = 1024;

    public Checkpoint(CheckpointHeader header, IReadOnlyDictionary<string, float[]> arrays)
    {
        Header = header ?? throw new ArgumentNullException(nameof(header));
        Arrays = arrays ?? throw new ArgumentNullException(nameof(arrays));
    }

    public CheckpointHeader Header { get; }
    /// <summary>Named float arrays, in the order they are written (sorted by name for a stable file).</summary>
    public IReadOnlyDictionary<string, float[]> Arrays { get; }

    public void Write(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        AtomicFile.Write(path, file =>
        {
            var hashed = new HashingStream(file);
            WriteTo(hashed);
            Span<byte> sum = stackalloc byte[8];
            BitConverter.TryWriteBytes(sum, hashed.Hash);
            file.Write(sum);
        });
    }

    void WriteTo(Stream stream)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Checkpoints are written little-endian only.");
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FormatVersion);
        byte[] header = JsonSerializer.SerializeToUtf8Bytes(Header);
        w.Write(header.Length);
        w.Write(header);
        w.Write(Arrays.Count);
        foreach (var (name, values) in Arrays.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            byte[] nameBytes = Encoding.UTF8.GetBytes(name ?? "");
            if (nameBytes.Length is < 1 or > MaxNameBytes)
                throw new ArgumentException($"Checkpoint array names must be 1..{MaxNameBytes} UTF-8 bytes, but '{name}' is {nameBytes.Length}.");
            ArgumentNullException.ThrowIfNull(values, name);
            w.Write(nameBytes.Length);
            w.Write(nameBytes);
            w.Write((long)values.Length);
            w.Write(MemoryMarshal.AsBytes(values.AsSpan()));
        }
        w.Flush();
    }

    public static Checkpoint Read(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Checkpoints are read little-endian only.");
        if (!File.Exists(full)) throw new CheckpointFormatException(full, "file not found");
        using var file = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        long length = file.Length;
        var hashed = new HashingStream(file);
        using var r = new BinaryReader(hashed, Encoding.UTF8, leaveOpen: true);
        try
        {
            Span<byte> magic = stackalloc byte[8];
            hashed.ReadExactly(magic);
            if (!magic.SequenceEqual(Magic))
                throw new CheckpointFormatException(full, $"not a checkpoint: expected the magic bytes \"NMHEBBCK\", found {Convert.ToHexString(magic)}");
            int version = r.ReadInt32();
            if (version != FormatVersion)
                throw new CheckpointFormatException(full, $"unsupported format version {version}: expected {FormatVersion}");
            int headerLength = r.ReadInt32();
            Require(full, headerLength >= 0 && headerLength <= length - hashed.Position, $"header length {headerLength} exceeds the file");
            var header = JsonSerializer.Deserialize<CheckpointHeader>(r.ReadBytes(headerLength))
                ?? throw new CheckpointFormatException(full, "the JSON header is null");
            int count = r.ReadInt32();
            Require(full, count >= 0, $"negative array count {count}");
            var arrays = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (int i = 0; i < count; i++)
            {
                int nameLength = r.ReadInt32();
                Require(full, nameLength is >= 1 and <= MaxNameBytes && nameLength <= length - hashed.Position, $"array {i}: bad name length {nameLength}");
                string name = Encoding.UTF8.GetString(ReadExactly(r, nameLength));
                long elements = r.ReadInt64();
                Require(full, elements >= 0 && elements <= Array.MaxLength && elements * 4 <= length - hashed.Position,
                    $"array '{name}': {elements} floats do not fit in the rest of the file (truncated?)");
                var values = new float[elements];
                hashed.ReadExactly(MemoryMarshal.AsBytes(values.AsSpan()));
                if (!arrays.TryAdd(name, values)) throw new CheckpointFormatException(full, $"array '{name}' appears twice");
            }
            ulong expected = hashed.Hash;
            Span<byte> sum = stackalloc byte[8];
            file.ReadExactly(sum);
            if (BitConverter.ToUInt64(sum) != expected)
                throw new CheckpointFormatException(full, "checksum mismatch: the file is corrupt");
            if (file.Position != length)
                throw new CheckpointFormatException(full, $"{length - file.Position} unexpected bytes after the checksum");
            return new Checkpoint(header, arrays);
        }
        catch (EndOfStreamException e)
        {
            throw new CheckpointFormatException(full, "truncated: the file ends before the data it declares", e);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(full, $"the JSON header is malformed: {e.Message}", e);
        }
    }

    static byte[] ReadExactly(BinaryReader r, int count)
    {
        byte[] bytes = r.ReadBytes(count);
        if (bytes.Length != count) throw new EndOfStreamException();
        return bytes;
    }

    static void Require(string path, bool condition, string problem)
    {
        if (!condition) throw new CheckpointFormatException(path, problem);
    }

    /// <summary>Pass-through stream that hashes every byte written or read (FNV-1a, 64-bit).</summary>
    sealed class HashingStream(Stream inner) : Stream
    {
        public ulong Hash { get; private set; } = 14695981039346656037UL;
        long _position;

        void Add(ReadOnlySpan<byte> bytes)
        {
            ulong h = Hash;
            foreach (byte b in bytes) h = (h ^ b) * 1099511628211UL;
            Hash = h;
            _position += bytes.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
        public override int Read(Span<byte> buffer)
        {
            int n = inner.Read(buffer);
            Add(buffer[..n]);
            return n;
        }
        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
        public override void Write(ReadOnlySpan<byte> buffer)
        {
            inner.Write(buffer);
            Add(buffer);
        }
        public override bool CanRead => inner.CanRead;
        public override bool CanSeek => false;
        public override bool CanWrite => inner.CanWrite;
        public override long Length => inner.Length;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
