using System.Globalization;
using System.Net.Sockets;
using System.Text;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Http;

/// <summary>
/// Answers a request for one opened file: the conditional requests of RFC 9110 §13 (412, 304), byte ranges
/// (206, multipart/byteranges, 416) and the whole body, with the transfer's events and counters.
/// </summary>
internal sealed class HttpFileResponder
{
    private readonly HttpBootServer _server;
    private readonly HttpStatistics _stats;
    private readonly HttpResponseChannel _channel;
    private readonly Func<bool> _timedOut;

    /// <param name="server">The server (clock, events, statistics).</param>
    /// <param name="channel">The connection's write side.</param>
    /// <param name="timedOut">Whether the connection's timer closed it (names a failed transfer's cause).</param>
    public HttpFileResponder(HttpBootServer server, HttpResponseChannel channel, Func<bool> timedOut)
    {
        _server = server;
        _stats = server.Statistics;
        _channel = channel;
        _timedOut = timedOut;
    }

    /// <summary>Sends <paramref name="file"/> (or what the request's conditions and ranges ask of it); returns whether the connection stays open.</summary>
    public async Task<bool> SendAsync(HttpRequestHead request, BootPath path, IBootFile file, bool keepAlive, bool headOnly, bool v10)
    {
        long length = file.Length;
        var lastModified = HttpDate.Truncate(file.LastModified);
        string etag = EntityTag.For(lastModified, length);
        string lastModifiedText = HttpDate.Format(lastModified);
        string contentType = MimeTypes.For(path.FileName);
        byte[] head = _channel.Head;

        // RFC 9110 §13.2.2: preconditions in order.
        if (request.IfMatch is not null ? !EntityTag.Matches(request.IfMatch, etag, weak: false)
            : HttpDate.TryParse(request.IfUnmodifiedSince, out var unmodifiedSince) && lastModified > unmodifiedSince)
        {
            _channel.Refused(path.Value, 412, "the file does not match the precondition");
            await _channel.SendSimpleAsync(412, "the file does not match If-Match / If-Unmodified-Since", keepAlive, headOnly, v10).ConfigureAwait(false);
            return keepAlive;
        }

        bool notModified = request.IfNoneMatch is not null
            ? EntityTag.Matches(request.IfNoneMatch, etag, weak: true)
            : HttpDate.TryParse(request.IfModifiedSince, out var modifiedSince) && lastModified <= modifiedSince;
        if (notModified)
        {
            var w = new HttpResponseWriter(head);
            w.StatusLine(304);
            _channel.CommonHeaders(ref w, keepAlive, v10);
            w.Header("ETag", etag);
            w.Header("Last-Modified", lastModifiedText);
            w.End();
            await _channel.SendHeadAsync(w.Length, 304).ConfigureAwait(false);
            return keepAlive;
        }

        Span<ByteRange> rangeBuffer = stackalloc ByteRange[ByteRangeParser.MaxRanges];
        var outcome = RangeOutcome.Whole;
        int rangeCount = 0;
        if (request.Range is not null && IfRangeHolds(request.IfRange, etag, lastModified))
        {
            outcome = ByteRangeParser.Parse(request.Range, length, rangeBuffer, out rangeCount);
        }

        if (outcome == RangeOutcome.NotSatisfiable)
        {
            _channel.Refused(path.Value, 416, "no requested range overlaps the file");
            byte[] body = Encoding.ASCII.GetBytes("416 Range Not Satisfiable\n");
            var w = new HttpResponseWriter(head);
            w.StatusLine(416);
            _channel.CommonHeaders(ref w, keepAlive, v10);
            w.Raw("Content-Range: bytes */");
            w.Number(length);
            w.Raw("\r\n");
            w.Header("Content-Type", "text/plain; charset=utf-8");
            w.Header("Content-Length", body.Length);
            w.End();
            if (!headOnly)
            {
                body.CopyTo(head, w.Length);
            }

            await _channel.SendHeadAsync(w.Length + (headOnly ? 0 : body.Length), 416).ConfigureAwait(false);
            return keepAlive;
        }

        ByteRange[] ranges = outcome == RangeOutcome.Partial ? rangeBuffer[..rangeCount].ToArray() : [new ByteRange(0, length)];
        int statusCode = outcome == RangeOutcome.Partial ? 206 : 200;
        string? boundary = null;
        string[]? partHeads = null;
        long contentLength;
        if (ranges.Length > 1)
        {
            boundary = Random.Shared.NextInt64().ToString("x16", CultureInfo.InvariantCulture);
            partHeads = new string[ranges.Length];
            contentLength = 0;
            for (int i = 0; i < ranges.Length; i++)
            {
                partHeads[i] = string.Create(CultureInfo.InvariantCulture, $"\r\n--{boundary}\r\nContent-Type: {contentType}\r\nContent-Range: bytes {ranges[i].Start}-{ranges[i].End}/{length}\r\n\r\n");
                contentLength += partHeads[i].Length + ranges[i].Length;
            }

            contentLength += boundary.Length + 8;
        }
        else
        {
            contentLength = ranges[0].Length;
        }

        var writer = new HttpResponseWriter(head);
        writer.StatusLine(statusCode);
        _channel.CommonHeaders(ref writer, keepAlive, v10);
        writer.Header("Content-Type", boundary is null ? contentType : "multipart/byteranges; boundary=" + boundary);
        writer.Header("Content-Length", contentLength);
        writer.Header("Last-Modified", lastModifiedText);
        writer.Header("ETag", etag);
        writer.Header("Accept-Ranges", "bytes");
        if (statusCode == 206 && boundary is null)
        {
            writer.ContentRange(ranges[0].Start, ranges[0].End, length);
        }

        writer.End();
        int headLength = writer.Length;
        if (headOnly)
        {
            await _channel.SendHeadAsync(headLength, statusCode).ConfigureAwait(false);
            return keepAlive;
        }

        await SendBodyAsync(path, file, ranges, partHeads, boundary, headLength, contentLength, statusCode).ConfigureAwait(false);
        return keepAlive;
    }

    /// <summary>Sends the head already in the channel's buffer and the body (one range, or the parts of a multipart body), with the transfer's events.</summary>
    private async Task SendBodyAsync(BootPath path, IBootFile file, ByteRange[] ranges, string[]? partHeads, string? boundary, int headLength, long contentLength, int statusCode)
    {
        var remote = _channel.Remote;
        byte[] head = _channel.Head;
        _stats.ResponseSent(statusCode);
        _stats.TransferStarted();
        long started = _server.Clock.GetTimestamp();
        _server.Report(PxeEventKind.TransferStarted, remote, path.Value, contentLength, null, null);
        long sent = 0;
        FileStream? stream = null;
        try
        {
            stream = _channel.OpenForZeroCopy(file, contentLength);
            if (boundary is null)
            {
                sent += await _channel.SendBodyAsync(file, stream, ranges[0], headLength).ConfigureAwait(false);
            }
            else
            {
                await _channel.SendAllAsync(head.AsMemory(0, headLength)).ConfigureAwait(false);
                for (int i = 0; i < ranges.Length; i++)
                {
                    int partLength = Encoding.ASCII.GetBytes(partHeads![i], 0, partHeads[i].Length, head, 0);
                    sent += await _channel.SendBodyAsync(file, stream, ranges[i], partLength).ConfigureAwait(false);
                }

                int closing = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n", 0, boundary.Length + 8, head, 0);
                await _channel.SendAllAsync(head.AsMemory(0, closing)).ConfigureAwait(false);
                sent = contentLength;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or OperationCanceledException or UnauthorizedAccessException)
        {
            _stats.TransferFailed();
            string error = _timedOut() ? "the client stopped reading (timeout)" : ex is ObjectDisposedException ? "the connection was closed" : ex.Message;
            _server.Report(PxeEventKind.TransferFailed, remote, path.Value, sent, _server.Clock.GetElapsedTime(started), error);
            throw;
        }
        finally
        {
            _channel.Disarm();
            stream?.Dispose();
        }

        _stats.TransferCompleted();
        _server.Report(PxeEventKind.TransferCompleted, remote, path.Value, contentLength, _server.Clock.GetElapsedTime(started), null);
    }

    private static bool IfRangeHolds(string? ifRange, string etag, DateTimeOffset lastModified)
    {
        if (ifRange is null)
        {
            return true;
        }

        string value = ifRange.Trim();
        if (value.StartsWith('"') || value.StartsWith("W/", StringComparison.Ordinal))
        {
            return EntityTag.Matches(value, etag, weak: false) && !value.Contains(',', StringComparison.Ordinal);
        }

        return HttpDate.TryParse(value, out var date) && date == lastModified;
    }
}
