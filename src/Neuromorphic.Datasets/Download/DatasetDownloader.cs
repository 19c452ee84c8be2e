namespace Neuromorphic.Datasets.Download;

/// <summary>What a download did.</summary>
/// <param name="Directory">The dataset folder (what --data takes).</param>
/// <param name="Downloaded">Files fetched and verified now.</param>
/// <param name="AlreadyPresent">Files (or an unpacked archive folder) found verified and left alone.</param>
public sealed record DownloadReport(string Directory, int Downloaded, int AlreadyPresent);

/// <summary>
/// Downloads a catalog dataset into a folder. Everything is fetched into the hidden staging folder
/// <see cref="StagingFolderName"/> first and appears under its final name only once verified (and, for archives,
/// unpacked), so an interrupted run leaves nothing half-written where the readers look; running it again resumes.
/// </summary>
public sealed class DatasetDownloader(HttpClient http, IRunProgress? progress = null)
{
    /// <summary>The staging folder inside the target folder: partial downloads and unpacking happen here.</summary>
    public const string StagingFolderName = ".download";

    private readonly IRunProgress _progress = progress ?? SilentProgress.Instance;

    /// <summary>How long a connection may stay silent mid-file before the attempt is given up (resumable).</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Makes <paramref name="directory"/> hold <paramref name="entry"/>: IDX .gz files directly in it, an archive's
    /// folder (cifar-10-batches-bin, ...) inside it.
    /// </summary>
    /// <param name="mirror">Replaces the entry's base URL (an institutional mirror, or a test server).</param>
    /// <exception cref="DatasetDownloadException">A network failure, a checksum mismatch or an oversized file; the message names the URL and what to do.</exception>
    public async Task<DownloadReport> DownloadAsync(DownloadEntry entry, string directory, string? mirror = null, CancellationToken cancellationToken = default)
    {
        string target = Path.GetFullPath(directory);
        string staging = Path.Combine(target, StagingFolderName);
        if (entry.UnpacksTo is { } folder && Directory.Exists(Path.Combine(target, folder)))
        {
            // Only a completely unpacked archive is ever moved there.
            _progress.Log($"{entry.Title}: {Path.Combine(target, folder)} is already there.");
            return new DownloadReport(target, 0, entry.Files.Count);
        }

        try
        {
            Directory.CreateDirectory(staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetDownloadException($"cannot create the folder {staging}: {e.Message}", e);
        }

        try
        {
            return await DownloadFilesAsync(entry, target, staging, mirror, cancellationToken);
        }
        finally
        {
            DeleteIfEmpty(staging); // a failure before any byte arrived leaves no empty hidden folder behind
        }
    }

    private async Task<DownloadReport> DownloadFilesAsync(DownloadEntry entry, string target, string staging, string? mirror, CancellationToken cancellationToken)
    {
        int downloaded = 0, present = 0;
        foreach (DownloadFile file in entry.Files)
        {
            // Archives stay in staging until unpacked; IDX files are used as downloaded.
            string final = Path.Combine(entry.UnpacksTo is null ? target : staging, file.Name);
            if (File.Exists(final) && FileChecksum.Matches(file, final))
            {
                _progress.Log($"{file.Name}: already there, {FileChecksum.What(file)} verified.");
                present++;
                continue;
            }

            await FetchVerifiedAsync(entry.UrlOf(file, mirror), file, Path.Combine(staging, file.Name + ".part"), final, cancellationToken);
            downloaded++;
        }

        if (entry.UnpacksTo is { } archiveFolder)
        {
            string archive = Path.Combine(staging, entry.Files[0].Name);
            _progress.Log($"unpacking {entry.Files[0].Name} into {Path.Combine(target, archiveFolder)}");
            try
            {
                await TarGzUnpacker.UnpackAsync(archive, archiveFolder, staging, target, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The verified archive stays in staging: the next run unpacks it without downloading it again.
                throw new DatasetDownloadException($"unpacking {archive} into {target} failed: {e.Message}; run the command again.", e);
            }

            File.Delete(archive); // the unpacked folder is what the readers use; archives such as STL-10's are large
        }

        return new DownloadReport(target, downloaded, present);
    }

    private async Task FetchVerifiedAsync(Uri url, DownloadFile file, string part, string final, CancellationToken cancellationToken)
    {
        var fetcher = new ResumableFetcher(http, _progress, IdleTimeout);
        try
        {
            await fetcher.FetchAsync(url, part, file.MaxBytes, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // TaskCanceledException here is HttpClient's own timeout, not the user's Ctrl+C.
            long kept = File.Exists(part) ? new FileInfo(part).Length : 0;
            if (fetcher.Began)
            {
                _progress.End("interrupted");
            }

            throw new DatasetDownloadException(
                $"downloading {url} failed: {e.Message.TrimEnd('.')}" +
                (kept > 0 ? $" ({kept:N0} bytes kept in {part}; run the command again to resume)." : "; run the command again."), e);
        }

        string got = FileChecksum.Compute(file, part);
        if (!string.Equals(got, file.Md5, StringComparison.OrdinalIgnoreCase))
        {
            File.Delete(part);
            _progress.End("checksum mismatch");
            throw new DatasetDownloadException(
                $"{url}: {FileChecksum.What(file)} mismatch: expected {file.Md5}, got {got}. The file was deleted; run the command again " +
                "(if it fails again, the server or --mirror serves a different file).");
        }

        File.Move(part, final, overwrite: true);
        _progress.End($"{new FileInfo(final).Length:N0} bytes, {FileChecksum.What(file)} verified");
    }

    private static void DeleteIfEmpty(string folder)
    {
        if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any())
        {
            Directory.Delete(folder);
        }
    }
}
