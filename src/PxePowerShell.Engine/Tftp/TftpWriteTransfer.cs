using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// Receives a file (WRQ) into an <see cref="IBootFileWriter"/>: ACK 0 or OACK, then DATA blocks in order.
/// A duplicate or out-of-order DATA is answered with an ACK of the last block in order and is not written
/// twice. With a window (RFC 7440) an ACK goes out after every window of blocks. The upload is committed
/// when the final (short) block arrives and discarded when the transfer fails. Bytes of a netascii upload
/// are stored as received.
/// </summary>
internal sealed class TftpWriteTransfer : TftpTransfer
{
    private readonly IBootFileWriter _writer;
    private readonly int _blockSize;
    private readonly int _window;
    private long _expected = 1;
    private int _sinceAck;
    private long _bytes;
    private bool _committed;

    /// <summary>Creates a write transfer into <paramref name="writer"/>, which it then owns.</summary>
    public TftpWriteTransfer(IBootFileWriter writer, TftpNegotiatedOptions negotiated, int maxRetries, TimeProvider time)
        : base(negotiated, maxRetries, time)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _blockSize = negotiated.BlockSize;
        _window = negotiated.WindowSize;
    }

    /// <inheritdoc />
    public override long Bytes => _bytes;

    /// <inheritdoc />
    public override void Start(ITftpPacketSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (State != TftpTransferState.Created)
        {
            throw new InvalidOperationException("The transfer has already started.");
        }

        if (Negotiated.SendOptionAck)
        {
            State = TftpTransferState.Negotiating;
            SendOptionAck(sink);
        }
        else
        {
            State = TftpTransferState.Transferring;
            SendAck(sink, 0);
        }

        ArmTimer();
    }

    /// <inheritdoc />
    protected override TftpInputResult OnPacket(TftpOpcode opcode, ReadOnlySpan<byte> datagram, ITftpPacketSink sink)
    {
        if (!TftpPacket.TryParseData(datagram, out ushort block, out var payload))
        {
            return TftpInputResult.Malformed;
        }

        if (payload.Length > _blockSize)
        {
            SendError(sink, TftpErrorCode.IllegalOperation, $"block larger than the negotiated {_blockSize} bytes");
            Fail("the client sent a block larger than the negotiated block size");
            return TftpInputResult.Accepted;
        }

        if (block != (ushort)_expected)
        {
            // A duplicate (our ACK got lost) or a gap in a window: acknowledge what we have, write nothing.
            if (State == TftpTransferState.Transferring)
            {
                SendAck(sink, _expected - 1);
                _sinceAck = 0;
            }

            return TftpInputResult.Ignored;
        }

        State = TftpTransferState.Transferring;
        try
        {
            _writer.Write(payload);
        }
        catch (IOException ex)
        {
            SendError(sink, TftpErrorCode.DiskFull, "cannot write: " + ex.Message);
            Fail("cannot write the upload: " + ex.Message);
            return TftpInputResult.Accepted;
        }

        _bytes += payload.Length;
        _expected++;
        _sinceAck++;
        ResetRetries();
        if (payload.Length < _blockSize)
        {
            try
            {
                _writer.Commit();
                _committed = true;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                SendError(sink, TftpErrorCode.DiskFull, "cannot store the file: " + ex.Message);
                Fail("cannot store the upload: " + ex.Message);
                return TftpInputResult.Accepted;
            }

            SendAck(sink, _expected - 1);
            Complete();
            return TftpInputResult.Accepted;
        }

        if (_sinceAck >= _window)
        {
            SendAck(sink, _expected - 1);
            _sinceAck = 0;
        }

        ArmTimer();
        return TftpInputResult.Accepted;
    }

    /// <inheritdoc />
    protected override void OnTimeout(ITftpPacketSink sink)
    {
        Retransmits++;
        if (State == TftpTransferState.Negotiating)
        {
            SendOptionAck(sink);
        }
        else
        {
            SendAck(sink, _expected - 1);
            _sinceAck = 0;
        }

        ArmTimer();
    }

    private void SendAck(ITftpPacketSink sink, long block)
    {
        int length = TftpPacket.WriteAck(Buffer, (ushort)block);
        sink.Send(Buffer.AsSpan(0, length));
    }

    /// <inheritdoc />
    protected override void OnFailed()
    {
        if (!_committed)
        {
            _writer.Dispose();
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _writer.Dispose();
        }

        base.Dispose(disposing);
    }
}
