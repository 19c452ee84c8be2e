using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using Neuromorphic.Datasets.Download;

namespace Neuromorphic.Datasets.Tests;

/// <summary>
/// `datasets download` against a local HTTP server (--mirror): verification, resume after a dropped connection,
/// corrupted and oversized files, and the unpacking of .tar.gz datasets. Nothing contacts the real hosts.
/// </summary>
public sealed class DownloadTests
{
    private static readonly string[] MnistFiles =
        ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"];

    private static string MnistSource => Path.Combine(TestPaths.SharedDatasets, "mnist");

    private static async Task<DownloadReport> DownloadAsync(DownloadEntry entry, string dir, LoopbackHttpServer server)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        return await new DatasetDownloader(http) { IdleTimeout = TimeSpan.FromSeconds(20) }.DownloadAsync(entry, dir, server.BaseUrl);
    }

    private static void AssertNoStagingLeft(string dir) =>
        Assert.False(Directory.Exists(Path.Combine(dir, DatasetDownloader.StagingFolderName)), "the staging folder should be gone");

    private static void AssertSameAsSource(string dir)
    {
        foreach (string name in MnistFiles)
        {
            Assert.True(File.ReadAllBytes(Path.Combine(MnistSource, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(dir, name))), name);
        }
    }

    [Fact]
    public async Task Mnist_through_a_mirror_is_byte_identical_verified_and_not_fetched_twice()
    {
        using var tmp = new TempDirectory();
        using var server = LoopbackHttpServer.ServingFolder(MnistSource);
        string dir = tmp.Sub("mnist");

        DownloadReport report = await DownloadAsync(DatasetCatalog.Mnist, dir, server);

        Assert.Equal((4, 0), (report.Downloaded, report.AlreadyPresent));
        AssertSameAsSource(dir);
        AssertNoStagingLeft(dir);
        Assert.Equal(MnistFiles.Order(), Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order());
        Assert.Equal(DatasetFormat.Idx, DatasetDirectory.Detect(dir).Format);

        // Verified files already there are checked, not fetched again.
        int requests = server.Requests.Count;
        report = await DownloadAsync(DatasetCatalog.Mnist, dir, server);
        Assert.Equal((0, 4), (report.Downloaded, report.AlreadyPresent));
        Assert.Equal(requests, server.Requests.Count);
    }

    [Fact]
    public async Task A_dropped_connection_leaves_nothing_final_and_the_next_run_resumes_with_a_range_request()
    {
        using var tmp = new TempDirectory();
        string dir = tmp.Sub("mnist");
        const string dropped = "train-images-idx3-ubyte.gz";
        byte[] whole = File.ReadAllBytes(Path.Combine(MnistSource, dropped));
        bool droppedOnce = false;
        using var server = new LoopbackHttpServer(r =>
        {
            if (r.Path == dropped && !droppedOnce)
            {
                droppedOnce = true;
                return new Reply(200, whole, CloseAfter: whole.Length / 2); // announces the whole length, sends half
            }

            return File.Exists(Path.Combine(MnistSource, r.Path)) ? Reply.ForFile(File.ReadAllBytes(Path.Combine(MnistSource, r.Path)), r) : Reply.NotFound;
        });

        var error = await Assert.ThrowsAsync<DatasetDownloadException>(() => DownloadAsync(DatasetCatalog.Mnist, dir, server));
        Assert.Contains(server.BaseUrl + dropped, error.Message);
        Assert.Contains("run the command again to resume", error.Message);
        Assert.False(File.Exists(Path.Combine(dir, dropped)), "nothing under the final name");
        string part = Path.Combine(dir, DatasetDownloader.StagingFolderName, dropped + ".part");
        long kept = new FileInfo(part).Length;
        Assert.InRange(kept, 1, whole.Length / 2);

        DownloadReport report = await DownloadAsync(DatasetCatalog.Mnist, dir, server);

        Assert.Equal(4, report.Downloaded);
        ServedRequest resumed = server.Requests.Where(r => r.Path == dropped).Last();
        Assert.Equal(kept, resumed.RangeStart);
        Assert.Equal(2, server.Requests.Count(r => r.Path == dropped));
        AssertSameAsSource(dir);
        AssertNoStagingLeft(dir);
    }

    [Fact]
    public async Task A_server_that_ignores_the_range_restarts_from_zero()
    {
        using var tmp = new TempDirectory();
        string dir = tmp.Sub("mnist");
        // A partial file of wrong bytes: if they were kept, the checksum would fail.
        Directory.CreateDirectory(Path.Combine(dir, DatasetDownloader.StagingFolderName));
        File.WriteAllBytes(Path.Combine(dir, DatasetDownloader.StagingFolderName, "train-labels-idx1-ubyte.gz.part"), new byte[1000]);
        string source = MnistSource; // on the test's thread: a missing ../shared skips the test here, not in the server
        using var server = new LoopbackHttpServer(r =>
            File.Exists(Path.Combine(source, r.Path)) ? Reply.ForFile(File.ReadAllBytes(Path.Combine(source, r.Path)), r, honourRange: false) : Reply.NotFound);

        await DownloadAsync(DatasetCatalog.Mnist, dir, server);

        Assert.Equal(1000, server.Requests.Single(r => r.Path == "train-labels-idx1-ubyte.gz").RangeStart);
        AssertSameAsSource(dir);
        AssertNoStagingLeft(dir);
    }

    [Fact]
    public async Task A_corrupted_file_is_refused_with_both_checksums_and_deleted()
    {
        using var tmp = new TempDirectory();
        string dir = tmp.Sub("mnist");
        const string corrupted = "t10k-labels-idx1-ubyte.gz";
        byte[] content = Gunzip(File.ReadAllBytes(Path.Combine(MnistSource, corrupted)));
        content[^1] ^= 0x01; // one label changed: still a valid gzip, but not MNIST
        byte[] bad = Gzip(content);
        using var server = new LoopbackHttpServer(r => r.Path == corrupted
            ? Reply.ForFile(bad, r)
            : Reply.ForFile(File.ReadAllBytes(Path.Combine(MnistSource, r.Path)), r));

        var error = await Assert.ThrowsAsync<DatasetDownloadException>(() => DownloadAsync(DatasetCatalog.Mnist, dir, server));

        Assert.Contains(server.BaseUrl + corrupted, error.Message);
        Assert.Contains("expected 27ae3e4e09519cfbb04c329615203637, got " + Convert.ToHexStringLower(MD5.HashData(content)), error.Message);
        Assert.Contains("run the command again", error.Message);
        Assert.False(File.Exists(Path.Combine(dir, corrupted)), "nothing under the final name");
        Assert.False(File.Exists(Path.Combine(dir, DatasetDownloader.StagingFolderName, corrupted + ".part")), "the staged file is removed");
        Assert.True(File.Exists(Path.Combine(dir, "train-images-idx3-ubyte.gz")), "the files verified before it stay");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_server_sending_more_than_expected_is_stopped(bool announceLength)
    {
        using var tmp = new TempDirectory();
        byte[] expected = RandomBytes(1000, seed: 1);
        var entry = new DownloadEntry("blob", "Blob", "http://unused.invalid/", "test",
            [new DownloadFile("blob.bin", Convert.ToHexStringLower(MD5.HashData(expected)), expected.Length)]);
        using var server = new LoopbackHttpServer(_ => new Reply(200, RandomBytes(1 << 20, seed: 2), AnnounceLength: announceLength));

        var error = await Assert.ThrowsAsync<DatasetDownloadException>(() => DownloadAsync(entry, tmp.Path, server));

        Assert.Contains("larger than the expected 1,000 bytes", error.Message);
        Assert.Contains(server.BaseUrl + "blob.bin", error.Message);
        Assert.False(File.Exists(tmp.File("blob.bin")));
        Assert.False(File.Exists(Path.Combine(tmp.Path, DatasetDownloader.StagingFolderName, "blob.bin.part")));
    }

    [Fact]
    public async Task A_tar_gz_dataset_is_verified_unpacked_into_its_folder_and_the_archive_removed()
    {
        using var tmp = new TempDirectory();
        byte[] archive = TinyCifarArchive();
        DownloadEntry entry = TinyCifarEntry(Convert.ToHexStringLower(MD5.HashData(archive)), archive.Length);
        using var server = new LoopbackHttpServer(r => Reply.ForFile(archive, r));
        string dir = tmp.Sub("cifar10");

        await DownloadAsync(entry, dir, server);

        Assert.Equal(["cifar-10-batches-bin"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName));
        Assert.Equal(RecordBytes(label: 3), File.ReadAllBytes(Path.Combine(dir, "cifar-10-batches-bin", "test_batch.bin")));
        DetectedDataset found = DatasetDirectory.Detect(dir);
        Assert.Equal((DatasetFormat.Cifar10, Path.Combine(dir, "cifar-10-batches-bin")), (found.Format, found.Directory));

        // Already unpacked: nothing is fetched again.
        int requests = server.Requests.Count;
        Assert.Equal(1, (await DownloadAsync(entry, dir, server)).AlreadyPresent);
        Assert.Equal(requests, server.Requests.Count);
    }

    [Fact]
    public async Task A_tar_gz_with_the_wrong_md5_is_refused_and_nothing_is_unpacked()
    {
        using var tmp = new TempDirectory();
        byte[] archive = TinyCifarArchive();
        DownloadEntry entry = TinyCifarEntry(new string('0', 32), archive.Length);
        using var server = new LoopbackHttpServer(r => Reply.ForFile(archive, r));

        var error = await Assert.ThrowsAsync<DatasetDownloadException>(() => DownloadAsync(entry, tmp.Path, server));

        Assert.Contains($"expected {new string('0', 32)}, got {Convert.ToHexStringLower(MD5.HashData(archive))}", error.Message);
        Assert.False(Directory.Exists(Path.Combine(tmp.Path, "cifar-10-batches-bin")));
        Assert.Empty(Directory.EnumerateFiles(tmp.Path, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void The_catalog_names_every_dataset_once_and_archives_unpack_to_folders_the_readers_know()
    {
        Assert.Equal(["mnist", "fashion-mnist", "cifar10", "cifar100", "stl10"], DatasetCatalog.Names);
        foreach (DownloadEntry e in DatasetCatalog.All)
        {
            Assert.All(e.Files, f => Assert.Matches("^[0-9a-f]{32}$", f.Md5));
            if (e.UnpacksTo is { } folder)
            {
                Assert.Contains(folder, DatasetDirectory.KnownSubfolders);
            }
        }

        Assert.Same(DatasetCatalog.Cifar10, DatasetCatalog.Find("CIFAR10"));
        Assert.Null(DatasetCatalog.Find("nosuch"));
        Assert.Equal("http://mirror.example/data/t10k-labels-idx1-ubyte.gz",
            DatasetCatalog.Mnist.UrlOf(DatasetCatalog.Mnist.Files[3], "http://mirror.example/data").ToString());
    }

    private static DownloadEntry TinyCifarEntry(string md5, long size) =>
        new("tiny-cifar", "tiny CIFAR-10", "http://unused.invalid/", "test", [new DownloadFile("tiny.tar.gz", md5, size)], UnpacksTo: "cifar-10-batches-bin");

    // The layout of the official cifar-10-binary.tar.gz, with one record per file.
    private static byte[] TinyCifarArchive()
    {
        var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Pax, leaveOpen: true))
        {
            writer.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "cifar-10-batches-bin/"));
            foreach (var (name, label) in new[] { ("data_batch_1.bin", (byte)6), ("test_batch.bin", (byte)3) })
            {
                writer.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "cifar-10-batches-bin/" + name) { DataStream = new MemoryStream(RecordBytes(label)) });
            }
        }

        return Gzip(tar.ToArray());
    }

    private static byte[] RecordBytes(byte label)
    {
        byte[] record = RandomBytes(3073, seed: label);
        record[0] = label;
        return record;
    }

    private static byte[] RandomBytes(int count, int seed)
    {
        byte[] bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Gunzip(byte[] data)
    {
        using var gzip = new GZipStream(new MemoryStream(data), CompressionMode.Decompress);
        var output = new MemoryStream();
        gzip.CopyTo(output);
        return output.ToArray();
    }
}
