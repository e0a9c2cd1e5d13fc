using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Services;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// A TFTP server (RFC 1350 with RFC 2347/2348/2349/7440 options) over a <see cref="BootNamespace"/>.
/// One socket listens on the well-known port; each transfer runs on its own ephemeral socket bound to the
/// address the request arrived on. No thread per client: on Linux a few io_uring (or epoll) I/O threads read
/// every transfer socket and answer on the spot (elsewhere, async receive loops), pooled buffers and one shared
/// retransmission timer.
/// </summary>
/// <remarks>
/// Paths go through <see cref="BootPath.TryParse"/> and the namespace's sources. A symbolic link inside the
/// root that points inside the root is served; one that points outside it (or is broken) is refused with
/// ERROR 2 "access violation", like every other attempt to climb out of the root.
/// </remarks>
public sealed class TftpServer : PxeServiceBase
{
    private readonly TftpCounters _counters = new();
    private readonly TftpInterfaceMtu _mtu;
    private readonly TftpRequestTable<TftpSession> _requests;
    private Socket? _listener;
    private TftpRetransmitTimer? _timer;
    private ITftpDatagramReceiver? _receiver;
    private Task _listenLoop = Task.CompletedTask;
    private IReadOnlyList<IPEndPoint> _endPoints;

    /// <summary>Creates a server; <see cref="PxeServiceBase.StartAsync"/> binds it.</summary>
    public TftpServer(string name, TftpServerOptions options, BootNamespace files, EventHub? events = null, TimeProvider? timeProvider = null)
        : base(name, "Tftp", events, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(files);
        options.Validate();
        Options = options;
        Files = files;
        _mtu = new TftpInterfaceMtu(Time);
        _requests = new TftpRequestTable<TftpSession>(Time);
        _endPoints = [new IPEndPoint(options.Address, options.Port)];
    }

    /// <summary>The options the server runs with.</summary>
    public TftpServerOptions Options { get; }

    /// <summary>The files served.</summary>
    public BootNamespace Files { get; }

    /// <inheritdoc />
    public override IReadOnlyList<IPEndPoint> EndPoints => _endPoints;

    /// <summary>A snapshot of the counters.</summary>
    public TftpStatistics Statistics
    {
        get
        {
            long activeSent = 0, activeReceived = 0, activeRetransmits = 0;
            if (_timer is { } timer)
            {
                foreach (var session in timer.Snapshot())
                {
                    if (session.IsRead)
                    {
                        activeSent += session.Transfer.SentBytes;
                    }
                    else
                    {
                        activeReceived += session.Transfer.Bytes;
                    }

                    activeRetransmits += session.Transfer.Retransmits;
                }
            }

            return new TftpStatistics
            {
                Server = Name,
                ActiveSessions = Volatile.Read(ref _counters.ActiveSessions),
                TotalSessions = Interlocked.Read(ref _counters.TotalSessions),
                CompletedTransfers = Interlocked.Read(ref _counters.CompletedTransfers),
                FailedTransfers = Interlocked.Read(ref _counters.FailedTransfers),
                BytesSent = Interlocked.Read(ref _counters.BytesSent) + activeSent,
                BytesReceived = Interlocked.Read(ref _counters.BytesReceived) + activeReceived,
                Retransmits = Interlocked.Read(ref _counters.Retransmits) + activeRetransmits,
                MalformedDatagrams = Interlocked.Read(ref _counters.MalformedDatagrams),
                DuplicateRequests = Interlocked.Read(ref _counters.DuplicateRequests),
                RefusedRequests = Interlocked.Read(ref _counters.RefusedRequests),
                SessionLimitRejections = Interlocked.Read(ref _counters.SessionLimitRejections),
            };
        }
    }

    /// <inheritdoc />
    public override TftpStatistics GetStatistics() => Statistics;

    /// <inheritdoc />
    protected override Task OnStartAsync(CancellationToken cancellationToken)
    {
        var listener = new Socket(Options.Address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (Options.Address.AddressFamily == AddressFamily.InterNetworkV6)
            {
                // "::" is every address of both families, as HTTP on "::" is (IPV6_V6ONLY off); a specific IPv6
                // address stays IPv6 only.
                listener.DualMode = Options.Address.Equals(IPAddress.IPv6Any);
                listener.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.PacketInformation, true);
            }
            else
            {
                listener.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
            }

            listener.ReceiveBufferSize = 1 << 20;
            listener.Bind(new IPEndPoint(Options.Address, Options.Port));
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        _listener = listener;
        _endPoints = [(IPEndPoint)listener.LocalEndPoint!];
        var period = TimeSpan.FromTicks(Math.Clamp(Options.Timeout.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromMilliseconds(250).Ticks));
        _timer = new TftpRetransmitTimer(Time, period);
        _receiver = TftpDatagramReceiverFactory.Create(Options.ReceiveMode, Options.IoThreads);
        _listenLoop = Task.Run(() => SuperviseListenLoopAsync(listener));
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    protected override async Task OnStopAsync()
    {
        _listener?.Dispose();
        try
        {
            await _listenLoop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or SocketException or OperationCanceledException)
        {
        }

        if (_timer is { } timer)
        {
            timer.Dispose();
            var sessions = timer.Snapshot();
            foreach (var session in sessions)
            {
                session.Abort("server stopping");
            }

            foreach (var session in sessions)
            {
                try
                {
                    await session.Completion.ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is ObjectDisposedException or SocketException)
                {
                }
            }
        }

        if (_receiver is { } receiver)
        {
            await receiver.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>How transfer sockets are read ("io_uring", "epoll" or "async"); null before start (tests).</summary>
    internal ITftpDatagramReceiver? Receiver => _receiver;

    /// <summary>The running sessions (tests).</summary>
    internal TftpSession[] Sessions() => _timer?.Snapshot() ?? [];

    private async Task ListenLoopAsync(Socket listener)
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(Options.Address.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0);
        while (!Lifetime.IsCancellationRequested)
        {
            SocketReceiveMessageFromResult received;
            try
            {
                received = await listener.ReceiveMessageFromAsync(buffer, SocketFlags.None, any, Lifetime).ConfigureAwait(false);
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                continue;
            }
            catch (Exception ex) when (ex is ObjectDisposedException or OperationCanceledException)
            {
                return;
            }
            catch (SocketException) when (Lifetime.IsCancellationRequested)
            {
                return;
            }

            await ServeAsync(listener, buffer.AsMemory(0, received.ReceivedBytes), (IPEndPoint)received.RemoteEndPoint, received.PacketInformation).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Handles one request. Its trouble (no ephemeral port left, an unreadable file, a source that throws) must not stop
    /// the server: that request is refused, the next one is read.
    /// </summary>
    private async ValueTask ServeAsync(Socket listener, ReadOnlyMemory<byte> datagram, IPEndPoint client, IPPacketInformation packetInfo)
    {
        try
        {
            await HandleRequestAsync(listener, datagram, client, packetInfo).ConfigureAwait(false);
        }
        catch (Exception ex) when (!Lifetime.IsCancellationRequested)
        {
            Refuse(listener, client, null, TftpErrorCode.NotDefined, "server error: " + ex.Message, datagram.Length);
        }
    }

    /// <summary>
    /// Runs the listen loop; should it ever end other than by the stop (it is not meant to), the server faults visibly
    /// (State Faulted, FaultException, a ServerStopped event with the error) instead of staying "Running" deaf.
    /// </summary>
    private async Task SuperviseListenLoopAsync(Socket listener)
    {
        try
        {
            await ListenLoopAsync(listener).ConfigureAwait(false);
        }
        catch (Exception ex) when (!Lifetime.IsCancellationRequested)
        {
            Fault(new InvalidOperationException($"the TFTP listen loop failed: {ex.Message}", ex));
            return;
        }
        catch (Exception) when (Lifetime.IsCancellationRequested)
        {
            return;
        }

        if (!Lifetime.IsCancellationRequested)
        {
            Fault(new InvalidOperationException("the TFTP listen loop ended while the server was running"));
        }
    }

    private async ValueTask HandleRequestAsync(Socket listener, ReadOnlyMemory<byte> datagram, IPEndPoint client, IPPacketInformation packetInfo)
    {
        if (client.Address.IsIPv4MappedToIPv6)
        {
            // An IPv4 client of the dual-stack "::" listener: its transfer runs on a plain IPv4 socket.
            client = new IPEndPoint(client.Address.MapToIPv4(), client.Port);
        }

        if (!TftpPacket.TryParseRequest(datagram.Span, out var request, out _))
        {
            OnMalformed();
            return;
        }

        // One transfer per client end point: a repeat of its request is held, not answered; a different request means
        // the client abandoned the old transfer (see TftpRequestTable).
        switch (_requests.Admit(client, datagram.Span, packetInfo, out var abandoned))
        {
            case TftpRequestVerdict.Repeated:
                Interlocked.Increment(ref _counters.DuplicateRequests);
                return;
            case TftpRequestVerdict.Replaces:
                abandoned!.Abandon("the client sent a new request from the same port");
                break;
        }

        if (request.Mode == TftpMode.Mail)
        {
            Refuse(listener, client, request.FileName, TftpErrorCode.IllegalOperation, "mail mode is not supported", datagram.Length);
            return;
        }

        if (!BootPath.TryParse(request.FileName, out var path, out string? reason))
        {
            Refuse(listener, client, request.FileName, TftpErrorCode.AccessViolation, $"access violation: {reason}", datagram.Length);
            return;
        }

        if (!request.IsRead && !Options.AllowWrite)
        {
            Refuse(listener, client, path.Value, TftpErrorCode.AccessViolation, "read-only server: writes are not allowed (access violation)", datagram.Length);
            return;
        }

        int active = Volatile.Read(ref _counters.ActiveSessions);
        if (active >= Options.MaxSessions)
        {
            Interlocked.Increment(ref _counters.SessionLimitRejections);
            Refuse(listener, client, path.Value, TftpErrorCode.NotDefined, $"server busy: {active} sessions", datagram.Length);
            return;
        }

        IPAddress local = Options.Address;
        if (client.AddressFamily == AddressFamily.InterNetwork && local.AddressFamily == AddressFamily.InterNetworkV6)
        {
            local = IPAddress.Any;
        }

        int? mtu = null;
        if (packetInfo.Address is { } received)
        {
            var destination = received.IsIPv4MappedToIPv6 ? received.MapToIPv4() : received;
            if (local.Equals(IPAddress.Any) || local.Equals(IPAddress.IPv6Any))
            {
                local = IsUnicast(destination) ? destination : local;
                if (local.IsIPv6LinkLocal && local.ScopeId == 0 && packetInfo.Interface > 0)
                {
                    // A link-local address binds only with its interface: the request's (else EADDRNOTAVAIL).
                    local = new IPAddress(local.GetAddressBytes(), packetInfo.Interface);
                }
            }

            mtu = _mtu.Lookup(destination, packetInfo.Interface);
        }

        TftpTransfer transfer;
        long? announcedSize;
        if (request.IsRead)
        {
            var context = new BootRequestContext("tftp", client) { Server = IsUnicast(local) && !local.Equals(IPAddress.Any) && !local.Equals(IPAddress.IPv6Any) ? local : null };
            var opened = await Files.OpenAsync(path, context, Lifetime).ConfigureAwait(false);
            if (opened.Status != BootFileStatus.Ok || opened.File is null)
            {
                RefuseOpen(listener, client, path, opened.Status, opened.Reason, datagram.Length);
                return;
            }

            long? size = request.Mode == TftpMode.Octet ? opened.File.Length : null;
            var negotiated = TftpOptionNegotiator.Negotiate(request, Options, size, mtu);
            transfer = new TftpReadTransfer(opened.File, request.Mode, negotiated, Options.MaxRetries, Time);
            announcedSize = size;
        }
        else
        {
            var created = Files.Create(path, Options.AllowOverwrite);
            if (created.Status != BootFileStatus.Ok || created.Writer is null)
            {
                RefuseOpen(listener, client, path, created.Status, created.Reason, datagram.Length);
                return;
            }

            var negotiated = TftpOptionNegotiator.Negotiate(request, Options, null, mtu);
            transfer = new TftpWriteTransfer(created.Writer, negotiated, Options.MaxRetries, Time);
            announcedSize = negotiated.TransferSize;
        }

        Socket socket;
        try
        {
            socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
        catch
        {
            transfer.Dispose();
            throw;
        }

        var session = new TftpSession(this, socket, client, transfer, path.Value, request.IsRead);
        Interlocked.Increment(ref _counters.ActiveSessions);
        Interlocked.Increment(ref _counters.TotalSessions);
        _timer!.Add(session);
        _requests.Add(client, datagram.Span, session, transfer);
        Publish(new PxeEvent
        {
            Kind = PxeEventKind.TransferStarted,
            Time = Time.GetUtcNow(),
            Server = Name,
            Protocol = PxeProtocol.Tftp,
            ClientEndPoint = client,
            ClientAddress = client.Address,
            Path = path.Value,
            Bytes = announcedSize,
            BlockSize = transfer.Negotiated.BlockSize,
            WindowSize = transfer.Negotiated.WindowSize,
            Reason = request.IsRead ? "read" : "write",
        });

        if (Lifetime.IsCancellationRequested)
        {
            session.Abort("server stopping");
            return;
        }

        session.Start(_receiver!);
    }

    private static bool IsUnicast(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return !address.IsIPv6Multicast;
        }

        Span<byte> bytes = stackalloc byte[4];
        address.TryWriteBytes(bytes, out _);
        return bytes[0] < 224 && !(bytes[0] == 255 && bytes[1] == 255 && bytes[2] == 255 && bytes[3] == 255);
    }

    private void RefuseOpen(Socket listener, IPEndPoint client, BootPath path, BootFileStatus status, string? reason, int requestLength)
    {
        string name = path.IsRoot ? "/" : path.Value;
        switch (status)
        {
            case BootFileStatus.NotFound:
                Refuse(listener, client, name, TftpErrorCode.FileNotFound, $"file not found: {name}", requestLength);
                break;
            case BootFileStatus.IsDirectory:
                Refuse(listener, client, name, TftpErrorCode.FileNotFound, $"is a directory, not a file: {name}", requestLength);
                break;
            case BootFileStatus.AlreadyExists:
                Refuse(listener, client, name, TftpErrorCode.FileAlreadyExists, $"file already exists: {name} (overwriting is not allowed)", requestLength);
                break;
            default:
                Refuse(listener, client, name, TftpErrorCode.AccessViolation, $"access violation: {reason ?? "access denied"}", requestLength);
                break;
        }
    }

    /// <summary>
    /// Refuses a request: ERROR to the client (cut to the request's length, see <see cref="SendError"/>) and a
    /// RequestRefused event with the whole message.
    /// </summary>
    private void Refuse(Socket listener, IPEndPoint client, string? path, TftpErrorCode code, string message, int requestLength)
    {
        Interlocked.Increment(ref _counters.RefusedRequests);
        SendError(listener, client, code, message, requestLength);
        Publish(new PxeEvent
        {
            Kind = PxeEventKind.RequestRefused,
            Time = Time.GetUtcNow(),
            Server = Name,
            Protocol = PxeProtocol.Tftp,
            ClientEndPoint = client,
            ClientAddress = client.Address,
            Path = path,
            Error = message,
        });
    }

    /// <summary>
    /// Sends an ERROR no longer than <paramref name="limit"/>, the length of the datagram it answers: a source that has
    /// not shown it receives at its address never gets more bytes back than it sent (no reflection amplification, see
    /// docs/robustness.md). The message is cut to fit (the code carries the meaning); a datagram shorter than an empty
    /// ERROR (5 bytes) gets the empty ERROR, the least RFC 1350 allows.
    /// </summary>
    private static void SendError(Socket socket, EndPoint to, TftpErrorCode code, string message, int limit)
    {
        Span<byte> packet = stackalloc byte[512];
        int length = TftpPacket.WriteError(packet[..Math.Clamp(limit, MinimumErrorLength, packet.Length)], code, message);
        try
        {
            socket.SendTo(packet[..length], SocketFlags.None, to);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Opcode, error code and the message's NUL: the shortest ERROR.</summary>
    private const int MinimumErrorLength = 5;

    /// <summary>
    /// A datagram from another endpoint reached a transfer socket: ERROR 5 (RFC 1350 asks for one), no longer than the
    /// datagram — or the empty 5-byte ERROR to a shorter one (a stray 4-byte ACK).
    /// </summary>
    internal void OnStrangerDatagram(Socket transferSocket, SocketAddress from, int datagramLength)
    {
        Span<byte> packet = stackalloc byte[64];
        int length = TftpPacket.WriteError(packet[..Math.Clamp(datagramLength, MinimumErrorLength, packet.Length)], TftpErrorCode.UnknownTransferId, "unknown transfer ID");
        try
        {
            transferSocket.SendTo(packet[..length], SocketFlags.None, from);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    internal void OnMalformed() => Interlocked.Increment(ref _counters.MalformedDatagrams);

    internal void OnSessionFinished(TftpSession session)
    {
        _timer?.Remove(session);
        var transfer = session.Transfer;
        Interlocked.Decrement(ref _counters.ActiveSessions);
        Interlocked.Add(ref session.IsRead ? ref _counters.BytesSent : ref _counters.BytesReceived, transfer.SentBytes);
        Interlocked.Add(ref _counters.Retransmits, transfer.Retransmits);
        var duration = Time.GetElapsedTime(transfer.StartTimestamp);
        bool completed = transfer.State == TftpTransferState.Completed;
        Interlocked.Increment(ref completed ? ref _counters.CompletedTransfers : ref _counters.FailedTransfers);
        Publish(new PxeEvent
        {
            Kind = completed ? PxeEventKind.TransferCompleted : PxeEventKind.TransferFailed,
            Time = Time.GetUtcNow(),
            Server = Name,
            Protocol = PxeProtocol.Tftp,
            ClientEndPoint = session.ClientEndPoint,
            ClientAddress = session.ClientEndPoint.Address,
            Path = session.Path,
            Bytes = transfer.Bytes,
            Duration = duration,
            BlockSize = transfer.Negotiated.BlockSize,
            WindowSize = transfer.Negotiated.WindowSize,
            Retransmits = transfer.Retransmits,
            Error = completed ? null : transfer.Error ?? "the transfer ended early",
        });

        if (_requests.Remove(session.ClientEndPoint, session) is { } held)
        {
            ServeHeld(session.ClientEndPoint, held);
        }
    }

    /// <summary>
    /// A request repeated while its end point's transfer ran, which then ended by the client's ERROR (a PXE ROM's size
    /// probe whose new request was read before the ERROR): served now, off the receiver's thread, as the listen loop
    /// would have served it had it been read after the ERROR.
    /// </summary>
    private void ServeHeld(IPEndPoint client, TftpHeldRequest held)
    {
        if (_listener is not { } listener || Lifetime.IsCancellationRequested)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await ServeAsync(listener, held.Datagram, client, held.PacketInformation).ConfigureAwait(false);
            }
            catch (Exception) when (Lifetime.IsCancellationRequested)
            {
                // stopping: the client retries against the next server
            }
        });
    }
}
