using System.Net;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>The client side of a TFTP read without sockets: datagrams in, the packet to send out.</summary>
public sealed class TftpDownloadTests
{
    private static readonly IPEndPoint Server = new(IPAddress.Parse("192.0.2.1"), 69);
    private static readonly IPEndPoint Tid = new(IPAddress.Parse("192.0.2.1"), 40000);

    [Fact]
    public void The_request_carries_the_asked_options()
    {
        var download = new TftpDownload(Server, "pxelinux.0", new TftpClientOptions { BlockSize = 1468, AskSize = true, WindowSize = 8 });
        var packet = new byte[512];
        int n = download.WriteRequest(packet);
        Assert.True(TftpPacket.TryParseRequest(packet.AsSpan(0, n), out var request, out _));
        Assert.Equal("pxelinux.0", request!.FileName);
        Assert.Equal(["blksize=1468", "tsize=0", "windowsize=8"], request.Options.Select(o => $"{o.Name}={o.Value}"));
        Assert.Equal(Server, download.Destination);
    }

    [Fact]
    public void Lock_step_acks_every_block_and_completes_on_the_short_one()
    {
        var download = new TftpDownload(Server, "f");
        Assert.Equal(1, AckOf(download, Data(1, 512), Tid, out var range));
        Assert.Equal(new Range(4, 516), range);
        Assert.Equal(Tid, download.Destination);
        Assert.Equal(2, AckOf(download, Data(2, 10), Tid, out _));
        Assert.Equal(TftpDownloadStatus.Completed, download.Status);
        Assert.Equal(522, download.Result.Bytes);
    }

    [Fact]
    public void An_option_ack_sets_block_size_size_and_window_and_is_answered_with_ack_0()
    {
        var download = new TftpDownload(Server, "f", new TftpClientOptions { BlockSize = 1000, AskSize = true, WindowSize = 2 });
        Assert.Equal(0, AckOf(download, OptionAck(("blksize", "1000"), ("tsize", "2500"), ("windowsize", "2")), Tid, out _));
        Assert.Equal(1000, download.BlockSize);
        Assert.Equal(2500, download.AnnouncedSize);
        Assert.Equal(-1, AckOf(download, Data(1, 1000), Tid, out _)); // first of a window of two: no ACK yet
        Assert.Equal(2, AckOf(download, Data(2, 1000), Tid, out _));
        Assert.Equal(-1, AckOf(download, OptionAck(("blksize", "1000")), Tid, out _)); // a late OACK is ignored
        Assert.Equal(3, AckOf(download, Data(3, 500), Tid, out _));
        Assert.Equal(TftpDownloadStatus.Completed, download.Status);
    }

    [Fact]
    public void A_gap_or_a_repeat_is_answered_with_the_last_block_received_in_order()
    {
        var download = new TftpDownload(Server, "f", new TftpClientOptions { WindowSize = 4 });
        AckOf(download, OptionAck(("windowsize", "4")), Tid, out _);
        Assert.Equal(-1, AckOf(download, Data(1, 512), Tid, out _));
        Assert.Equal(1, AckOf(download, Data(3, 512), Tid, out var skipped));
        Assert.Equal(default, skipped);
        Assert.Equal(1, AckOf(download, Data(1, 512), Tid, out _));
        Assert.Equal(512, download.Bytes);
    }

    [Fact]
    public void A_size_other_than_the_announced_one_ends_in_SizeMismatch()
    {
        var download = new TftpDownload(Server, "f", new TftpClientOptions { AskSize = true });
        AckOf(download, OptionAck(("tsize", "100")), Tid, out _);
        Assert.Equal(1, AckOf(download, Data(1, 99), Tid, out _));
        Assert.Equal(TftpDownloadStatus.SizeMismatch, download.Status);
    }

    [Fact]
    public void The_cap_stops_with_an_error_to_the_server_and_keeps_only_the_bytes_under_it()
    {
        var download = new TftpDownload(Server, "f", new TftpClientOptions { MaxBytes = 700 });
        AckOf(download, Data(1, 512), Tid, out _);
        var reply = new byte[600];
        int n = download.Receive(Data(2, 512), Tid, reply, out bool toSender, out var range);
        Assert.False(toSender);
        Assert.Equal(new Range(4, 4 + 188), range);
        Assert.True(TftpPacket.TryParseError(reply.AsSpan(0, n), out var code, out _));
        Assert.Equal(TftpErrorCode.NotDefined, code);
        Assert.Equal(TftpDownloadStatus.Capped, download.Status);
        Assert.Equal(700, download.Bytes);
    }

    [Fact]
    public void A_server_error_ends_the_download_with_its_code_and_message()
    {
        var download = new TftpDownload(Server, "f");
        var error = new byte[100];
        int n = TftpPacket.WriteError(error, TftpErrorCode.FileNotFound, "no such file");
        Assert.Equal(0, download.Receive(error.AsSpan(0, n), Tid, new byte[600], out _, out _));
        Assert.Equal(TftpDownloadStatus.ServerError, download.Status);
        Assert.Equal(TftpErrorCode.FileNotFound, download.Result.ErrorCode);
        Assert.Equal("no such file", download.Result.ErrorMessage);
    }

    [Fact]
    public void Another_port_of_the_server_gets_error_5_and_other_hosts_are_ignored()
    {
        var download = new TftpDownload(Server, "f");
        AckOf(download, Data(1, 512), Tid, out _);
        var reply = new byte[600];
        int n = download.Receive(Data(1, 512), new IPEndPoint(Server.Address, 40001), reply, out bool toSender, out _);
        Assert.True(toSender);
        Assert.True(TftpPacket.TryParseError(reply.AsSpan(0, n), out var code, out _));
        Assert.Equal(TftpErrorCode.UnknownTransferId, code);
        Assert.Equal(0, download.Receive(Data(2, 10), new IPEndPoint(IPAddress.Parse("192.0.2.99"), 40000), reply, out _, out _));
        Assert.Equal(TftpDownloadStatus.Running, download.Status);
        Assert.Equal(Tid, download.Destination);
    }

    [Fact]
    public void Any_host_may_answer_a_request_sent_to_broadcast()
    {
        var download = new TftpDownload(new IPEndPoint(IPAddress.Broadcast, 69), "f");
        var from = new IPEndPoint(IPAddress.Parse("198.51.100.7"), 50000);
        Assert.Equal(1, AckOf(download, Data(1, 3), from, out _));
        Assert.Equal(from, download.Destination);
    }

    [Fact]
    public void Silence_is_retried_then_ends_in_NoAnswer_before_any_reply_and_Stalled_after()
    {
        var quiet = new TftpDownload(Server, "f", new TftpClientOptions { Retries = 2 });
        Assert.True(quiet.TimedOut());
        Assert.True(quiet.TimedOut());
        Assert.False(quiet.TimedOut());
        Assert.Equal(TftpDownloadStatus.NoAnswer, quiet.Status);

        var stalled = new TftpDownload(Server, "f", new TftpClientOptions { Retries = 1 });
        Assert.True(stalled.TimedOut());
        AckOf(stalled, Data(1, 512), Tid, out _); // progress resets the count
        Assert.True(stalled.TimedOut());
        Assert.False(stalled.TimedOut());
        Assert.Equal(TftpDownloadStatus.Stalled, stalled.Status);
    }

    private static byte[] Data(ushort block, int length)
    {
        var packet = new byte[4 + length];
        TftpPacket.WriteDataHeader(packet, block);
        return packet;
    }

    private static byte[] OptionAck(params (string Name, string Value)[] options)
    {
        var packet = new byte[512];
        int n = TftpPacket.WriteOptionAck(packet, options.Select(o => new TftpOption(o.Name, o.Value)).ToArray());
        return packet[..n];
    }

    /// <summary>The block the download acknowledges for <paramref name="datagram"/>, or -1 for no ACK.</summary>
    private static int AckOf(TftpDownload download, byte[] datagram, IPEndPoint from, out Range data)
    {
        var reply = new byte[600];
        int n = download.Receive(datagram, from, reply, out bool toSender, out data);
        Assert.False(toSender);
        return n > 0 && TftpPacket.TryParseAck(reply.AsSpan(0, n), out ushort block) ? block : -1;
    }
}
