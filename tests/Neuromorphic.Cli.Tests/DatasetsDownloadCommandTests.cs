using System.Net;
using System.Net.Sockets;

namespace Neuromorphic.Cli.Tests;

/// <summary>`datasets download`: its usage errors and how a failed download reads (the downloader itself is tested in Neuromorphic.Datasets.Tests).</summary>
public class DatasetsDownloadCommandTests
{
    [Fact]
    public void Help_lists_download_and_its_options_with_defaults()
    {
        var r = Cli.Run("datasets", "--help");
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var s in new[] { "datasets download NAME", "--to DIR", "datasets/NAME", "--mirror URL", "mnist, fashion-mnist, cifar10, cifar100, stl10" })
            Assert.Contains(s, r.Out);
    }

    [Fact]
    public void Info_on_a_missing_folder_says_how_to_download_one()
    {
        using var tmp = new TempDir();
        Cli.AssertUserError(Cli.Run("datasets", "info", "--data", tmp.File("nothing-here")), "does not exist", "neuromorphic datasets download mnist --to");
    }

    [Fact]
    public void Unknown_dataset_lists_the_known_ones() =>
        Cli.AssertUserError(Cli.Run("datasets", "download", "nosuch"), "unknown dataset 'nosuch'", "mnist, fashion-mnist, cifar10, cifar100, stl10");

    [Fact]
    public void Download_needs_a_name_and_an_http_mirror()
    {
        Cli.AssertUserError(Cli.Run("datasets", "download"), "datasets download NAME");
        using var tmp = new TempDir();
        Cli.AssertUserError(Cli.Run("datasets", "download", "mnist", "--to", tmp.Path, "--mirror", "ftp://example.org/mnist"), "--mirror", "ftp://example.org/mnist");
        Cli.AssertUserError(Cli.Run("datasets", "download", "mnist", "--to", tmp.Path, "--mirorr", "http://x/"), "--mirorr");
    }

    [Fact]
    public void A_refused_connection_is_one_error_line_naming_the_url()
    {
        // A port that was free a moment ago: nothing listens there, so the connection is refused at once.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        using var tmp = new TempDir();
        string dir = tmp.File("mnist");

        var r = Cli.Run("datasets", "download", "mnist", "--to", dir, "--mirror", $"http://127.0.0.1:{port}/mnist");

        Cli.AssertUserError(r, $"http://127.0.0.1:{port}/mnist/train-images-idx3-ubyte.gz", "run the command again");
        Assert.Empty(Directory.EnumerateFileSystemEntries(dir));
    }
}
