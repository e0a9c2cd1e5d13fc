using System.Buffers;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// One transfer as a pure state machine: datagrams and clock ticks in, packets (through an
/// <see cref="ITftpPacketSink"/>), a retransmission deadline and an outcome out. No sockets; the clock is
/// injected. Not thread-safe: the caller serializes <see cref="Receive"/>, <see cref="CheckTimeout"/> and <see cref="Abort"/>.
/// </summary>
internal abstract class TftpTransfer : IDisposable
{
    private readonly long _timeoutTicks;
    private byte[]? _buffer;

    /// <summary>Creates the common part of a transfer.</summary>
    protected TftpTransfer(TftpNegotiatedOptions negotiated, int maxRetries, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(negotiated);
        ArgumentNullException.ThrowIfNull(time);
        Negotiated = negotiated;
        MaxRetries = maxRetries;
        Time = time;
        _timeoutTicks = Math.Max(1, (long)(negotiated.Timeout.TotalSeconds * time.TimestampFrequency));
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(negotiated.BlockSize + TftpPacket.DataHeaderLength, 1024));
        StartTimestamp = time.GetTimestamp();
    }

    /// <summary>The negotiated block size, window size and timeout.</summary>
    public TftpNegotiatedOptions Negotiated { get; }

    /// <summary>Retransmissions allowed before the transfer fails.</summary>
    public int MaxRetries { get; }

    /// <summary>Where the transfer is.</summary>
    public TftpTransferState State { get; protected set; }

    /// <summary>True once completed or failed.</summary>
    public bool IsFinished => State is TftpTransferState.Completed or TftpTransferState.Failed;

    /// <summary>The timestamp (<see cref="TimeProvider.GetTimestamp"/>) at which the transfer times out; <see cref="long.MaxValue"/> when finished.</summary>
    public long Deadline { get; private set; } = long.MaxValue;

    /// <summary>Why the transfer failed.</summary>
    public string? Error { get; private set; }

    /// <summary>True when the client ended the transfer with an ERROR packet (no error is sent back).</summary>
    public bool EndedByClient { get; private set; }

    /// <summary>Payload bytes delivered (acknowledged for reads, received for writes).</summary>
    public abstract long Bytes { get; }

    /// <summary>
    /// Payload bytes that crossed the wire, each block once: for a read what was sent, acknowledged or not (an aborted
    /// transfer still cost them), for a write what was received (<see cref="Bytes"/>).
    /// </summary>
    public virtual long SentBytes => Bytes;

    /// <summary>Packets sent again (timeouts and window rewinds).</summary>
    public int Retransmits { get; protected set; }

    /// <summary>Consecutive timeouts without progress.</summary>
    public int Retries { get; private set; }

    /// <summary>
    /// Steps the client moved the transfer on (an ACK that took the OACK or advanced the window, a new DATA block):
    /// a repeated request held while the transfer runs is served only if this has not changed.
    /// </summary>
    public long Progress { get; private set; }

    /// <summary>When the transfer was created (timestamp).</summary>
    public long StartTimestamp { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider Time { get; }

    /// <summary>The packet scratch buffer: at least 4 + block size bytes (and at least 1024).</summary>
    protected byte[] Buffer => _buffer ?? throw new ObjectDisposedException(GetType().Name);

    /// <summary>Sends the first packet (OACK, first DATA window, or ACK 0).</summary>
    public abstract void Start(ITftpPacketSink sink);

    /// <summary>Feeds one datagram from the peer.</summary>
    public TftpInputResult Receive(ReadOnlySpan<byte> datagram, ITftpPacketSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (IsFinished)
        {
            return TftpInputResult.Ignored;
        }

        var opcode = TftpPacket.ReadOpcode(datagram);
        if (opcode == TftpOpcode.Error)
        {
            if (!TftpPacket.TryParseError(datagram, out var code, out string message))
            {
                return TftpInputResult.Malformed;
            }

            EndedByClient = true;
            Fail(code == TftpErrorCode.OptionRefused && State == TftpTransferState.Negotiating
                ? $"the client refused the options (ERROR 8{(message.Length > 0 ? ": " + message : string.Empty)})"
                : $"the client sent ERROR {(int)code}: {message}");
            return TftpInputResult.Accepted;
        }

        return OnPacket(opcode, datagram, sink);
    }

    /// <summary>Retransmits or fails when the deadline has passed; returns true when it did something.</summary>
    public bool CheckTimeout(ITftpPacketSink sink)
    {
        ArgumentNullException.ThrowIfNull(sink);
        if (IsFinished || Time.GetTimestamp() < Deadline)
        {
            return false;
        }

        if (Retries >= MaxRetries)
        {
            SendError(sink, TftpErrorCode.NotDefined, "timed out");
            Fail($"timed out after {Retries} retransmissions");
            return true;
        }

        Retries++;
        OnTimeout(sink);
        return true;
    }

    /// <summary>Ends the transfer now, telling the client why with ERROR 0 when <paramref name="sink"/> is given.</summary>
    public void Abort(string reason, ITftpPacketSink? sink)
    {
        if (IsFinished)
        {
            return;
        }

        if (sink is not null)
        {
            SendError(sink, TftpErrorCode.NotDefined, reason);
        }

        Fail(reason);
    }

    /// <summary>Handles a non-ERROR packet.</summary>
    protected abstract TftpInputResult OnPacket(TftpOpcode opcode, ReadOnlySpan<byte> datagram, ITftpPacketSink sink);

    /// <summary>Sends again what is unacknowledged.</summary>
    protected abstract void OnTimeout(ITftpPacketSink sink);

    /// <summary>Called once when the transfer fails (release resources, discard uploads).</summary>
    protected virtual void OnFailed()
    {
    }

    /// <summary>Arms the retransmission timer from now.</summary>
    protected void ArmTimer() => Deadline = Time.GetTimestamp() + _timeoutTicks;

    /// <summary>Progress was made: the retry count starts again (and <see cref="Progress"/> counts the step).</summary>
    protected void ResetRetries()
    {
        Retries = 0;
        Progress++;
    }

    /// <summary>Marks the transfer completed.</summary>
    protected void Complete()
    {
        State = TftpTransferState.Completed;
        Deadline = long.MaxValue;
    }

    /// <summary>Marks the transfer failed.</summary>
    protected void Fail(string error)
    {
        if (IsFinished)
        {
            return;
        }

        Error = error;
        State = TftpTransferState.Failed;
        Deadline = long.MaxValue;
        OnFailed();
    }

    /// <summary>Sends an OACK with the negotiated options.</summary>
    protected void SendOptionAck(ITftpPacketSink sink)
    {
        int length = TftpPacket.WriteOptionAck(Buffer, Negotiated.Acknowledged);
        sink.Send(Buffer.AsSpan(0, length));
    }

    /// <summary>Sends an ERROR packet.</summary>
    protected void SendError(ITftpPacketSink sink, TftpErrorCode code, string message)
    {
        var buffer = Buffer;
        int length = TftpPacket.WriteError(buffer.AsSpan(0, Math.Min(buffer.Length, 512)), code, message);
        sink.Send(buffer.AsSpan(0, length));
    }

    /// <summary>Releases the buffer (and, in derived types, the file or upload).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
        var buffer = Interlocked.Exchange(ref _buffer, null);
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
