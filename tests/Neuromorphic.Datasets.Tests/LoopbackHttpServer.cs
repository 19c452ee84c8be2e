using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Neuromorphic.Datasets.Tests;

/// <summary>One GET the server saw: the path and, when the client resumed, the Range start.</summary>
internal sealed record ServedRequest(string Path, long? RangeStart);

/// <summary>
/// How to answer: the status, the body bytes, whether to send Content-Length, and optionally to close the
/// connection after <see cref="CloseAfter"/> body bytes (a dropped download).
/// </summary>
internal sealed record Reply(int Status, byte[] Body, string? ContentRange = null, bool AnnounceLength = true, int? CloseAfter = null)
{
    public static Reply NotFound { get; } = new(404, "not found"u8.ToArray());

    /// <summary>The whole file (200), or from the Range start on (206) when <paramref name="honourRange"/>.</summary>
    public static Reply ForFile(byte[] file, ServedRequest request, bool honourRange = true)
    {
        if (honourRange && request.RangeStart is { } from && from < file.Length)
        {
            return new Reply(206, file[(int)from..], $"bytes {from}-{file.Length - 1}/{file.Length}");
        }

        return new Reply(200, file);
    }
}

/// <summary>
/// A minimal HTTP/1.1 server on 127.0.0.1 (a free port) for the download tests: one connection at a time, one
/// request per connection, every answer closes. Raw sockets so a test can drop a connection midway.
/// </summary>
internal sealed class LoopbackHttpServer : IDisposable
{
    private const int MaxHeaderLines = 100;
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<ServedRequest, Reply> _respond;
    private readonly List<ServedRequest> _requests = [];
    private readonly Task _loop;

    public LoopbackHttpServer(Func<ServedRequest, Reply> respond)
    {
        _respond = respond;
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public string BaseUrl => $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";

    public IReadOnlyList<ServedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>Serves the files of a folder by name.</summary>
    public static LoopbackHttpServer ServingFolder(string folder) =>
        new(r => File.Exists(Path.Combine(folder, r.Path)) ? Reply.ForFile(File.ReadAllBytes(Path.Combine(folder, r.Path)), r) : Reply.NotFound);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        _loop.Wait(TimeSpan.FromSeconds(10));
        _stop.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                using TcpClient client = await _listener.AcceptTcpClientAsync(_stop.Token);
                await ServeAsync(client.GetStream());
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
                // Stopped, or the client hung up: the next connection is served anew.
            }
        }
    }

    private async Task ServeAsync(NetworkStream stream)
    {
        // A GET has no body, so a reader may buffer past the headers freely.
        using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
        string[] requestLine = (await reader.ReadLineAsync(_stop.Token) ?? "").Split(' ');
        long? rangeStart = null;
        for (int i = 0; i < MaxHeaderLines; i++)
        {
            string? line = await reader.ReadLineAsync(_stop.Token);
            if (string.IsNullOrEmpty(line))
            {
                break;
            }

            const string prefix = "Range: bytes=";
            if (line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                rangeStart = long.Parse(line[prefix.Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        var request = new ServedRequest(requestLine.Length > 1 ? Uri.UnescapeDataString(requestLine[1].TrimStart('/')) : "", rangeStart);
        lock (_requests)
        {
            _requests.Add(request);
        }

        Reply reply = _respond(request);
        var head = new StringBuilder($"HTTP/1.1 {reply.Status} {(HttpStatusCode)reply.Status}\r\nConnection: close\r\nContent-Type: application/octet-stream\r\n");
        if (reply.AnnounceLength)
        {
            head.Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Length: {reply.Body.Length}\r\n");
        }

        if (reply.ContentRange is { } range)
        {
            head.Append(System.Globalization.CultureInfo.InvariantCulture, $"Content-Range: {range}\r\n");
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.Append("\r\n").ToString()), _stop.Token);
        await stream.WriteAsync(reply.Body.AsMemory(0, reply.CloseAfter ?? reply.Body.Length), _stop.Token);
        await stream.FlushAsync(_stop.Token);
    }
}
