namespace Neuromorphic.Datasets.Download;

/// <summary>
/// One file of a dataset as published: its name (appended to the base URL), its MD5 and a bound on its size.
/// </summary>
/// <param name="Name">File name on the server and on disk.</param>
/// <param name="Md5">Lower-case hex MD5: of the file as downloaded, or of its gzip content when <paramref name="GzipContentBytes"/> is set.</param>
/// <param name="MaxBytes">Most bytes the download may have; more means a wrong or hostile server, and the download stops.</param>
/// <param name="GzipContentBytes">
/// When set, the file is gzip and the checksum is of the decompressed content, which has exactly this many bytes.
/// Used where mirrors re-gzip the data: the content is what the readers see, the gzip wrapper is not.
/// </param>
public sealed record DownloadFile(string Name, string Md5, long MaxBytes, long? GzipContentBytes = null)
{
    /// <summary>An upper bound on the size of any gzip of <paramref name="contentBytes"/> bytes (stored blocks cost 5 bytes per 64 KiB, plus header and trailer).</summary>
    public static long GzipBound(long contentBytes) => contentBytes + contentBytes / 8192 + 1024;
}

/// <summary>A downloadable dataset: where its files are and, for archives, which folder they unpack to.</summary>
/// <param name="Name">The name on the command line (mnist, cifar10, ...).</param>
/// <param name="Title">Human-readable name.</param>
/// <param name="BaseUrl">The folder URL the file names are appended to (replaced by --mirror).</param>
/// <param name="Origin">Where the dataset is documented (its authors' page), for the help text.</param>
/// <param name="Files">The files to fetch.</param>
/// <param name="UnpacksTo">
/// For a .tar.gz dataset: the top-level folder of the archive (one of <see cref="DatasetDirectory.KnownSubfolders"/>).
/// The archive is unpacked and then deleted; null for files kept as downloaded (IDX .gz).
/// </param>
public sealed record DownloadEntry(string Name, string Title, string BaseUrl, string Origin, IReadOnlyList<DownloadFile> Files, string? UnpacksTo = null)
{
    /// <summary>The URL of <paramref name="file"/>, under <paramref name="mirror"/> when given instead of <see cref="BaseUrl"/>.</summary>
    public Uri UrlOf(DownloadFile file, string? mirror = null) =>
        new((mirror ?? BaseUrl).TrimEnd('/') + "/" + Uri.EscapeDataString(file.Name));
}
