using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Interop.Linux;
using PxePowerShell.Engine.Services;

namespace PxePowerShell.Engine.Http;

/// <summary>
/// An HTTP/1.1 boot server over a <see cref="BootNamespace"/> (the same files TFTP serves): GET and HEAD,
/// single and multiple byte ranges, conditional requests, keep-alive and pipelining. Bodies are sent from
/// pooled buffers (a sendfile mode exists and measured slower; docs/http.md). Built on raw sockets: one accept loop and one async loop per connection, no
/// thread per client. Every path goes through <see cref="BootPath.TryParse"/> after one percent-decoding.
/// </summary>
public sealed class HttpBootServer : PxeServiceBase
{
    private readonly HttpConnectionTable _table = new();
    private readonly ConcurrentDictionary<Task, byte> _rejections = new();
    private Socket? _listener;
    private Task? _acceptLoop;
    private IPEndPoint[] _endPoints;
    private readonly object _loadGate = new();
    private int _open;
    private int _closingForLoad;
    private string _date = string.Empty;
    private long _dateSecond = -1;

    /// <summary>Creates a server; <see cref="PxeServiceBase.StartAsync"/> binds it.</summary>
    /// <param name="name">Unique name in the session.</param>
    /// <param name="options">Address, port and limits.</param>
    /// <param name="files">What to serve.</param>
    /// <param name="events">Where to publish events (a new hub when null).</param>
    /// <param name="timeProvider">The clock (system clock when null).</param>
    public HttpBootServer(string name, HttpBootServerOptions options, BootNamespace files, EventHub? events = null, TimeProvider? timeProvider = null)
        : base(name, "Http", events, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(options.Address);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Port, 0, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.Port, 65535, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConnections, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxConnectionsPerAddress, 0, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxHeaderBytes, 1024, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxHeaderBytes, 1024 * 1024, nameof(options));
        if (options.HeaderTimeout <= TimeSpan.Zero || options.KeepAliveTimeout <= TimeSpan.Zero || options.KeepAliveTimeoutUnderLoad <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "HeaderTimeout, KeepAliveTimeout and KeepAliveTimeoutUnderLoad must be positive.");
        }

        Options = options;
        Files = files;
        _endPoints = [new IPEndPoint(options.Address, options.Port)];
    }

    /// <summary>The settings it was created with.</summary>
    public HttpBootServerOptions Options { get; }

    /// <summary>The files it serves.</summary>
    public BootNamespace Files { get; }

    /// <summary>Live counters.</summary>
    public HttpStatistics Statistics { get; } = new();

    /// <summary>
    /// The URL of the namespace root: http://address:port/ with the bound port once started. When bound to
    /// a wildcard address (0.0.0.0 or ::) the loopback address is used, since the wildcard cannot be dialled;
    /// clients elsewhere use one of the host's own addresses.
    /// </summary>
    public Uri BaseUri
    {
        get
        {
            var endPoint = _endPoints[0];
            var address = endPoint.Address;
            if (address.Equals(IPAddress.Any))
            {
                address = IPAddress.Loopback;
            }
            else if (address.Equals(IPAddress.IPv6Any))
            {
                address = IPAddress.IPv6Loopback;
            }

            string host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            return new Uri($"http://{host}:{endPoint.Port}/");
        }
    }

    /// <inheritdoc />
    public override IReadOnlyList<IPEndPoint> EndPoints => _endPoints;

    /// <summary>
    /// How file bodies are sent. Copy (pooled 256 KiB reads + send) is the default because it measured faster
    /// than .NET's sendfile path (Socket.SendPacketsAsync with file elements) on Linux: see docs/benchmarks.md.
    /// </summary>
    internal HttpBodySendMode BodySendMode { get; set; } = HttpBodySendMode.Copy;

    internal TimeProvider Clock => Time;

    internal CancellationToken LifetimeToken => Lifetime;

    /// <summary>Connections open now (accepted and not yet closed).</summary>
    internal int OpenConnections => Volatile.Read(ref _open);

    /// <summary>
    /// Whether an idle keep-alive connection should close now because more than half of
    /// <see cref="HttpBootServerOptions.MaxConnections"/> are open, counting those already closing for that reason, so
    /// that idle connections are trimmed to half the cap and no further.
    /// </summary>
    internal bool ClaimCloseForLoad()
    {
        lock (_loadGate)
        {
            if (Volatile.Read(ref _open) - _closingForLoad <= Options.MaxConnections / 2)
            {
                return false;
            }

            _closingForLoad++;
            return true;
        }
    }

    /// <summary>Returns <see cref="Statistics"/>.</summary>
    public override HttpStatistics GetStatistics() => Statistics;

    /// <inheritdoc />
    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(Options.Address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // SO_REUSEADDR alone lets a restarted server bind while old connections linger in TIME_WAIT, and Linux still
                // refuses a port someone listens on. Not .NET's ReuseAddress option: on Unix that also sets SO_REUSEPORT, which
                // lets a second server listen on the same port and take half the clients.
                SocketOptions.ReuseAddress(socket);
            }

            if (Options.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(new IPEndPoint(Options.Address, Options.Port));
            socket.Listen(Math.Clamp(Options.MaxConnections, 128, 4096));
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        _listener = socket;
        _endPoints = [(IPEndPoint)socket.LocalEndPoint!];
        _acceptLoop = Task.Run(GuardedAcceptLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task OnStopAsync()
    {
        _listener?.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        var open = _table.Connections.ToArray();
        foreach (var connection in open)
        {
            connection.Abort();
        }

        await Task.WhenAll(open.Select(c => c.Completion)).ConfigureAwait(false);
        await Task.WhenAll(_rejections.Keys.ToArray()).ConfigureAwait(false);
    }

    /// <summary>The accept loop; should it ever end on an error it does not expect, the server faults visibly (State, FaultException, an event) instead of going deaf.</summary>
    private async Task GuardedAcceptLoopAsync()
    {
        try
        {
            await AcceptLoopAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Any error that ends the loop faults the server, whatever its type.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Fault(ex);
        }
    }

    private async Task AcceptLoopAsync()
    {
        var listener = _listener!;
        while (!Lifetime.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptAsync(Lifetime).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.ConnectionAborted or SocketError.Interrupted)
            {
                continue;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TooManyOpenSockets or SocketError.NoBufferSpaceAvailable)
            {
                // Out of descriptors: back off briefly instead of spinning.
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(100), Time, Lifetime).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }
            catch (SocketException ex)
            {
                Fault(ex);
                return;
            }

            client.NoDelay = true;
            IPEndPoint? remote = null;
            try
            {
                remote = client.RemoteEndPoint as IPEndPoint;
            }
            catch (SocketException)
            {
            }

            var address = HttpConnectionTable.KeyOf(remote);
            if (!_table.TryReserve(address, Options.MaxConnectionsPerAddress))
            {
                Reject(client, remote, $"503 Service Unavailable: more than {Options.MaxConnectionsPerAddress} connections from {address}");
                continue;
            }

            if (Interlocked.Increment(ref _open) > Options.MaxConnections && !EvictIdlest())
            {
                Interlocked.Decrement(ref _open);
                _table.Release(address);
                Reject(client, remote, $"503 Service Unavailable: more than {Options.MaxConnections} connections, all busy");
                continue;
            }

            Statistics.ConnectionOpened();
            var connection = new HttpConnection(this, client);
            _table.Add(connection);
            _ = RunConnectionAsync(connection, address);
        }
    }

    /// <summary>Closes the connection that has waited for a request the longest to make room for a new one; false when all are busy.</summary>
    private bool EvictIdlest()
    {
        var idlest = _table.Idlest();
        if (idlest is null || !idlest.Evict())
        {
            return false;
        }

        Statistics.ConnectionEvicted();
        return true;
    }

    private void Reject(Socket client, IPEndPoint? remote, string reason)
    {
        Statistics.ConnectionRejected();
        var rejection = RejectAsync(client, remote, reason);
        _rejections.TryAdd(rejection, 0);
        _ = rejection.ContinueWith(t => _rejections.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RunConnectionAsync(HttpConnection connection, IPAddress? address)
    {
        try
        {
            await Task.Yield();
            await connection.RunAsync().ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A bug in one connection must not take the server down; it is reported.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Report(PxeEventKind.TransferFailed, null, null, null, null, "internal error: " + ex);
        }
        finally
        {
            _table.Remove(connection);
            _table.Release(address);
            lock (_loadGate)
            {
                Interlocked.Decrement(ref _open);
                if (connection.ClosedForLoad)
                {
                    _closingForLoad--;
                }
            }

            Statistics.ConnectionClosed();
        }
    }

    /// <summary>Answers a connection past a cap with 503 and closes it (after briefly draining what it sent).</summary>
    private async Task RejectAsync(Socket client, IPEndPoint? remote, string reason)
    {
        try
        {
            Report(PxeEventKind.RequestRefused, remote, null, null, null, reason);
            string body = "503 Service Unavailable: too many connections\n";
            byte[] response = Encoding.ASCII.GetBytes(
                $"HTTP/1.1 503 Service Unavailable\r\nServer: PxePowerShell\r\nDate: {CurrentDate()}\r\nRetry-After: 1\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\n\r\n{body}");
            Statistics.ResponseSent(503);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Lifetime);
            timeout.CancelAfter(TimeSpan.FromSeconds(1));
            await client.SendAsync(response, SocketFlags.None, timeout.Token).ConfigureAwait(false);
            Statistics.Sent(response.Length);
            client.Shutdown(SocketShutdown.Send);
            byte[] scratch = new byte[1024];
            while (await client.ReceiveAsync(scratch, SocketFlags.None, timeout.Token).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            client.Dispose();
        }
    }

    /// <summary>The current time as an HTTP-date, formatted at most once a second.</summary>
    internal string CurrentDate()
    {
        var now = Time.GetUtcNow();
        long second = now.ToUnixTimeSeconds();
        if (Volatile.Read(ref _dateSecond) != second)
        {
            Volatile.Write(ref _date, HttpDate.Format(now));
            Volatile.Write(ref _dateSecond, second);
        }

        return Volatile.Read(ref _date);
    }

    /// <summary>Publishes a transfer or refusal event.</summary>
    internal void Report(PxeEventKind kind, IPEndPoint? client, string? path, long? bytes, TimeSpan? duration, string? error) =>
        Publish(new PxeEvent
        {
            Kind = kind,
            Time = Time.GetUtcNow(),
            Server = Name,
            Protocol = PxeProtocol.Http,
            ClientEndPoint = client,
            ClientAddress = client?.Address,
            Path = path,
            Bytes = bytes,
            Duration = duration,
            Error = error,
        });
}
