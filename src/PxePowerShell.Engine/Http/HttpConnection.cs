using System.Buffers;
using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Metrics;

namespace PxePowerShell.Engine.Http;

/// <summary>
/// One accepted connection: an async loop that parses request heads (several may be pipelined in one
/// read), answers them in order and keeps the connection open when the client asks. One timer guards it:
/// the head must arrive within HeaderTimeout, an idle keep-alive connection ends after KeepAliveTimeout,
/// and a response chunk that a client does not take within KeepAliveTimeout ends the connection. Writing is
/// <see cref="HttpResponseChannel"/>'s job, answering with a file <see cref="HttpFileResponder"/>'s.
/// </summary>
internal sealed class HttpConnection
{
    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpBootServer _server;
    private readonly Socket _socket;
    private readonly IPEndPoint? _remote;
    private readonly IPEndPoint? _local;
    private readonly HttpBootServerOptions _options;
    private readonly HttpStatistics _stats;
    private readonly HttpRequestParser _parser;
    private readonly ITimer _timer;
    private readonly HttpResponseChannel _channel;
    private readonly HttpFileResponder _files;
    private readonly byte[] _in;
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
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
        _channel = new HttpResponseChannel(server, socket, _remote, _timer);
        _files = new HttpFileResponder(server, _channel, () => _timedOut);
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
            _channel.Dispose();
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
                await _channel.RefuseAsync(null, result.StatusCode, result.Error!, keepAlive: false, headOnly: false, version10: false).ConfigureAwait(false);
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
            await _channel.RefuseAsync(null, status, reason, keepAlive: false, headOnly: false, version10: v10).ConfigureAwait(false);
            return false;
        }

        bool headOnly = request.MethodKind == HttpMethodKind.Head;
        if (request.HasTransferEncoding)
        {
            _stats.BadRequest();
            const string reason = "request bodies (Transfer-Encoding) are not supported";
            await _channel.RefuseAsync(null, 501, reason, keepAlive: false, headOnly, v10).ConfigureAwait(false);
            return false;
        }

        // A GET with a body is legal but pointless: answer it, then close instead of skipping the body.
        bool keepAlive = request.KeepAlive && request.ContentLength == 0;

        if (!HttpTarget.TryDecode(request.Target, out var rawPath, out var query, out var targetError))
        {
            _stats.BadRequest();
            await _channel.RefuseAsync(request.Target, 400, targetError, keepAlive: false, headOnly, v10).ConfigureAwait(false);
            return false;
        }

        if (_options.Metrics is { } metrics && string.Equals(rawPath, _options.MetricsPath, StringComparison.Ordinal))
        {
            await _channel.SendTextAsync(PrometheusWriter.ContentType, metrics(), keepAlive, headOnly, v10).ConfigureAwait(false);
            return keepAlive;
        }

        if (!BootPath.TryParse(rawPath, out var path, out var pathError))
        {
            await _channel.RefuseAsync(rawPath, 403, pathError, keepAlive, headOnly, v10).ConfigureAwait(false);
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
            await _channel.RefuseAsync(path.Value, status, reason, keepAlive, headOnly, v10).ConfigureAwait(false);
            return keepAlive;
        }

        using var file = opened.File;
        return await _files.SendAsync(request, path, file, keepAlive, headOnly, v10).ConfigureAwait(false);
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
