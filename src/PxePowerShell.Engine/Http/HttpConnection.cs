using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Win32.SafeHandles;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Http;

/// <summary>
/// One accepted connection: an async loop that parses request heads (several may be pipelined in one
/// read), answers them in order and keeps the connection open when the client asks. One timer guards it:
/// the head must arrive within HeaderTimeout, an idle keep-alive connection ends after KeepAliveTimeout,
/// and a response chunk that a client does not take within KeepAliveTimeout ends the connection.
/// </summary>
internal sealed class HttpConnection
{
    /// <summary>Bodies up to this size are read and sent with the head in one write.</summary>
    private const int SmallBody = 64 * 1024;

    /// <summary>Copy-mode chunk while at most <see cref="FewConnections"/> are open (fewest system calls; measured fastest).</summary>
    private const int CopyChunk = 256 * 1024;

    /// <summary>
    /// Copy-mode chunk once more connections are open: the file data one connection holds while its client reads. With
    /// 256 KiB for every connection, 900 slow readers of a large file took 300 MB.
    /// </summary>
    private const int CopyChunkUnderLoad = 32 * 1024;

    private const int FewConnections = 32;

    /// <summary>Zero-copy chunk (one sendfile run; the write timer is re-armed per chunk).</summary>
    private const int ZeroCopyChunk = 8 * 1024 * 1024;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpBootServer _server;
    private readonly Socket _socket;
    private readonly IPEndPoint? _remote;
    private readonly IPEndPoint? _local;
    private readonly HttpBootServerOptions _options;
    private readonly HttpStatistics _stats;
    private readonly HttpRequestParser _parser;
    private readonly ITimer _timer;
    private readonly byte[] _in;
    private readonly byte[] _head = new byte[4096];
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SocketAsyncEventArgs? _sendArgs;
    private int _start;
    private int _filled;
    private volatile bool _timedOut;
    private bool _idle;
    private int _closed;
    private long _waitingSince;

    public HttpConnection(HttpBootServer server, Socket socket)
    {
        _server = server;
        _socket = socket;
        _options = server.Options;
        _stats = server.Statistics;
        _parser = new HttpRequestParser(_options.MaxHeaderBytes);
        _in = ArrayPool<byte>.Shared.Rent((2 * _options.MaxHeaderBytes) + 2);
        try
        {
            _remote = socket.RemoteEndPoint as IPEndPoint;
            _local = socket.LocalEndPoint as IPEndPoint;
        }
        catch (SocketException)
        {
            _remote = null;
        }

        _waitingSince = server.Clock.GetTimestamp();
        _timer = server.Clock.CreateTimer(static state => ((HttpConnection)state!).OnTimeout(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Completes when the connection has closed and released its buffers.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Closes the connection at once (server stopping).</summary>
    public void Abort() => CloseSocket();

    /// <summary>
    /// When the connection started waiting for its next request (a timestamp of the server's clock: since it was
    /// accepted, or since its last response), or -1 while it answers a request and once it was evicted. A slowloris
    /// client trickling a head keeps its old value; the idlest connection is the one with the smallest.
    /// </summary>
    public long WaitingSince => Volatile.Read(ref _waitingSince);

    /// <summary>Whether it was closed as an idle keep-alive connection of a server under load (<see cref="HttpBootServer.ClaimCloseForLoad"/>).</summary>
    public bool ClosedForLoad { get; private set; }

    /// <summary>Closes the connection if it is still waiting for a request (to make room for a new one); false when it became busy.</summary>
    public bool Evict()
    {
        long since = Volatile.Read(ref _waitingSince);
        if (since < 0 || Interlocked.CompareExchange(ref _waitingSince, -1, since) != since)
        {
            return false;
        }

        CloseSocket();
        return true;
    }

    /// <summary>Serves requests until the client leaves, an error, a timeout or <see cref="Abort"/>.</summary>
    public async Task RunAsync()
    {
        try
        {
            await ServeAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or OperationCanceledException)
        {
            // The client left, a timeout closed the socket or the server is stopping.
        }
        finally
        {
            if (_timedOut)
            {
                _stats.TimeOut();
            }

            CloseSocket();
            _timer.Dispose();
            _sendArgs?.Dispose();
            ArrayPool<byte>.Shared.Return(_in);

            _completion.TrySetResult();
        }
    }

    private async Task ServeAsync()
    {
        Arm(_options.HeaderTimeout);
        while (true)
        {
            var result = _parser.Parse(_in.AsSpan(_start, _filled - _start));
            if (result.Status == HttpParseStatus.Incomplete)
            {
                if (_start > 0)
                {
                    Buffer.BlockCopy(_in, _start, _in, 0, _filled - _start);
                    _filled -= _start;
                    _start = 0;
                    _parser.Reset();
                }

                int n = await _socket.ReceiveAsync(_in.AsMemory(_filled), SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                if (_idle)
                {
                    lock (_timer)
                    {
                        _idle = false;
                        Arm(_options.HeaderTimeout);
                    }
                }

                _filled += n;
                continue;
            }

            _stats.RequestReceived();
            if (result.Status == HttpParseStatus.Error)
            {
                _parser.Reset();
                Disarm();
                _stats.BadRequest();
                Refused(null, result.StatusCode, result.Error!);
                await SendSimpleAsync(result.StatusCode, result.Error!, keepAlive: false, headOnly: false, version10: false).ConfigureAwait(false);
                await CloseGracefullyAsync().ConfigureAwait(false);
                return;
            }

            if (Interlocked.Exchange(ref _waitingSince, -1) < 0)
            {
                return; // evicted while the head arrived
            }

            _start += result.Consumed;
            _parser.Reset();
            Disarm();
            bool keep = await HandleAsync(result.Head!).ConfigureAwait(false);
            if (!keep)
            {
                await CloseGracefullyAsync().ConfigureAwait(false);
                return;
            }

            Volatile.Write(ref _waitingSince, _server.Clock.GetTimestamp());
            if (_start == _filled)
            {
                _start = _filled = 0;
                lock (_timer)
                {
                    _idle = true;
                    Arm(IdleCheck(TimeSpan.Zero));
                }
            }
            else
            {
                Arm(_options.HeaderTimeout);
            }
        }
    }

    /// <summary>Answers one request; returns whether the connection stays open.</summary>
    private async Task<bool> HandleAsync(HttpRequestHead request)
    {
        bool v10 = request.VersionMinor == 0;
        if (request.MethodKind is HttpMethodKind.NotAllowed or HttpMethodKind.Unknown)
        {
            _stats.BadRequest();
            int status = request.MethodKind == HttpMethodKind.NotAllowed ? 405 : 501;
            string reason = $"the method {request.Method} is not supported; use GET or HEAD";
            Refused(null, status, reason);
            await SendSimpleAsync(status, reason, keepAlive: false, headOnly: false, version10: v10).ConfigureAwait(false);
            return false;
        }

        bool headOnly = request.MethodKind == HttpMethodKind.Head;
        if (request.HasTransferEncoding)
        {
            _stats.BadRequest();
            const string reason = "request bodies (Transfer-Encoding) are not supported";
            Refused(null, 501, reason);
            await SendSimpleAsync(501, reason, keepAlive: false, headOnly, v10).ConfigureAwait(false);
            return false;
        }

        // A GET with a body is legal but pointless: answer it, then close instead of skipping the body.
        bool keepAlive = request.KeepAlive && request.ContentLength == 0;

        if (!HttpTarget.TryDecode(request.Target, out var rawPath, out var query, out var targetError))
        {
            _stats.BadRequest();
            Refused(request.Target, 400, targetError);
            await SendSimpleAsync(400, targetError, keepAlive: false, headOnly, v10).ConfigureAwait(false);
            return false;
        }

        if (!BootPath.TryParse(rawPath, out var path, out var pathError))
        {
            Refused(rawPath, 403, pathError);
            await SendSimpleAsync(403, pathError, keepAlive, headOnly, v10).ConfigureAwait(false);
            return keepAlive;
        }

        var context = new BootRequestContext("http", _remote)
        {
            Query = query,
            Server = _local?.Address is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : _local?.Address,
            CaseSensitive = !_options.IgnoreCase,
        };
        BootFileResult opened;
        try
        {
            opened = await _server.Files.OpenAsync(path, context, _server.LifetimeToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or NotSupportedException)
        {
            opened = BootFileResult.Denied(ex.Message);
        }

        if (opened.Status == BootFileStatus.Ok && rawPath.EndsWith('/') && !path.IsRoot)
        {
            // "/hello.txt/" names a directory that does not exist (nginx: 404, as open(2) fails with ENOTDIR).
            opened.File?.Dispose();
            opened = BootFileResult.NotFound("not a directory");
        }

        if (opened.Status != BootFileStatus.Ok || opened.File is null)
        {
            opened.File?.Dispose();
            (int status, string reason) = opened.Status switch
            {
                BootFileStatus.NotFound => (404, opened.Reason ?? "file not found"),
                BootFileStatus.IsDirectory => (403, "directory listing disabled"),
                _ => (403, opened.Reason ?? "access denied"),
            };
            Refused(path.Value, status, reason);
            await SendSimpleAsync(status, reason, keepAlive, headOnly, v10).ConfigureAwait(false);
            return keepAlive;
        }

        using var file = opened.File;
        return await SendFileAsync(request, path, file, keepAlive, headOnly, v10).ConfigureAwait(false);
    }

    private async Task<bool> SendFileAsync(HttpRequestHead request, BootPath path, IBootFile file, bool keepAlive, bool headOnly, bool v10)
    {
        long length = file.Length;
        var lastModified = HttpDate.Truncate(file.LastModified);
        string etag = EntityTag.For(lastModified, length);
        string lastModifiedText = HttpDate.Format(lastModified);
        string contentType = MimeTypes.For(path.FileName);

        // RFC 9110 §13.2.2: preconditions in order.
        if (request.IfMatch is not null ? !EntityTag.Matches(request.IfMatch, etag, weak: false)
            : HttpDate.TryParse(request.IfUnmodifiedSince, out var unmodifiedSince) && lastModified > unmodifiedSince)
        {
            Refused(path.Value, 412, "the file does not match the precondition");
            await SendSimpleAsync(412, "the file does not match If-Match / If-Unmodified-Since", keepAlive, headOnly, v10).ConfigureAwait(false);
            return keepAlive;
        }

        bool notModified = request.IfNoneMatch is not null
            ? EntityTag.Matches(request.IfNoneMatch, etag, weak: true)
            : HttpDate.TryParse(request.IfModifiedSince, out var modifiedSince) && lastModified <= modifiedSince;
        if (notModified)
        {
            var w = new HttpResponseWriter(_head);
            w.StatusLine(304);
            CommonHeaders(ref w, keepAlive, v10);
            w.Header("ETag", etag);
            w.Header("Last-Modified", lastModifiedText);
            w.End();
            await SendHeadAsync(w.Length, 304).ConfigureAwait(false);
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
            Refused(path.Value, 416, "no requested range overlaps the file");
            byte[] body = Encoding.ASCII.GetBytes("416 Range Not Satisfiable\n");
            var w = new HttpResponseWriter(_head);
            w.StatusLine(416);
            CommonHeaders(ref w, keepAlive, v10);
            w.Raw("Content-Range: bytes */");
            w.Number(length);
            w.Raw("\r\n");
            w.Header("Content-Type", "text/plain; charset=utf-8");
            w.Header("Content-Length", body.Length);
            w.End();
            if (!headOnly)
            {
                body.CopyTo(_head, w.Length);
            }

            await SendHeadAsync(w.Length + (headOnly ? 0 : body.Length), 416).ConfigureAwait(false);
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

        var writer = new HttpResponseWriter(_head);
        writer.StatusLine(statusCode);
        CommonHeaders(ref writer, keepAlive, v10);
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
            await SendHeadAsync(headLength, statusCode).ConfigureAwait(false);
            return keepAlive;
        }

        _stats.ResponseSent(statusCode);
        long started = _server.Clock.GetTimestamp();
        _server.Report(PxeEventKind.TransferStarted, _remote, path.Value, contentLength, null, null);
        long sent = 0;
        FileStream? stream = null;
        try
        {
            stream = OpenForZeroCopy(file, contentLength);
            if (boundary is null)
            {
                sent += await SendBodyAsync(file, stream, ranges[0], headLength).ConfigureAwait(false);
            }
            else
            {
                await SendAllAsync(_head.AsMemory(0, headLength)).ConfigureAwait(false);
                for (int i = 0; i < ranges.Length; i++)
                {
                    int partLength = Encoding.ASCII.GetBytes(partHeads![i], 0, partHeads[i].Length, _head, 0);
                    sent += await SendBodyAsync(file, stream, ranges[i], partLength).ConfigureAwait(false);
                }

                int closing = Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n", 0, boundary.Length + 8, _head, 0);
                await SendAllAsync(_head.AsMemory(0, closing)).ConfigureAwait(false);
                sent = contentLength;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or IOException or OperationCanceledException or UnauthorizedAccessException)
        {
            _stats.TransferFailed();
            string error = _timedOut ? "the client stopped reading (timeout)" : ex is ObjectDisposedException ? "the connection was closed" : ex.Message;
            _server.Report(PxeEventKind.TransferFailed, _remote, path.Value, sent, _server.Clock.GetElapsedTime(started), error);
            throw;
        }
        finally
        {
            Disarm();
            stream?.Dispose();
        }

        _stats.TransferCompleted();
        _server.Report(PxeEventKind.TransferCompleted, _remote, path.Value, contentLength, _server.Clock.GetElapsedTime(started), null);
        return keepAlive;
    }

    /// <summary>
    /// Sends the first <paramref name="prefixLength"/> bytes of the head buffer followed by one range of the
    /// file; returns the file bytes sent.
    /// </summary>
    private async Task<long> SendBodyAsync(IBootFile file, FileStream? stream, ByteRange range, int prefixLength)
    {
        if (stream is not null && range.Length > SmallBody)
        {
            long baseOffset = file.Physical!.Offset;
            long done = 0;
            bool first = true;
            while (done < range.Length)
            {
                int chunk = (int)Math.Min(ZeroCopyChunk, range.Length - done);
                SendPacketsElement[] elements = first && prefixLength > 0
                    ? [new SendPacketsElement(_head, 0, prefixLength), new SendPacketsElement(stream, baseOffset + range.Start + done, chunk, true)]
                    : [new SendPacketsElement(stream, baseOffset + range.Start + done, chunk, true)];
                long expected = chunk + (first ? prefixLength : 0);
                Arm(_options.KeepAliveTimeout);
                await SendPacketsAsync(elements, expected).ConfigureAwait(false);
                first = false;
                done += chunk;
            }

            return done;
        }

        // The buffer is rented per body and given back after it, so an idle keep-alive connection holds none.
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_server.OpenConnections > FewConnections ? CopyChunkUnderLoad : CopyChunk);
        try
        {
            _head.AsSpan(0, prefixLength).CopyTo(buffer);
            int used = prefixLength;
            long offset = range.Start;
            long remaining = range.Length;
            while (remaining > 0 || used > 0)
            {
                while (remaining > 0 && used < buffer.Length)
                {
                    int want = (int)Math.Min(buffer.Length - used, remaining);
                    int n = await file.ReadAsync(offset, buffer.AsMemory(used, want), _server.LifetimeToken).ConfigureAwait(false);
                    if (n <= 0)
                    {
                        throw new IOException("the file became shorter while it was being sent");
                    }

                    used += n;
                    offset += n;
                    remaining -= n;
                }

                await SendAllAsync(buffer.AsMemory(0, used)).ConfigureAwait(false);
                used = 0;
            }

            return range.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Opens the file's host path for zero-copy sends when that is possible and worth it; null means copy.
    /// The handle must be the same host file (checked through /proc/self/fd) and long enough.
    /// </summary>
    private FileStream? OpenForZeroCopy(IBootFile file, long contentLength)
    {
        if (_server.BodySendMode != HttpBodySendMode.ZeroCopy || contentLength <= SmallBody || file.Physical is not { } physical || !OperatingSystem.IsLinux())
        {
            return null;
        }

        SafeFileHandle? handle = null;
        try
        {
            handle = File.OpenHandle(physical.HostPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
            string? real = new FileInfo($"/proc/self/fd/{handle.DangerousGetHandle()}").LinkTarget;
            if (real is null || !string.Equals(real, Path.GetFullPath(physical.HostPath), StringComparison.Ordinal)
                || RandomAccess.GetLength(handle) < physical.Offset + file.Length)
            {
                handle.Dispose();
                return null;
            }

            return new FileStream(handle, FileAccess.Read, 1, isAsync: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            handle?.Dispose();
            return null;
        }
    }

    private Task SendPacketsAsync(SendPacketsElement[] elements, long expected)
    {
        var args = _sendArgs;
        if (args is null)
        {
            args = new SocketAsyncEventArgs();
            args.Completed += static (_, e) => ((TaskCompletionSource)e.UserToken!).TrySetResult();
            _sendArgs = args;
        }

        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        args.UserToken = done;
        args.SendPacketsElements = elements;
        if (!_socket.SendPacketsAsync(args))
        {
            done.TrySetResult();
        }

        return Finish(done.Task, args, expected);

        async Task Finish(Task completed, SocketAsyncEventArgs e, long want)
        {
            await completed.ConfigureAwait(false);
            if (e.SocketError != SocketError.Success)
            {
                throw new SocketException((int)e.SocketError);
            }

            _stats.Sent(e.BytesTransferred);
            if (e.BytesTransferred != want)
            {
                throw new IOException("the file became shorter while it was being sent");
            }
        }
    }

    private async Task SendAllAsync(ReadOnlyMemory<byte> data)
    {
        while (data.Length > 0)
        {
            Arm(_options.KeepAliveTimeout);
            int n = await _socket.SendAsync(data, SocketFlags.None).ConfigureAwait(false);
            _stats.Sent(n);
            data = data[n..];
        }
    }

    private async Task SendHeadAsync(int length, int status)
    {
        _stats.ResponseSent(status);
        try
        {
            await SendAllAsync(_head.AsMemory(0, length)).ConfigureAwait(false);
        }
        finally
        {
            Disarm();
        }
    }

    /// <summary>Sends a status with a short text body (the reason), or just the head for HEAD.</summary>
    private Task SendSimpleAsync(int status, string reason, bool keepAlive, bool headOnly, bool version10)
    {
        string body = $"{status} {HttpResponseWriter.ReasonPhrase(status)}: {reason}\n";
        int bodyLength = Math.Min(body.Length, 1024);
        var w = new HttpResponseWriter(_head);
        w.StatusLine(status);
        CommonHeaders(ref w, keepAlive, version10);
        if (status == 405)
        {
            w.Header("Allow", "GET, HEAD");
        }
        else if (status == 503)
        {
            w.Header("Retry-After", 1);
        }

        w.Header("Content-Type", "text/plain; charset=utf-8");
        w.Header("Content-Length", bodyLength);
        w.End();
        int length = w.Length;
        if (!headOnly)
        {
            for (int i = 0; i < bodyLength; i++)
            {
                char c = body[i];
                _head[length + i] = c is >= ' ' and < (char)0x7F or '\n' ? (byte)c : (byte)'?';
            }

            length += bodyLength;
        }

        return SendHeadAsync(length, status);
    }

    private void CommonHeaders(ref HttpResponseWriter w, bool keepAlive, bool version10)
    {
        w.Header("Server", "PxePowerShell");
        w.Header("Date", _server.CurrentDate());
        if (!keepAlive)
        {
            w.Header("Connection", "close");
        }
        else if (version10)
        {
            w.Header("Connection", "keep-alive");
        }
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

    private void Refused(string? path, int status, string reason)
    {
        _server.Report(PxeEventKind.RequestRefused, _remote, path, null, null, $"{status} {HttpResponseWriter.ReasonPhrase(status)}: {reason}");
    }

    /// <summary>Half-closes, then reads and drops what the client still sends (briefly) so the last response is not lost to a reset.</summary>
    private async Task CloseGracefullyAsync()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Send);
            Arm(DrainTimeout);
            int drained = 0;
            while (drained < 1024 * 1024)
            {
                int n = await _socket.ReceiveAsync(_in.AsMemory(), SocketFlags.None).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                drained += n;
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _timedOut = false;
        Disarm();
    }

    private void Arm(TimeSpan timeout) => _timer.Change(timeout, Timeout.InfiniteTimeSpan);

    private void Disarm() => _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// The next idle check of a keep-alive connection idle for <paramref name="elapsed"/>: it is looked at again every
    /// KeepAliveTimeoutUnderLoad, so it ends that soon after the server comes under load, and after KeepAliveTimeout otherwise.
    /// </summary>
    private TimeSpan IdleCheck(TimeSpan elapsed)
    {
        var remaining = _options.KeepAliveTimeout - elapsed;
        return remaining < _options.KeepAliveTimeoutUnderLoad ? remaining : _options.KeepAliveTimeoutUnderLoad;
    }

    private void OnTimeout()
    {
        lock (_timer)
        {
            long since = Volatile.Read(ref _waitingSince);
            if (_idle && since >= 0)
            {
                var elapsed = _server.Clock.GetElapsedTime(since);
                if (elapsed < _options.KeepAliveTimeout)
                {
                    if (!_server.ClaimCloseForLoad())
                    {
                        Arm(IdleCheck(elapsed));
                        return;
                    }

                    ClosedForLoad = true;
                }
            }
        }

        _timedOut = true;
        CloseSocket();
    }

    private void CloseSocket()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        _socket.Dispose();
    }
}
