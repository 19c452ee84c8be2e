using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;

namespace Neuromorphic.Datasets.Tests;

/// <summary>
/// Damaged IDX image+label pairs (seeded): every outcome is a loaded source or a <see cref="DatasetFormatException"/>
/// with a one-line message; no other exception type, no case that takes long, and no allocation that follows a
/// header rather than the data actually there.
/// </summary>
public sealed class FuzzedIdxTests
{
    private const int Mutants = 10_000;
    private const int Images = 12, Rows = 6, Cols = 5;
    private static readonly TimeSpan CaseBound = TimeSpan.FromSeconds(2);

    // Stream buffers (file, gzip, scratch, first read chunk) for two files, plus the data itself a few times over.
    private const long FixedAllowance = 1L << 20;
    private static long AllocationCap(long dataBytes) => FixedAllowance + 4 * dataBytes;

    [Fact]
    public void Mutated_idx_pairs_only_raise_dataset_format_errors()
    {
        using var temp = new TempDirectory();
        byte[] images = FileBuilders.IdxImages(Images, Rows, Cols);
        byte[] labels = FileBuilders.IdxLabels(FileBuilders.Labels(Images, 10));
        // The intact partner of each mutant is written once per encoding; only the mutant is written per case.
        var intact = new Dictionary<(bool Images, bool Gzip), string>();
        foreach (bool isImages in new[] { true, false })
        {
            foreach (bool gz in new[] { true, false })
            {
                byte[] raw = isImages ? images : labels;
                string path = temp.File($"intact-{(isImages ? "images" : "labels")}{(gz ? ".gz" : "")}");
                File.WriteAllBytes(path, gz ? FileBuilders.Gzip(raw) : raw);
                intact[(isImages, gz)] = path;
            }
        }

        byte[] gzImages = FileBuilders.Gzip(images), gzLabels = FileBuilders.Gzip(labels);
        string mutantPath = temp.File("mutant");
        var rng = new Random(20250117);
        int loaded = 0, refused = 0;
        long maxAllocated = 0;
        var total = Stopwatch.StartNew();
        for (int n = 0; n < Mutants; n++)
        {
            bool gzip = rng.Next(2) == 0;
            bool mutateImages = rng.Next(3) != 0;
            // Half the gzipped mutants damage the compressed stream itself, half compress damaged content.
            bool damageCompressed = gzip && rng.Next(2) == 0;
            byte[] original = mutateImages ? images : labels;
            byte[] mutant = Mutate(damageCompressed ? (mutateImages ? gzImages : gzLabels) : original, damageCompressed, rng, mutateImages);
            if (gzip && !damageCompressed) mutant = FileBuilders.Gzip(mutant);
            File.WriteAllBytes(mutantPath, mutant);
            string imagesPath = mutateImages ? mutantPath : intact[(true, gzip)];
            string labelsPath = mutateImages ? intact[(false, gzip)] : mutantPath;
            long data = DataBytes(mutant) + (mutateImages ? labels.Length : images.Length);

            var watch = Stopwatch.StartNew();
            long before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                var source = IdxReader.Read(imagesPath, labelsPath);
                Assert.True(source.Count >= 0);
                loaded++;
            }
            catch (DatasetFormatException e)
            {
                refused++;
                Assert.False(string.IsNullOrWhiteSpace(e.Problem));
                Assert.DoesNotContain('\n', e.Message);
                Assert.True(e.FilePath == imagesPath || e.FilePath == labelsPath, e.Message);
            }
            catch (Exception e)
            {
                Assert.Fail($"mutant {n} (gzip {gzip}) threw {e.GetType().Name}: {e.Message}");
            }

            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            maxAllocated = Math.Max(maxAllocated, allocated);
            Assert.True(allocated <= AllocationCap(data), $"mutant {n} (gzip {gzip}) allocated {allocated} bytes for {data} bytes of data");
            Assert.True(watch.Elapsed < CaseBound, $"mutant {n} took {watch.Elapsed}");
        }

        Assert.True(refused > Mutants / 2, $"only {refused} refused, {loaded} loaded");
        TestContext.Current.SendDiagnosticMessage(
            $"{Mutants} IDX mutants: {refused} refused, {loaded} loaded, most allocated {maxAllocated} bytes, {total.Elapsed.TotalSeconds:0.0} s");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_header_claiming_two_billion_records_does_not_allocate_them(bool gzip)
    {
        using var temp = new TempDirectory();
        byte[] images = FileBuilders.IdxImages(Images, 1, 1, headerCount: int.MaxValue);
        byte[] labels = FileBuilders.IdxLabels(FileBuilders.Labels(Images, 10), headerCount: int.MaxValue);
        File.WriteAllBytes(temp.File("i"), gzip ? FileBuilders.Gzip(images) : images);
        File.WriteAllBytes(temp.File("l"), gzip ? FileBuilders.Gzip(labels) : labels);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<DatasetFormatException>(() => IdxReader.Read(temp.File("i"), temp.File("l")));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < FixedAllowance);
        Assert.Equal(temp.File("l"), e.FilePath);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("2147483647", e.Message);
    }

    /// <summary>Decompressed bytes actually present (what a reader can be made to hold), counted independently.</summary>
    private static long DataBytes(byte[] file)
    {
        if (file.Length < 2 || file[0] != 0x1f || file[1] != 0x8b) return file.Length;
        long count = 0;
        var buffer = new byte[1 << 16];
        try
        {
            using var gz = new GZipStream(new MemoryStream(file), CompressionMode.Decompress);
            int got;
            while ((got = gz.Read(buffer)) > 0) count += got;
        }
        catch (InvalidDataException)
        {
            // Counted up to the corruption.
        }

        return count;
    }

    private static readonly int[] Counts = [0, 1, -1, Images - 1, Images + 1, int.MaxValue, int.MinValue, 1 << 24, 60_000];
    private static readonly int[] Sides = [0, 1, -1, Rows, Cols, 4096, 4097, 28, int.MaxValue, 1 << 16];

    /// <param name="compressed">The bytes are a gzip stream (damage the stream itself, not the IDX header).</param>
    private static byte[] Mutate(byte[] original, bool compressed, Random rng, bool isImages)
    {
        byte[] b = (byte[])original.Clone();
        int edits = 1 + rng.Next(3);
        for (int i = 0; i < edits && b.Length > 0; i++)
        {
            switch (rng.Next(compressed ? 5 : 7))
            {
                case 0: b[rng.Next(b.Length)] ^= (byte)(1 << rng.Next(8)); break;           // flip a bit
                case 1: b = b[..rng.Next(b.Length)]; break;                                  // truncate
                case 2: b[rng.Next(b.Length)] = (byte)rng.Next(256); break;                 // random byte
                case 3: b = [.. b, .. Enumerable.Range(0, 1 + rng.Next(64)).Select(_ => (byte)rng.Next(256))]; break; // trailing junk
                case 4: b = b[..Math.Max(0, b.Length - 1 - rng.Next(8))]; break;             // lose the end (gzip trailer)
                case 5 when b.Length >= 8: BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(4), Counts[rng.Next(Counts.Length)]); break; // count
                case 6 when isImages && b.Length >= 16:                                        // dimensions
                    BinaryPrimitives.WriteInt32BigEndian(b.AsSpan(8 + 4 * rng.Next(2)), Sides[rng.Next(Sides.Length)]);
                    break;
                default: b[rng.Next(b.Length)] = (byte)rng.Next(256); break;
            }
        }

        return b;
    }
}
