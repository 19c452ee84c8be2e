using System.Net;
using System.Net.Http.Headers;

namespace Neuromorphic.Datasets.Download;

/// <summary>
/// Fetches one URL into a partial file, resuming what an earlier attempt left with an HTTP Range request.
/// Streams through a fixed buffer and stops as soon as more bytes arrive than the catalog allows.
/// </summary>
internal sealed class ResumableFetcher(HttpClient http, IRunProgress progress, TimeSpan idleTimeout)
{
    private const int BufferSize = 1 << 16;

    /// <summary>Whether the last fetch began a progress phase (so the caller may end it).</summary>
    public bool Began { get; private set; }

    /// <summary>
    /// Makes <paramref name="partPath"/> hold the whole of <paramref name="url"/>. Network failures leave the
    /// partial file for the next attempt; a server that sends too much has its bytes deleted.
    /// </summary>
    /// <exception cref="HttpRequestException">The server refused or the connection failed.</exception>
    /// <exception cref="IOException">The connection dropped or stalled, or the disk failed.</exception>
    /// <exception cref="DatasetDownloadException">More bytes than <paramref name="maxBytes"/>, or a range the server should not have sent.</exception>
    public async Task FetchAsync(Uri url, string partPath, long maxBytes, CancellationToken cancellationToken)
    {
        Began = false;
        long have = File.Exists(partPath) ? new FileInfo(partPath).Length : 0;
        if (have > maxBytes)
        {
            File.Delete(partPath);
            have = 0;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (have > 0)
        {
            request.Headers.Range = new RangeHeaderValue(have, null);
        }

        using HttpResponseMessage response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (have > 0 && response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
        {
            // Nothing after what we have: the partial file is complete, or wrong, which the checksum will tell.
            BeginPhase(url, " (already complete)", have);
            return;
        }

        response.EnsureSuccessStatusCode();
        bool resumed = response.StatusCode == HttpStatusCode.PartialContent;
        if (resumed && response.Content.Headers.ContentRange?.From != have)
        {
            File.Delete(partPath);
            throw new DatasetDownloadException(
                $"{url} answered the resume request with another range ({response.Content.Headers.ContentRange}); the partial file was deleted, run the command again.");
        }

        if (!resumed)
        {
            have = 0; // the server ignored the Range header (200): start again from zero
        }

        // Content-Length is only a hint for the progress bar and an early refusal; it never sizes a buffer.
        long? announced = response.Content.Headers.ContentLength is { } length ? have + length : null;
        if (announced > maxBytes)
        {
            throw TooLarge(url, partPath, maxBytes, $"it announces {announced:N0} bytes");
        }

        BeginPhase(url, have > 0 ? $" (resuming at {have:N0} bytes)" : "", announced ?? maxBytes);
        await using (Stream body = await response.Content.ReadAsStreamAsync(cancellationToken))
        await using (var file = new FileStream(partPath, resumed ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize))
        {
            byte[] buffer = new byte[BufferSize];
            progress.Advance(have);
            while (true)
            {
                int n = await ReadWithIdleTimeoutAsync(body, buffer, cancellationToken);
                if (n == 0)
                {
                    break;
                }

                if (have + n > maxBytes)
                {
                    await file.DisposeAsync();
                    throw TooLarge(url, partPath, maxBytes, "it sent more");
                }

                await file.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                have += n;
                progress.Advance(have);
            }
        }

        // Without Content-Length a dropped connection looks like the end; with it, the shortfall is reported (resumable).
        if (announced is { } expected && have < expected)
        {
            throw new IOException($"the connection ended after {have:N0} of {expected:N0} bytes");
        }
    }

    private void BeginPhase(Uri url, string note, long total)
    {
        progress.Begin(Path.GetFileName(url.LocalPath) + note, total, "bytes");
        Began = true;
    }

    // A server that stops sending without closing would otherwise hang the download forever.
    private async Task<int> ReadWithIdleTimeoutAsync(Stream body, byte[] buffer, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        try
        {
            return await body.ReadAsync(buffer, idle.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"no data received for {idleTimeout.TotalSeconds:F0} s");
        }
    }

    private static DatasetDownloadException TooLarge(Uri url, string partPath, long maxBytes, string what)
    {
        File.Delete(partPath);
        return new DatasetDownloadException(
            $"{url} is larger than the expected {maxBytes:N0} bytes ({what}); the download was stopped and its bytes deleted. " +
            "The server does not serve this dataset's file: check the URL or --mirror.");
    }
}
