using System.Text;
using FsCheck;
using FsCheck.Xunit;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Tftp;

public sealed class TftpPacketTests
{
    [Fact]
    public void Parses_rfc2347_example_request_with_options()
    {
        // RFC 2347 section "Example": RRQ "foobar" octet blksize 1432 tsize 0 (upper-case names are the same option).
        byte[] raw = [0, 1, .. "foobar\0octet\0BLKSIZE\01432\0tsize\00\0"u8];
        Assert.True(TftpPacket.TryParseRequest(raw, out var request, out var error), error);
        Assert.Equal(TftpOpcode.ReadRequest, request.Opcode);
        Assert.Equal("foobar", request.FileName);
        Assert.Equal(TftpMode.Octet, request.Mode);
        Assert.Equal("1432", request.GetOption("blksize"));
        Assert.Equal("0", request.GetOption("TSIZE"));
    }

    [Fact]
    public void Request_round_trips()
    {
        var buffer = new byte[600];
        int n = TftpPacket.WriteRequest(buffer, TftpOpcode.WriteRequest, "boot/x.efi", "NetASCII", [new("windowsize", "16")]);
        Assert.True(TftpPacket.TryParseRequest(buffer.AsSpan(0, n), out var request, out _));
        Assert.False(request.IsRead);
        Assert.Equal("boot/x.efi", request.FileName);
        Assert.Equal(TftpMode.NetAscii, request.Mode);
        Assert.Equal("16", request.GetOption("WindowSize"));
    }

    [Fact]
    public void Data_ack_error_oack_round_trip()
    {
        var buffer = new byte[600];
        TftpPacket.WriteDataHeader(buffer, 65535);
        "abc"u8.CopyTo(buffer.AsSpan(4));
        Assert.True(TftpPacket.TryParseData(buffer.AsSpan(0, 7), out ushort block, out var payload));
        Assert.Equal(65535, block);
        Assert.Equal("abc", Encoding.ASCII.GetString(payload));

        int n = TftpPacket.WriteAck(buffer, 7);
        Assert.Equal(new byte[] { 0, 4, 0, 7 }, buffer[..n]);
        Assert.True(TftpPacket.TryParseAck(buffer.AsSpan(0, n), out block));
        Assert.Equal(7, block);

        n = TftpPacket.WriteError(buffer, TftpErrorCode.FileNotFound, "file not found: x");
        Assert.True(TftpPacket.TryParseError(buffer.AsSpan(0, n), out var code, out string message));
        Assert.Equal(TftpErrorCode.FileNotFound, code);
        Assert.Equal("file not found: x", message);
        Assert.Equal(0, buffer[n - 1]);

        n = TftpPacket.WriteOptionAck(buffer, [new("blksize", "1468"), new("tsize", "123")]);
        Assert.Equal("\0\u0006blksize\01468\0tsize\0123\0", Encoding.ASCII.GetString(buffer, 0, n));
        Assert.True(TftpPacket.TryParseOptionAck(buffer.AsSpan(0, n), out var options));
        Assert.Equal(2, options.Count);
        Assert.True(options[0].Is("BLKSIZE"));
    }

    [Fact]
    public void Long_error_message_is_cut_to_fit()
    {
        var buffer = new byte[32];
        int n = TftpPacket.WriteError(buffer, TftpErrorCode.NotDefined, new string('é', 100));
        Assert.True(n <= 32);
        Assert.True(TftpPacket.TryParseError(buffer.AsSpan(0, n), out _, out string message));
        Assert.All(message, c => Assert.Equal('é', c));
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 0, 1 })]
    [InlineData(new byte[] { 0, 1, (byte)'a' })]                         // name not terminated
    [InlineData(new byte[] { 0, 1, 0, (byte)'o', 0 })]                   // empty name
    [InlineData(new byte[] { 0, 1, (byte)'a', 0, (byte)'o' })]           // mode not terminated
    [InlineData(new byte[] { 0, 1, (byte)'a', 0, (byte)'x', 0 })]        // unknown mode
    [InlineData(new byte[] { 0, 1, (byte)'a', 0, (byte)'o', (byte)'c', (byte)'t', (byte)'e', (byte)'t', 0, (byte)'b', 0, (byte)'1' })] // value not terminated
    [InlineData(new byte[] { 0, 3, 0, 1 })]                              // DATA is not a request
    [InlineData(new byte[] { 0, 9, (byte)'a', 0, (byte)'o', 0 })]        // unknown opcode
    public void Malformed_requests_are_refused_without_throwing(byte[] raw)
    {
        Assert.False(TftpPacket.TryParseRequest(raw, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData(new byte[] { 0, 4, 0 })]
    [InlineData(new byte[] { 0, 3, 0 })]
    [InlineData(new byte[] { 0, 5, 0 })]
    [InlineData(new byte[] { 0, 6, (byte)'a' })]
    public void Truncated_packets_are_refused(byte[] raw)
    {
        Assert.False(TftpPacket.TryParseAck(raw, out _) && raw.Length >= 4);
        Assert.False(raw[1] == 3 && TftpPacket.TryParseData(raw, out _, out _));
        Assert.False(raw[1] == 5 && TftpPacket.TryParseError(raw, out _, out _));
        Assert.False(raw[1] == 6 && TftpPacket.TryParseOptionAck(raw, out _));
    }

    [Property(MaxTest = 500)]
    public void Random_bytes_never_throw(byte[] raw)
    {
        raw ??= [];
        TftpPacket.ReadOpcode(raw);
        TftpPacket.TryParseRequest(raw, out _, out _);
        TftpPacket.TryParseData(raw, out _, out _);
        TftpPacket.TryParseAck(raw, out _);
        TftpPacket.TryParseError(raw, out _, out _);
        TftpPacket.TryParseOptionAck(raw, out _);
    }
}
