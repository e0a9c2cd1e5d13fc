using System.Buffers;
using PxePowerShell.Engine.Files;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// Sends a file (RRQ): lock-step or windowed (RFC 7440), octet or netascii. Blocks are read positionally
/// from the file when they are sent, so retransmissions need no copy of the window. Block numbers roll over
/// from 65535 to 0; a 64-bit block index is tracked internally. Old and duplicate ACKs are ignored and never
/// cause a retransmission (no Sorcerer's Apprentice); an ACK for a block inside the window slides the window
/// to the block after it and sends from there (the client lost the later ones).
/// </summary>
internal sealed class TftpReadTransfer : TftpTransfer
{
    private readonly IBootFile _file;
    private readonly bool _netAscii;
    private readonly int _blockSize;
    private readonly int _window;

    // Netascii: the translation state at the start of each block still in play, in a ring.
    private readonly long[]? _sourceOffsets;
    private readonly short[]? _pending;
    private byte[]? _scratch;

    // Octet: a read-ahead of the file so a window (or several lock-step blocks) costs one positional read.
    private byte[]? _cache;
    private long _cacheOffset;
    private int _cacheLength;

    // Windowed sends: the window's DATA packets laid out back to back for one batched send.
    private byte[]? _batch;
    private int _batchCapacity;

    private long _acked;          // highest block acknowledged (0 = none)
    private long _next = 1;       // next block to send
    private long _highestSent;    // highest block ever sent
    private long _last;           // index of the final block (long.MaxValue until known)
    private int _lastLength = -1; // payload length of the final block, once known
    private long _sentBytes;      // payload bytes of every block sent at least once (retransmissions not counted)

    /// <summary>Creates a read transfer of <paramref name="file"/>, which it then owns.</summary>
    public TftpReadTransfer(IBootFile file, TftpMode mode, TftpNegotiatedOptions negotiated, int maxRetries, TimeProvider time)
        : base(negotiated, maxRetries, time)
    {
        ArgumentNullException.ThrowIfNull(file);
        _file = file;
        _netAscii = mode == TftpMode.NetAscii;
        _blockSize = negotiated.BlockSize;
        _window = negotiated.WindowSize;
        if (_netAscii)
        {
            int ring = _window + 2;
            _sourceOffsets = new long[ring];
            _pending = new short[ring];
            _pending[1 % ring] = -1;
            _scratch = ArrayPool<byte>.Shared.Rent(_blockSize);
            _last = long.MaxValue;
        }
        else
        {
            long length = file.Length;
            _last = (length / _blockSize) + 1;
            _lastLength = (int)(length % _blockSize);
            int cacheSize = (int)Math.Min(Math.Max(_blockSize, Math.Min((long)_blockSize * Math.Max(_window, 16), 64 * 1024)), Math.Max(length, 1));
            if (cacheSize > _blockSize)
            {
                _cache = ArrayPool<byte>.Shared.Rent(cacheSize);
                _cacheLength = 0;
            }
        }

        int segment = _blockSize + TftpPacket.DataHeaderLength;
        _batchCapacity = Math.Min(_window, Math.Min(MaxSegmentsPerBatch, MaxBatchBytes / segment));
        if (_batchCapacity > 1)
        {
            _batch = ArrayPool<byte>.Shared.Rent(_batchCapacity * segment);
        }
    }

    /// <summary>Most packets handed to the sink in one batch (the kernel's UDP GSO limit is 64).</summary>
    public const int MaxSegmentsPerBatch = 64;

    /// <summary>Most bytes handed to the sink in one batch (one UDP GSO send).</summary>
    public const int MaxBatchBytes = 65000;

    /// <summary>The file's length when known in advance (octet mode), else null.</summary>
    public long? KnownLength => _netAscii ? null : _file.Length;

    /// <summary>
    /// Payload bytes put on the wire so far, each block counted once (retransmissions are not): what an aborted
    /// transfer cost, where <see cref="Bytes"/> counts only what the client acknowledged.
    /// </summary>
    public override long SentBytes => _sentBytes;

    /// <inheritdoc />
    public override long Bytes =>
        _acked <= 0 ? 0 : _acked >= _last ? ((_last - 1) * _blockSize) + _lastLength : _acked * _blockSize;

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
            ArmTimer();
        }
        else
        {
            State = TftpTransferState.Transferring;
            SendWindow(sink);
        }
    }

    /// <inheritdoc />
    protected override TftpInputResult OnPacket(TftpOpcode opcode, ReadOnlySpan<byte> datagram, ITftpPacketSink sink)
    {
        if (!TftpPacket.TryParseAck(datagram, out ushort block))
        {
            return TftpInputResult.Malformed;
        }

        if (State == TftpTransferState.Negotiating)
        {
            if (block != 0)
            {
                return TftpInputResult.Ignored;
            }

            State = TftpTransferState.Transferring;
            ResetRetries();
            SendWindow(sink);
            return TftpInputResult.Accepted;
        }

        if (State != TftpTransferState.Transferring)
        {
            return TftpInputResult.Ignored;
        }

        ushort distance = (ushort)(block - (ushort)_acked);
        long candidate = _acked + distance;
        if (distance == 0 || candidate > _highestSent)
        {
            // A duplicate or an old ACK: never answer it with data.
            return TftpInputResult.Ignored;
        }

        _acked = candidate;
        ResetRetries();
        if (_acked >= _last)
        {
            Complete();
            return TftpInputResult.Accepted;
        }

        // The window slides to the block after the one acknowledged. When the client names a block before
        // the last one sent, it lost the later ones (RFC 7440): send again from there.
        _next = _acked + 1;
        SendWindow(sink);
        return TftpInputResult.Accepted;
    }

    /// <inheritdoc />
    protected override void OnTimeout(ITftpPacketSink sink)
    {
        if (State == TftpTransferState.Negotiating)
        {
            Retransmits++;
            SendOptionAck(sink);
            ArmTimer();
            return;
        }

        _next = _acked + 1;
        SendWindow(sink);
    }

    private void SendWindow(ITftpPacketSink sink)
    {
        long end = _acked + _window;
        if (_batch is not null)
        {
            SendWindowBatched(sink, end);
            return;
        }

        while (_next <= end && _next <= _last)
        {
            int payload = SendBlock(_next, sink);
            if (payload < 0)
            {
                FailShortened(sink);
                return;
            }

            CountSent(_next, payload);
            _next++;
        }

        ArmTimer();
    }

    private void CountSent(long index, int payload)
    {
        if (index > _highestSent)
        {
            _highestSent = index;
            _sentBytes += payload;
        }
        else
        {
            Retransmits++;
        }
    }

    /// <summary>Lays consecutive full blocks out back to back and hands each run to the sink at once.</summary>
    private void SendWindowBatched(ITftpPacketSink sink, long end)
    {
        var batch = _batch!;
        int segment = _blockSize + TftpPacket.DataHeaderLength;
        while (_next <= end && _next <= _last)
        {
            int count = 0;
            int length = 0;
            while (count < _batchCapacity && _next <= end && _next <= _last)
            {
                var packet = batch.AsSpan(length, segment);
                TftpPacket.WriteDataHeader(packet, (ushort)_next);
                int payload = FillBlock(_next, packet[TftpPacket.DataHeaderLength..]);
                if (payload < 0)
                {
                    FailShortened(sink);
                    return;
                }

                CountSent(_next, payload);
                _next++;
                count++;
                length += TftpPacket.DataHeaderLength + payload;
                if (payload < _blockSize)
                {
                    break; // the final block: nothing may follow a short segment
                }
            }

            if (count == 1)
            {
                sink.Send(batch.AsSpan(0, length));
            }
            else
            {
                sink.SendSegments(batch.AsSpan(0, length), segment);
            }
        }

        ArmTimer();
    }

    /// <summary>Sends one DATA block; returns its payload length, or -1 (nothing sent) when the file was cut short.</summary>
    private int SendBlock(long index, ITftpPacketSink sink)
    {
        var buffer = Buffer;
        TftpPacket.WriteDataHeader(buffer, (ushort)index);
        int length = FillBlock(index, buffer.AsSpan(TftpPacket.DataHeaderLength, _blockSize));
        if (length >= 0)
        {
            sink.Send(buffer.AsSpan(0, TftpPacket.DataHeaderLength + length));
        }

        return length;
    }

    /// <summary>
    /// The file (or the image behind it) ended before the length announced at the start: the client must not take the
    /// shorter file for the whole one (a short block would end the transfer "successfully"). ERROR 0 and a failure.
    /// </summary>
    private void FailShortened(ITftpPacketSink sink)
    {
        string error = $"the file got shorter during the transfer: {_file.Length:N0} bytes were announced, it ends at {_shortenedAt:N0}";
        SendError(sink, TftpErrorCode.NotDefined, "the file changed during the transfer");
        Fail(error);
    }

    private long _shortenedAt;

    /// <summary>Fills one block's payload; -1 when an octet file holds less than its length at the start promised.</summary>
    private int FillBlock(long index, Span<byte> payload)
    {
        int length = _netAscii ? ProduceNetAscii(index, payload) : ReadOctet(index, payload);
        if (!_netAscii && length < (index < _last ? _blockSize : _lastLength))
        {
            _shortenedAt = ((index - 1) * _blockSize) + length;
            return -1;
        }

        if (length < _blockSize && index < _last)
        {
            // The file got shorter, or the netascii stream ended here: this is the final block.
            _last = index;
            _lastLength = length;
        }

        return length;
    }

    private int ReadOctet(long index, Span<byte> payload)
    {
        long offset = (index - 1) * _blockSize;
        var cache = _cache;
        if (cache is not null)
        {
            if (offset < _cacheOffset || offset + payload.Length > _cacheOffset + _cacheLength)
            {
                _cacheOffset = offset;
                _cacheLength = ReadFully(offset, cache.AsSpan(0, Math.Max(payload.Length, Math.Min(cache.Length, 64 * 1024))));
            }

            int available = (int)Math.Min(payload.Length, _cacheOffset + _cacheLength - offset);
            if (available <= 0)
            {
                return 0;
            }

            cache.AsSpan((int)(offset - _cacheOffset), available).CopyTo(payload);
            return available;
        }

        return ReadFully(offset, payload);
    }

    private int ReadFully(long offset, Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = _file.Read(offset + total, destination[total..]);
            if (n <= 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>Netascii: LF becomes CR LF, CR becomes CR NUL; a pair may straddle two blocks.</summary>
    private int ProduceNetAscii(long index, Span<byte> payload)
    {
        int ring = _sourceOffsets!.Length;
        int slot = (int)(index % ring);
        long source = _sourceOffsets[slot];
        int pending = _pending![slot];
        int produced = 0;
        if (pending >= 0)
        {
            payload[produced++] = (byte)pending;
            pending = -1;
        }

        var scratch = _scratch!;
        while (produced < payload.Length)
        {
            int want = Math.Min(payload.Length - produced, scratch.Length);
            int n = _file.Read(source, scratch.AsSpan(0, want));
            if (n <= 0)
            {
                break;
            }

            int i = 0;
            for (; i < n && produced < payload.Length; i++)
            {
                byte b = scratch[i];
                if (b == (byte)'\n' || b == (byte)'\r')
                {
                    payload[produced++] = (byte)'\r';
                    byte second = b == (byte)'\n' ? (byte)'\n' : (byte)0;
                    if (produced < payload.Length)
                    {
                        payload[produced++] = second;
                    }
                    else
                    {
                        pending = second;
                    }
                }
                else
                {
                    payload[produced++] = b;
                }
            }

            source += i;
        }

        int nextSlot = (int)((index + 1) % ring);
        _sourceOffsets[nextSlot] = source;
        _pending[nextSlot] = (short)pending;
        return produced;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _file.Dispose();
            var scratch = Interlocked.Exchange(ref _scratch, null);
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            var batch = Interlocked.Exchange(ref _batch, null);
            if (batch is not null)
            {
                ArrayPool<byte>.Shared.Return(batch);
            }

            var cache = Interlocked.Exchange(ref _cache, null);
            if (cache is not null)
            {
                ArrayPool<byte>.Shared.Return(cache);
            }
        }

        base.Dispose(disposing);
    }
}
