using System.Formats.Tar;
using System.IO.Compression;

namespace Neuromorphic.Datasets.Download;

/// <summary>
/// Unpacks a verified .tar.gz into a staging folder and only then moves its top-level folder into place,
/// so a reader never sees a half-unpacked dataset.
/// </summary>
internal static class TarGzUnpacker
{
    /// <summary>Unpacks <paramref name="archive"/> and moves its folder <paramref name="folder"/> to <paramref name="destination"/>/<paramref name="folder"/>.</summary>
    /// <exception cref="DatasetDownloadException">The archive does not hold <paramref name="folder"/>, or is not a valid tar.gz.</exception>
    public static async Task UnpackAsync(string archive, string folder, string stagingRoot, string destination, CancellationToken cancellationToken)
    {
        string staging = Path.Combine(stagingRoot, "unpack-" + folder);
        if (Directory.Exists(staging))
        {
            Directory.Delete(staging, recursive: true); // left by an interrupted unpack
        }

        Directory.CreateDirectory(staging);
        try
        {
            await using (var file = File.OpenRead(archive))
            await using (var gzip = new GZipStream(file, CompressionMode.Decompress))
            {
                // TarFile refuses entries that would land outside the staging folder (../ or absolute paths).
                await TarFile.ExtractToDirectoryAsync(gzip, staging, overwriteFiles: false, cancellationToken);
            }
        }
        catch (InvalidDataException e)
        {
            Directory.Delete(staging, recursive: true);
            throw new DatasetDownloadException($"{archive} is not a valid .tar.gz: {e.Message}", e);
        }

        string unpacked = Path.Combine(staging, folder);
        if (!Directory.Exists(unpacked))
        {
            Directory.Delete(staging, recursive: true);
            throw new DatasetDownloadException($"{archive} does not hold the folder {folder}/ the readers expect.");
        }

        Directory.Move(unpacked, Path.Combine(destination, folder));
        Directory.Delete(staging, recursive: true);
    }
}
