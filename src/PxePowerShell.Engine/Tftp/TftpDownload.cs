using System.Globalization;
using System.Net;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// The client side of one TFTP read (RFC 1350, options of RFC 2347/2348/2349/7440), free of I/O: it writes the request,
/// takes each datagram that arrives and says what to send back, and counts silent timeouts. Lock-step unless the server
/// acknowledges a windowsize: an ACK after each full window, and at once an ACK of the last block received in order when
/// a block is missing or repeated. It locks onto the server's first transfer ID and answers another port of the server
/// with ERROR 5 (RFC 1350); datagrams from other hosts are ignored (any host may answer a request sent to broadcast).
/// </summary>
internal sealed class TftpDownload
{
    private readonly IPEndPoint _server;
    private readonly string _file;
    private readonly TftpClientOptions _options;
    private IPEndPoint? _peer;
    private ushort _expected = 1;
    private int _windowSize = 1;
    private int _inWindow;
    private int _silent;
    private TftpErrorCode? _errorCode;
    private string? _errorMessage;

    /// <summary>A download of <paramref name="file"/> from <paramref name="server"/>.</summary>
    public TftpDownload(IPEndPoint server, string file, TftpClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(file);
        _server = server;
        _file = file;
        _options = options ?? new TftpClientOptions();
    }

    /// <summary>Running until it ends; then how it ended.</summary>
    public TftpDownloadStatus Status { get; private set; }

    /// <summary>Where the next packet goes: the server's transfer ID once it answered, else the server port.</summary>
    public IPEndPoint Destination => _peer ?? _server;

    /// <summary>The bytes received in order so far (at most <see cref="TftpClientOptions.MaxBytes"/>).</summary>
    public long Bytes { get; private set; }

    /// <summary>The block size in use.</summary>
    public int BlockSize { get; private set; } = TftpPacket.DefaultBlockSize;

    /// <summary>The size the server announced (tsize), if it did.</summary>
    public long? AnnouncedSize { get; private set; }

    /// <summary>The number of the last block received in order.</summary>
    public ushort LastBlock => (ushort)(_expected - 1);

    /// <summary>The result so far (final once <see cref="Status"/> is not Running).</summary>
    public TftpDownloadResult Result => new(Status, Bytes, BlockSize, AnnouncedSize, _errorCode, _errorMessage);

    /// <summary>Writes the read request into <paramref name="packet"/>; returns its length.</summary>
    public int WriteRequest(Span<byte> packet) => TftpPacket.WriteRequest(packet, TftpOpcode.ReadRequest, _file, "octet", _options.RequestOptions());

    /// <summary>
    /// Takes one datagram from <paramref name="from"/>. Returns the length of the packet written to <paramref name="reply"/>
    /// (0: nothing to send); <paramref name="toSender"/> is true when it goes to <paramref name="from"/> only (ERROR 5 to a
    /// stranger) rather than to <see cref="Destination"/> as the packet to repeat after a timeout. <paramref name="data"/> is
    /// the range of the datagram that holds new file data (empty for none).
    /// </summary>
    public int Receive(ReadOnlySpan<byte> datagram, IPEndPoint from, Span<byte> reply, out bool toSender, out Range data)
    {
        ArgumentNullException.ThrowIfNull(from);
        toSender = false;
        data = default;
        if (Status != TftpDownloadStatus.Running)
        {
            return 0;
        }

        if (_peer is null)
        {
            if (!from.Address.Equals(_server.Address) && !_server.Address.Equals(IPAddress.Broadcast))
            {
                return 0;
            }

            _peer = from;
        }
        else if (!from.Equals(_peer))
        {
            if (!from.Address.Equals(_peer.Address))
            {
                return 0;
            }

            toSender = true; // a second session of the server (a repeated request): tell it to stop
            return TftpPacket.WriteError(reply, TftpErrorCode.UnknownTransferId, "unknown transfer ID");
        }

        if (TftpPacket.TryParseError(datagram, out var code, out var message))
        {
            _errorCode = code;
            _errorMessage = message;
            Status = TftpDownloadStatus.ServerError;
            return 0;
        }

        if (TftpPacket.ReadOpcode(datagram) == TftpOpcode.OptionAck)
        {
            return _expected == 1 && TftpPacket.TryParseOptionAck(datagram, out var acked) ? OptionAck(acked, reply) : 0;
        }

        return TftpPacket.TryParseData(datagram, out ushort block, out var payload) ? Data(block, payload.Length, reply, ref data) : 0;
    }

    /// <summary>
    /// A timeout went by without a packet: true to send the last packet again, false when the download gave up
    /// (<see cref="TftpDownloadStatus.NoAnswer"/> or <see cref="TftpDownloadStatus.Stalled"/>).
    /// </summary>
    public bool TimedOut()
    {
        if (Status != TftpDownloadStatus.Running)
        {
            return false;
        }

        if (++_silent <= _options.Retries)
        {
            return true;
        }

        Status = _peer is null ? TftpDownloadStatus.NoAnswer : TftpDownloadStatus.Stalled;
        return false;
    }

    /// <summary>Ends the download with a socket failure.</summary>
    public void Fail(string message)
    {
        _errorMessage = message;
        Status = TftpDownloadStatus.SocketError;
    }

    private int OptionAck(IReadOnlyList<TftpOption> acked, Span<byte> reply)
    {
        _silent = 0;
        foreach (var option in acked)
        {
            if (option.Is("blksize") && int.TryParse(option.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int blockSize))
            {
                BlockSize = blockSize;
            }
            else if (option.Is("tsize") && long.TryParse(option.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long size))
            {
                AnnouncedSize = size;
            }
            else if (option.Is("windowsize") && int.TryParse(option.Value, NumberStyles.None, CultureInfo.InvariantCulture, out int window) && window > 0)
            {
                _windowSize = window;
            }
        }

        return TftpPacket.WriteAck(reply, 0);
    }

    private int Data(ushort block, int length, Span<byte> reply, ref Range data)
    {
        if (block != _expected)
        {
            _inWindow = 0; // a gap or a repeat: tell the server where to start again
            return TftpPacket.WriteAck(reply, LastBlock);
        }

        _silent = 0;
        int take = (int)Math.Min(length, Math.Max(0, _options.MaxBytes - Bytes));
        data = new Range(4, 4 + take);
        Bytes += take;
        _expected++;
        bool last = length < BlockSize;
        if (!last && Bytes >= _options.MaxBytes)
        {
            Status = TftpDownloadStatus.Capped;
            return TftpPacket.WriteError(reply, TftpErrorCode.NotDefined, "download limit reached");
        }

        if (last)
        {
            Status = AnnouncedSize is { } size && size != Bytes ? TftpDownloadStatus.SizeMismatch : TftpDownloadStatus.Completed;
        }

        if (!last && ++_inWindow < _windowSize)
        {
            return 0;
        }

        _inWindow = 0;
        return TftpPacket.WriteAck(reply, block);
    }
}
