using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Text;
using PxePowerShell.Engine.Interop.Linux;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// One UDP socket of a DHCP server: bound to 0.0.0.0:port (so broadcasts arrive) with SO_BROADCAST, tied to
/// one interface with SO_BINDTODEVICE so requests are from that link and replies leave by it. Sockets bound to
/// different devices share a port without SO_REUSEADDR, so it is set only where device binding is unavailable:
/// on Linux a second server on the same interface and port (ours or dnsmasq) is refused instead of silently
/// splitting the traffic. Receives with IP_PKTINFO (ReceiveMessageFrom) and runs one receive loop with reused buffers.
/// </summary>
internal sealed class DhcpListener : IDisposable
{
    /// <summary>Handles a datagram: writes the reply into the buffer and returns its length and destination, or 0.</summary>
    public delegate int Handler(DhcpListener listener, ReadOnlySpan<byte> datagram, IPEndPoint source, Span<byte> reply, out IPEndPoint? destination);

    private readonly Queue<HeldReply> _held = new();
    private UdpDatagramBatch? _spare;
    private bool _disposed;

    private DhcpListener(Socket socket, DhcpInterface iface, bool pxePort)
    {
        Socket = socket;
        Interface = iface;
        PxePort = pxePort;
        LocalEndPoint = new IPEndPoint(iface.Address, ((IPEndPoint)socket.LocalEndPoint!).Port);
    }

    public Socket Socket { get; }

    public DhcpInterface Interface { get; }

    public bool PxePort { get; }

    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Opens the socket; throws <see cref="UnauthorizedAccessException"/> or <see cref="IOException"/> with a clear message.</summary>
    public static DhcpListener Open(DhcpInterface iface, int port, bool pxePort, bool bindToDevice)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (!(bindToDevice && OperatingSystem.IsLinux()))
            {
                socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Broadcast, true);
            socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.PacketInformation, true);
            SetReceiveBuffer(socket, 16 * 1024 * 1024);
            if (bindToDevice && OperatingSystem.IsLinux())
            {
                SocketOptions.BindToDevice(socket, iface.Name);
            }

            socket.Bind(new IPEndPoint(IPAddress.Any, port));
            return new DhcpListener(socket, iface, pxePort);
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw ex.SocketErrorCode switch
            {
                SocketError.AccessDenied => new PxeStartException(
                    PxeErrorIds.PortAccessDenied,
                    PxeErrorCategory.PermissionDenied,
                    $"UDP port {port} on {iface.Name} needs root or CAP_NET_BIND_SERVICE (and CAP_NET_RAW to bind to the interface); use -Port or run elevated.",
                    ex,
                    port),
                SocketError.AddressAlreadyInUse => new PxeStartException(
                    PxeErrorIds.PortInUse,
                    PxeErrorCategory.ResourceExists,
                    $"UDP port {port} is already in use on {iface.Name} (another DHCP server such as dnsmasq?); stop it or use another port.",
                    ex,
                    port),
                _ => new IOException($"Cannot listen on UDP port {port} on {iface.Name}: {ex.Message}", ex),
            };
        }
    }

    /// <summary>
    /// Receives until cancelled or disposed, on the calling thread (a thread of its own per socket, see
    /// <see cref="DhcpListenerGroup"/>); each datagram goes to <paramref name="handler"/> and its reply is sent. The
    /// socket stays blocking and is only ever used synchronously: an awaited receive cost, per datagram once the queue ran
    /// dry (the usual case at a few thousand a second), an epoll wake-up, a thread-pool hop and a worker spinning for more,
    /// together more CPU than parsing and answering it. On Linux one recvmmsg(2) takes every datagram queued (a burst of
    /// DISCOVERs) and one sendmmsg(2) sends the replies decided for them (<see cref="RunBatched"/>); elsewhere a datagram
    /// costs one recvmsg and one sendmsg. A receive timeout lets the loop see the cancellation when no datagram comes.
    /// </summary>
    public void Run(Handler handler, DhcpCounters counters, CancellationToken cancellationToken)
    {
        try
        {
            Socket.ReceiveTimeout = (int)ReceivePoll.TotalMilliseconds;
        }
        catch (ObjectDisposedException)
        {
            return;
        }

        if (OperatingSystem.IsLinux())
        {
            RunBatched(handler, counters, cancellationToken);
        }
        else
        {
            RunPortable(handler, counters, cancellationToken);
        }
    }

    /// <summary>How long a receive waits before the loop looks at its cancellation again.</summary>
    internal static readonly TimeSpan ReceivePoll = TimeSpan.FromMilliseconds(250);

    /// <summary>Datagrams one recvmmsg(2) takes, and replies one sendmmsg(2) sends, at most.</summary>
    internal const int BatchSize = 32;

    /// <summary>The receive buffer of one datagram: longer ones are counted malformed (DHCP's are at most 1,500 bytes).</summary>
    private const int ReceiveSize = 4096;

    private void RunPortable(Handler handler, DhcpCounters counters, CancellationToken cancellationToken)
    {
        var receive = new byte[ReceiveSize];
        var send = new byte[DhcpMessage.MaxMessageSize];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!cancellationToken.IsCancellationRequested)
        {
            EndPoint from = any;
            var flags = SocketFlags.None;
            int n;
            try
            {
                n = Socket.ReceiveMessageFrom(receive, ref flags, ref from, out _);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted)
            {
                continue; // nothing came: look at the cancellation again
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.MessageSize or SocketError.ConnectionReset)
            {
                counters.Received();
                counters.Malformed();
                continue;
            }
            catch (SocketException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException ex) when (ex.SocketErrorCode is SocketError.OperationAborted or SocketError.Shutdown or SocketError.NotSocket)
            {
                break; // closed under the receive (Dispose)
            }

            try
            {
                var source = (IPEndPoint)from;
                int length = handler(this, receive.AsSpan(0, n), source, send, out var destination);
                if (length > 0 && destination is not null)
                {
                    Send(send.AsSpan(0, length), destination, source, counters);
                }
            }
            catch (ObjectDisposedException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// The Linux loop: one recvmmsg(2) per burst, the handler per datagram, then one sendmmsg(2) for the replies it
    /// decided at once (OFFERs, NAKs; an ACK waits for its commit, <see cref="SendAfter"/>). The sender's end point is
    /// made once and reused while datagrams come from the same address and port (a relay, a client's 0.0.0.0:68).
    /// </summary>
    private void RunBatched(Handler handler, DhcpCounters counters, CancellationToken cancellationToken)
    {
        using var received = new UdpDatagramBatch(BatchSize, ReceiveSize);
        using var replies = new UdpDatagramBatch(BatchSize, DhcpMessage.MaxMessageSize);
        IPEndPoint? last = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            int n;
            try
            {
                n = received.Receive(Socket.SafeHandle, out int errno);
                if (n < 0)
                {
                    if (errno is Errno.Eagain or Errno.Eintr)
                    {
                        continue; // nothing came: look at the cancellation again
                    }

                    break; // closed under the receive (Dispose) or a socket that cannot receive any more
                }
            }
            catch (ObjectDisposedException)
            {
                break;
            }

            try
            {
                for (int i = 0; i < n; i++)
                {
                    if (received.Truncated(i))
                    {
                        counters.Received();
                        counters.Malformed();
                        continue;
                    }

                    var source = last is not null && received.CameFrom(i, last) ? last : last = received.Source(i);
                    int length = handler(this, received.Received(i), source, replies.Next, out var destination);
                    if (length > 0 && destination is not null)
                    {
                        replies.Queue(length, Routed(destination, source));
                    }
                }

                if (replies.Queued > 0)
                {
                    counters.SendErrors(replies.Send(Socket.SafeHandle));
                }
            }
            catch (ObjectDisposedException)
            {
                break;
            }
        }
    }

    /// <summary>
    /// Sends a reply once <paramref name="commit"/> completes (the group commit covering its lease), without holding up
    /// the receive loop; a failed commit drops the reply (counted as a send error) and the client retries. The replies
    /// wait in one queue in the order they were decided; the store's commit notice sends every reply whose commit is done
    /// (<see cref="SendCommitted"/>, on its flusher, see <see cref="IGroupCommitLeaseStore.Committed"/>). A reply whose
    /// commit completed before it was queued (its notice may have come already) is sent here.
    /// </summary>
    public void SendAfter(Task commit, ReadOnlySpan<byte> datagram, IPEndPoint destination, IPEndPoint source, DhcpCounters counters)
    {
        byte[] copy = ArrayPool<byte>.Shared.Rent(datagram.Length); // returned once sent or dropped
        datagram.CopyTo(copy);
        var routed = Routed(destination, source);
        lock (_held)
        {
            _held.Enqueue(new HeldReply(commit, copy, datagram.Length, routed, counters));
        }

        if (commit.IsCompleted)
        {
            SendCommitted(); // a commit completes before its notice: the notice may have run before this reply was queued
        }
    }

    /// <summary>Replies held for a commit, oldest first (their commits complete in the same order).</summary>
    internal int HeldReplies
    {
        get
        {
            lock (_held)
            {
                return _held.Count;
            }
        }
    }

    /// <summary>
    /// Sends every held reply whose commit is done, oldest first. On Linux they go out together, <see cref="BatchSize"/>
    /// to a sendmmsg(2): the ACKs one fsync released are one system call, not one each.
    /// </summary>
    public void SendCommitted()
    {
        UdpDatagramBatch? batch = OperatingSystem.IsLinux() ? Interlocked.Exchange(ref _spare, null) ?? new UdpDatagramBatch(BatchSize, DhcpMessage.MaxMessageSize) : null;
        DhcpCounters? queuedFor = null;
        try
        {
            while (true)
            {
                HeldReply held;
                lock (_held)
                {
                    if (!_held.TryPeek(out held) || !held.Commit.IsCompleted)
                    {
                        break;
                    }

                    _held.Dequeue();
                }

                try
                {
                    if (!held.Commit.IsCompletedSuccessfully)
                    {
                        held.Counters.SendError();
                    }
                    else if (batch is null)
                    {
                        Reply(held.Datagram.AsSpan(0, held.Length), held.Destination, held.Destination, held.Counters);
                    }
                    else
                    {
                        if (batch.Queued == batch.Capacity || (queuedFor is not null && !ReferenceEquals(queuedFor, held.Counters)))
                        {
                            queuedFor!.SendErrors(batch.Send(Socket.SafeHandle));
                        }

                        batch.TryQueue(held.Datagram.AsSpan(0, held.Length), held.Destination);
                        queuedFor = held.Counters;
                    }
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(held.Datagram);
                }
            }

            if (batch is { Queued: > 0 })
            {
                queuedFor!.SendErrors(batch.Send(Socket.SafeHandle));
            }
        }
        catch (ObjectDisposedException)
        {
            // stopped meanwhile: the clients retry against the next server
        }
        finally
        {
            if (batch is not null)
            {
                Spare(batch);
            }
        }
    }

    /// <summary>Keeps a send batch for the next commit; frees it once the listener is closed (or when one is kept already).</summary>
    private void Spare(UdpDatagramBatch batch)
    {
        if (Volatile.Read(ref _disposed) || Interlocked.CompareExchange(ref _spare, batch, null) is not null)
        {
            batch.Dispose();
        }
        else if (Volatile.Read(ref _disposed))
        {
            Interlocked.Exchange(ref _spare, null)?.Dispose(); // closed while it was put back
        }
    }

    /// <summary>Sends a reply decided off the receive loop (a worker of <see cref="DhcpWorkQueue"/>, a completed group commit); nothing once the listener is closed.</summary>
    public void Reply(ReadOnlySpan<byte> datagram, IPEndPoint destination, IPEndPoint source, DhcpCounters counters)
    {
        try
        {
            Send(datagram, destination, source, counters);
        }
        catch (ObjectDisposedException)
        {
            // stopped meanwhile: the client retries against the next server
        }
    }

    private void Send(ReadOnlySpan<byte> datagram, IPEndPoint destination, IPEndPoint source, DhcpCounters counters)
    {
        try
        {
            Socket.SendTo(datagram, SocketFlags.None, Routed(destination, source));
        }
        catch (SocketException)
        {
            counters.SendError();
        }
    }

    /// <summary>Where a reply for <paramref name="destination"/> goes from this socket: loopback has no broadcast, so there it goes to the sender (tests and local tools).</summary>
    private IPEndPoint Routed(IPEndPoint destination, IPEndPoint source) =>
        Interface.IsLoopback && destination.Address.Equals(IPAddress.Broadcast)
            ? new IPEndPoint(source.Address.Equals(IPAddress.Any) ? IPAddress.Loopback : source.Address, destination.Port)
            : destination;

    /// <summary>
    /// A deep receive queue absorbs bursts and moments when the process is not scheduled: SO_RCVBUFFORCE
    /// (root/CAP_NET_ADMIN, beyond net.core.rmem_max), else SO_RCVBUF up to the system limit.
    /// </summary>
    internal static void SetReceiveBuffer(Socket socket, int bytes)
    {
        if (OperatingSystem.IsLinux())
        {
            try
            {
                SocketOptions.ForceReceiveBuffer(socket, bytes);
                return;
            }
            catch (SocketException)
            {
                // not privileged: fall through to the capped option
            }
        }

        socket.ReceiveBufferSize = bytes;
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        Socket.Dispose();
        Interlocked.Exchange(ref _spare, null)?.Dispose();
    }

    /// <summary>A reply waiting for its commit: a pooled copy of its <paramref name="Length"/> bytes and where it goes (already routed).</summary>
    private readonly record struct HeldReply(Task Commit, byte[] Datagram, int Length, IPEndPoint Destination, DhcpCounters Counters);
}
