using Microsoft.Extensions.Time.Testing;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Tftp;

public sealed class TftpTransferTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingSink _sink = new();

    private static TftpNegotiatedOptions Options(int blockSize = 512, int window = 1, bool oack = false) =>
        new(blockSize, window, TimeSpan.FromSeconds(1), null, oack ? [new TftpOption("blksize", blockSize.ToString(System.Globalization.CultureInfo.InvariantCulture))] : []);

    private TftpReadTransfer Read(long length, int blockSize = 512, int window = 1, bool oack = false, int retries = 3) =>
        new(new SyntheticFile(length), TftpMode.Octet, Options(blockSize, window, oack), retries, _time);

    [Fact]
    public void Lock_step_sends_blocks_and_a_final_empty_block_when_the_size_is_a_multiple()
    {
        using var t = Read(1024);
        t.Start(_sink);
        Assert.Equal([1], _sink.DataBlocks());
        t.Receive(RecordingSink.Ack(1), _sink);
        t.Receive(RecordingSink.Ack(2), _sink);
        Assert.Equal([1, 2, 3], _sink.DataBlocks());
        Assert.Equal(4, _sink.Packets[^1].Length); // zero-length final DATA
        t.Receive(RecordingSink.Ack(3), _sink);
        Assert.Equal(TftpTransferState.Completed, t.State);
        Assert.Equal(1024, t.Bytes);
    }

    [Fact]
    public void Timeout_retransmits_then_the_retry_limit_fails_the_transfer()
    {
        using var t = Read(2000, retries: 2);
        t.Start(_sink);
        Assert.False(t.CheckTimeout(_sink));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(t.CheckTimeout(_sink));
        Assert.Equal([1, 1], _sink.DataBlocks());
        _time.Advance(TimeSpan.FromSeconds(1));
        t.CheckTimeout(_sink);
        Assert.Equal(2, t.Retransmits);
        _time.Advance(TimeSpan.FromSeconds(1));
        t.CheckTimeout(_sink);
        Assert.Equal(TftpTransferState.Failed, t.State);
        Assert.Contains("timed out", t.Error);
        Assert.Equal(TftpOpcode.Error, TftpPacket.ReadOpcode(_sink.Packets[^1]));
    }

    [Fact]
    public void Duplicate_ack_never_causes_a_resend()
    {
        using var t = Read(5000);
        t.Start(_sink);
        t.Receive(RecordingSink.Ack(1), _sink);
        t.Receive(RecordingSink.Ack(2), _sink);
        _sink.Clear();
        Assert.Equal(TftpInputResult.Ignored, t.Receive(RecordingSink.Ack(2), _sink));
        Assert.Equal(TftpInputResult.Ignored, t.Receive(RecordingSink.Ack(1), _sink));
        Assert.Empty(_sink.Packets);
        Assert.Equal(0, t.Retransmits);
    }

    [Fact]
    public void Window_ack_naming_an_earlier_block_resends_from_there()
    {
        using var t = Read(100_000, window: 4);
        t.Start(_sink);
        Assert.Equal([1, 2, 3, 4], _sink.DataBlocks());
        _sink.Clear();
        t.Receive(RecordingSink.Ack(2), _sink); // lost 3 and 4
        Assert.Equal([3, 4, 5, 6], _sink.DataBlocks());
        Assert.Equal(2, t.Retransmits);
        _sink.Clear();
        t.Receive(RecordingSink.Ack(6), _sink);
        Assert.Equal([7, 8, 9, 10], _sink.DataBlocks());
        _sink.Clear();
        _time.Advance(TimeSpan.FromSeconds(1));
        t.CheckTimeout(_sink);
        Assert.Equal([7, 8, 9, 10], _sink.DataBlocks());
    }

    [Fact]
    public void Oack_then_ack0_starts_data_and_error8_ends_quietly()
    {
        using (var t = Read(100, oack: true))
        {
            t.Start(_sink);
            Assert.Equal(TftpOpcode.OptionAck, TftpPacket.ReadOpcode(_sink.Packets[0]));
            t.Receive(RecordingSink.Ack(0), _sink);
            Assert.Equal([1], _sink.DataBlocks());
        }

        _sink.Clear();
        using var refused = Read(100, oack: true);
        refused.Start(_sink);
        _sink.Clear();
        refused.Receive(RecordingSink.Error(TftpErrorCode.OptionRefused, "no"), _sink);
        Assert.Equal(TftpTransferState.Failed, refused.State);
        Assert.True(refused.EndedByClient);
        Assert.Contains("ERROR 8", refused.Error);
        Assert.Empty(_sink.Packets); // nothing sent back
    }

    [Fact]
    public void Block_numbers_roll_over_past_65535()
    {
        const int blockSize = 8;
        const long blocks = 65536 + 10;
        long length = (blocks * blockSize) + 3;
        var file = new SyntheticFile(length);
        using var t = new TftpReadTransfer(file, TftpMode.Octet, Options(blockSize, 8), 3, _time);
        var received = new byte[length];
        long offset = 0;
        var sink = new DelegateSink(packet =>
        {
            Assert.True(TftpPacket.TryParseData(packet, out ushort block, out var payload));
            long index = (offset / blockSize) + 1;
            if ((ushort)index == block)
            {
                payload.CopyTo(received.AsSpan((int)offset));
                offset += payload.Length;
            }
        });
        t.Start(sink);
        ushort last = 0;
        for (int guard = 0; guard < 100_000 && !t.IsFinished; guard++)
        {
            ushort ack = (ushort)(offset / blockSize);
            if (offset == length)
            {
                ack = (ushort)((length / blockSize) + 1);
            }

            if (ack == last && !t.IsFinished)
            {
                break;
            }

            last = ack;
            t.Receive(RecordingSink.Ack(ack), sink);
        }

        Assert.Equal(TftpTransferState.Completed, t.State);
        Assert.Equal(length, t.Bytes);
        for (long i = 0; i < length; i++)
        {
            if (received[i] != SyntheticFile.ByteAt(i))
            {
                Assert.Fail($"byte {i} differs");
            }
        }
    }

    [Theory]
    [InlineData(8)]
    [InlineData(512)]
    public void Netascii_translates_lf_and_cr_across_block_boundaries(int blockSize)
    {
        byte[] text = "line1\nline2\r\nx\ry\n\n\n\r"u8.ToArray();
        var content = new byte[2000];
        for (int i = 0; i < content.Length; i++)
        {
            content[i] = text[i % text.Length];
        }

        var expected = new List<byte>();
        foreach (byte b in content)
        {
            if (b == '\n')
            {
                expected.Add((byte)'\r');
                expected.Add((byte)'\n');
            }
            else if (b == '\r')
            {
                expected.Add((byte)'\r');
                expected.Add(0);
            }
            else
            {
                expected.Add(b);
            }
        }

        using var t = new TftpReadTransfer(new SyntheticFile(content), TftpMode.NetAscii, Options(blockSize, 4), 3, _time);
        Assert.Null(t.KnownLength);
        var output = new List<byte>();
        ushort expectedBlock = 1;
        var sink = new DelegateSink(packet =>
        {
            Assert.True(TftpPacket.TryParseData(packet, out ushort block, out var payload));
            if (block == expectedBlock)
            {
                output.AddRange(payload.ToArray());
                expectedBlock++;
            }
        });
        t.Start(sink);
        // Lose the window once to force a retransmission through the saved translation state.
        _time.Advance(TimeSpan.FromSeconds(1));
        t.CheckTimeout(sink);
        for (int guard = 0; guard < 10_000 && !t.IsFinished; guard++)
        {
            t.Receive(RecordingSink.Ack((ushort)(expectedBlock - 1)), sink);
        }

        Assert.Equal(TftpTransferState.Completed, t.State);
        Assert.Equal(expected.ToArray(), output.ToArray());
    }

    [Fact]
    public void Write_transfer_acks_writes_once_and_commits()
    {
        var writer = new MemoryWriter();
        using var t = new TftpWriteTransfer(writer, Options(8), 3, _time);
        t.Start(_sink);
        Assert.True(TftpPacket.TryParseAck(_sink.Packets[0], out ushort ack0));
        Assert.Equal(0, ack0);
        t.Receive(Data(1, "12345678"), _sink);
        t.Receive(Data(1, "12345678"), _sink); // duplicate: re-ACK, no second write
        t.Receive(Data(2, "abc"), _sink);
        Assert.Equal(TftpTransferState.Completed, t.State);
        Assert.True(writer.Committed);
        Assert.Equal("12345678abc", System.Text.Encoding.ASCII.GetString(writer.Content.ToArray()));
        Assert.Equal(4, _sink.Packets.Count);
    }

    [Fact]
    public void Write_transfer_failure_discards_the_upload()
    {
        var writer = new MemoryWriter();
        using var t = new TftpWriteTransfer(writer, Options(8), 0, _time);
        t.Start(_sink);
        t.Receive(Data(1, "12345678"), _sink);
        _time.Advance(TimeSpan.FromSeconds(2));
        t.CheckTimeout(_sink);
        Assert.Equal(TftpTransferState.Failed, t.State);
        Assert.False(writer.Committed);
        Assert.True(writer.Disposed);
    }

    [Fact]
    public void Window_is_handed_to_the_sink_as_one_batch_of_segments()
    {
        var sink = new BatchSink();
        using var t = new TftpReadTransfer(new SyntheticFile(30), TftpMode.Octet, Options(8, 4), 3, _time);
        t.Start(sink);
        var batch = Assert.Single(sink.Batches);
        Assert.Equal(12, batch.SegmentSize);
        Assert.Equal((3 * 12) + 10, batch.Bytes.Length);
        Assert.Equal(4, batch.Bytes[39]); // block 4 header sits at offset 36
        Assert.Empty(sink.Singles);
        t.Receive(RecordingSink.Ack(4), sink);
        Assert.Equal(TftpTransferState.Completed, t.State);
        Assert.Equal(30, t.Bytes);
    }

    private sealed class BatchSink : ITftpPacketSink
    {
        public List<(byte[] Bytes, int SegmentSize)> Batches { get; } = [];

        public List<byte[]> Singles { get; } = [];

        public void Send(ReadOnlySpan<byte> packet) => Singles.Add(packet.ToArray());

        public void SendSegments(ReadOnlySpan<byte> packets, int segmentSize) => Batches.Add((packets.ToArray(), segmentSize));
    }

    private static byte[] Data(ushort block, string payload)
    {
        var b = new byte[4 + payload.Length];
        TftpPacket.WriteDataHeader(b, block);
        System.Text.Encoding.ASCII.GetBytes(payload, b.AsSpan(4));
        return b;
    }

    private sealed class DelegateSink(Action<byte[]> onSend) : ITftpPacketSink
    {
        public void Send(ReadOnlySpan<byte> packet) => onSend(packet.ToArray());
    }

    private sealed class MemoryWriter : IBootFileWriter
    {
        public List<byte> Content { get; } = [];

        public bool Committed { get; private set; }

        public bool Disposed { get; private set; }

        public long Length => Content.Count;

        public void Write(ReadOnlySpan<byte> data) => Content.AddRange(data.ToArray());

        public void Commit() => Committed = true;

        public void Dispose() => Disposed = true;
    }
}
