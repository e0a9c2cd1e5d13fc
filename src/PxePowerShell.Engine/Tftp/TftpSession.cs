using System.Buffers;
using System.Net;
using System.Net.Sockets;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// One transfer on the wire: its own ephemeral UDP socket (the server's TID, RFC 1350), a receive loop that
/// feeds the <see cref="TftpTransfer"/> and answers from the same continuation, and the lock that serializes
/// the loop with the shared retransmission timer. A datagram from any other endpoint gets ERROR 5.
/// </summary>
internal sealed class TftpSession : ITftpPacketSink
{
    private readonly TftpServer _server;
    private readonly Socket _socket;
    private readonly SocketAddress _client;
    private readonly object _gate = new();
    private readonly TftpTransfer _transfer;
    private readonly int _receiveSize;
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

    /// <summary>Sends the first packet and starts the receive loop.</summary>
    public void Start()
    {
        lock (_gate)
        {
            _transfer.Start(this);
        }

        Completion = ReceiveLoopAsync();
    }

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

            _transfer.CheckTimeout(this);
            finished = _transfer.IsFinished;
        }

        if (finished)
        {
            Finish();
        }
    }

    /// <summary>Ends the transfer now (server stopping).</summary>
    public void Abort(string reason)
    {
        lock (_gate)
        {
            if (IsFinished)
            {
                return;
            }

            _transfer.Abort(reason, this);
        }

        Finish();
    }

    /// <inheritdoc />
    public void Send(ReadOnlySpan<byte> packet)
    {
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
            // setsockopt(SOL_UDP, UDP_SEGMENT): the kernel splits each send into segmentSize datagrams.
            Span<byte> value = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(value, segmentSize);
            if (!BitConverter.IsLittleEndian)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(value, segmentSize);
            }

            _socket.SetRawSocketOption(SolUdp, UdpSegment, value);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private const int SolUdp = 17;
    private const int UdpSegment = 103;

    private async Task ReceiveLoopAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_receiveSize);
        var from = new SocketAddress(_socket.AddressFamily);
        try
        {
            while (!IsFinished)
            {
                int received;
                try
                {
                    received = await _socket.ReceiveFromAsync(buffer.AsMemory(0, _receiveSize), SocketFlags.None, from).ConfigureAwait(false);
                }
                catch (SocketException ex) when (ex.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
                {
                    continue;
                }

                if (!from.Equals(_client))
                {
                    _server.OnStrangerDatagram(_socket, from);
                    continue;
                }

                TftpInputResult result;
                bool finished;
                lock (_gate)
                {
                    if (IsFinished)
                    {
                        break;
                    }

                    result = _transfer.Receive(buffer.AsSpan(0, received), this);
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
        }
        catch (ObjectDisposedException)
        {
        }
        catch (SocketException)
        {
            // The socket was closed under the receive (stop or finish).
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (!IsFinished)
            {
                lock (_gate)
                {
                    _transfer.Abort("the transfer socket failed", null);
                }

                Finish();
            }
        }
    }

    private void Finish()
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            return;
        }

        _socket.Dispose();
        _server.OnSessionFinished(this);
        lock (_gate)
        {
            _transfer.Dispose();
        }
    }
}
