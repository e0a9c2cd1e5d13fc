using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Interop.Linux;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// One transfer on the wire: its own ephemeral UDP socket (the server's TID, RFC 1350), fed by an
/// <see cref="ITftpDatagramReceiver"/> that hands each datagram to the <see cref="TftpTransfer"/> and answers
/// from the same thread, and the lock that serializes that with the shared retransmission timer. A datagram
/// from any other endpoint gets ERROR 5.
/// </summary>
internal sealed class TftpSession : ITftpPacketSink
{
    private readonly TftpServer _server;
    private readonly Socket _socket;
    private readonly SocketAddress _client;
    private readonly object _gate = new();
    private readonly TftpTransfer _transfer;
    private readonly int _receiveSize;
    private ITftpDatagramReceiver? _receiver;
    private int _finished;
    private int _segmentSize; // UDP GSO segment size set on the socket; -1 when GSO is unavailable

    public TftpSession(TftpServer server, Socket socket, IPEndPoint client, TftpTransfer transfer, string path, bool isRead)
    {
        _server = server;
        _socket = socket;
        _client = client.Serialize();
        ClientEndPoint = client;
        _transfer = transfer;
        Path = path;
        IsRead = isRead;
        // Reads only receive ACKs and ERRORs; writes receive whole blocks.
        _receiveSize = isRead ? 2048 : transfer.Negotiated.BlockSize + TftpPacket.DataHeaderLength + 1;
    }

    public IPEndPoint ClientEndPoint { get; }

    public string Path { get; }

    public bool IsRead { get; }

    public TftpTransfer Transfer => _transfer;

    public bool IsFinished => Volatile.Read(ref _finished) != 0;

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>The socket's receive size: reads only get ACKs and ERRORs, writes get whole blocks.</summary>
    public int ReceiveSize => _receiveSize;

    /// <summary>The transfer socket (the server's TID).</summary>
    public Socket Socket => _socket;

    /// <summary>The client's address in the platform's native socket-address form.</summary>
    public SocketAddress ClientAddress => _client;

    /// <summary>Receiver bookkeeping (the Linux loop's registration token); 0 when not registered.</summary>
    public ulong ReceiverToken { get; set; }

    /// <summary>Sends the first packet and hands the socket to <paramref name="receiver"/>.</summary>
    public void Start(ITftpDatagramReceiver receiver)
    {
        _receiver = receiver;
        bool finished;
        lock (_gate)
        {
            Guarded(static (t, sink) => t.Start(sink));
            finished = _transfer.IsFinished;
        }

        Completion = receiver.Attach(this);
        if (finished)
        {
            Finish(); // failed at once (the file could not be read): no ACK will ever come
        }
    }

    /// <summary>
    /// Runs one step of the transfer; an exception from it (a read error of the file or the image behind it) fails
    /// this transfer with ERROR 0 to the client, and never reaches the receiver or the timer that serve the others.
    /// </summary>
    private void Guarded(Action<TftpTransfer, ITftpPacketSink> step)
    {
        try
        {
            step(_transfer, this);
        }
        catch (Exception ex) when (IsStepFailure(ex))
        {
            _transfer.Abort($"server error: {ex.Message}", this);
        }
    }

    /// <summary>What a file or image read may throw: it ends one transfer, never the loop.</summary>
    private static bool IsStepFailure(Exception ex) =>
        ex is not ObjectDisposedException && (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or NotSupportedException);

    /// <summary>Called by the shared timer: retransmits or fails when the deadline has passed.</summary>
    public void OnTick(long now)
    {
        if (IsFinished || now < _transfer.Deadline)
        {
            return;
        }

        bool finished;
        lock (_gate)
        {
            if (IsFinished)
            {
                return;
            }

            Guarded(static (t, sink) => t.CheckTimeout(sink));
            finished = _transfer.IsFinished;
        }

        if (finished)
        {
            Finish();
        }
    }

    /// <summary>Ends the transfer now (server stopping), telling the client with ERROR 0.</summary>
    public void Abort(string reason) => End(reason, tellClient: true);

    /// <summary>
    /// Ends the transfer now without a word to the client: it abandoned the transfer and sent a new request from the same
    /// port, which an ERROR from this transfer's port would disturb (tftp-hpa follows every packet's source port).
    /// </summary>
    public void Abandon(string reason) => End(reason, tellClient: false);

    private void End(string reason, bool tellClient)
    {
        lock (_gate)
        {
            if (IsFinished)
            {
                return;
            }

            _transfer.Abort(reason, tellClient ? this : null);
        }

        Finish();
    }

    /// <inheritdoc />
    public void Send(ReadOnlySpan<byte> packet)
    {
        if (_receiver is { } receiver && receiver.TryQueueSend(this, packet))
        {
            return; // goes out with the receiver's next batch
        }

        try
        {
            _socket.SendTo(packet, SocketFlags.None, _client);
        }
        catch (SocketException)
        {
            // A lost packet: the retransmission timer covers it.
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Sends a run of equal-size datagrams with one UDP GSO send where the kernel supports it.</summary>
    public void SendSegments(ReadOnlySpan<byte> packets, int segmentSize)
    {
        if (_segmentSize != segmentSize && _segmentSize != -1)
        {
            _segmentSize = TrySetSegmentSize(segmentSize) ? segmentSize : -1;
        }

        if (_segmentSize == segmentSize)
        {
            try
            {
                _socket.SendTo(packets, SocketFlags.None, _client);
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.WouldBlock)
            {
                // The send buffer is full (non-blocking socket): a lost window, the retransmission covers it.
                return;
            }
            catch (SocketException)
            {
                // The kernel refused the batch (no GSO on this path): send one by one from now on.
                _segmentSize = -1;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
        }

        for (int offset = 0; offset < packets.Length; offset += segmentSize)
        {
            Send(packets.Slice(offset, Math.Min(segmentSize, packets.Length - offset)));
        }
    }

    private bool TrySetSegmentSize(int segmentSize)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            SocketOptions.UdpSegmentSize(_socket, segmentSize); // the kernel splits each send into segmentSize datagrams
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// Handles one datagram that arrived on the transfer socket (called by the receiver, one at a time per
    /// session): a stranger gets ERROR 5, the client's datagram goes to the transfer under the session lock
    /// and the answer is sent from the calling thread.
    /// </summary>
    public void OnDatagram(ReadOnlySpan<byte> datagram, SocketAddress from)
    {
        if (!from.Equals(_client))
        {
            _server.OnStrangerDatagram(_socket, from, datagram.Length);
            return;
        }

        TftpInputResult result;
        bool finished;
        lock (_gate)
        {
            if (IsFinished)
            {
                return;
            }

            try
            {
                result = _transfer.Receive(datagram, this);
            }
            catch (Exception ex) when (IsStepFailure(ex))
            {
                // A read error of the file (or the image behind it): this transfer fails with ERROR 0, nothing else does.
                _transfer.Abort($"server error: {ex.Message}", this);
                result = TftpInputResult.Accepted;
            }

            finished = _transfer.IsFinished;
        }

        if (result == TftpInputResult.Malformed)
        {
            _server.OnMalformed();
        }

        if (finished)
        {
            Finish();
        }
    }

    /// <summary>The receiver can no longer read this session's socket: the transfer fails (no-op once finished).</summary>
    public void OnReceiveFailed()
    {
        if (IsFinished)
        {
            return;
        }

        lock (_gate)
        {
            _transfer.Abort("the transfer socket failed", null);
        }

        Finish();
    }

    private void Finish()
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }

        if (_receiver?.Detach(this) != true)
        {
            _socket.Dispose();
        }
        _server.OnSessionFinished(this);
        lock (_gate)
        {
            _transfer.Dispose();
        }
    }
}
