using System.Diagnostics;
using System.Net;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>
/// One transfer per client end point on a running server: a duplicated request is not a second transfer, a PXE ROM's size
/// probe (OACK, ERROR, the same request again from the same port) gets its file at once whichever socket is read first.
/// </summary>
public sealed class TftpDuplicateRequestTests
{
    /// <summary>The server's retransmission timeout: a recovery that waited for a timeout would take this long at least.</summary>
    private static readonly TimeSpan ServerTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Well under a PXE ROM's first request retry (4 s) and the server's timeout.</summary>
    private const int Prompt = 1000;

    private static byte[] Request(string file, params TftpOption[] options)
    {
        var buffer = new byte[512];
        int n = TftpPacket.WriteRequest(buffer, TftpOpcode.ReadRequest, file, "octet", options);
        return buffer[..n];
    }

    private static Task<TftpTestServer> StartAsync() => TftpTestServer.StartAsync(new TftpServerOptions { Timeout = ServerTimeout });

    /// <summary>
    /// Finishes a lock-step read whose first packet (<paramref name="first"/>: OACK or DATA 1) came from
    /// <paramref name="transfer"/>; every later packet must come from there too. Returns the file.
    /// </summary>
    private static async Task<byte[]> FinishAsync(TftpRawClient client, byte[] first, IPEndPoint transfer)
    {
        using var file = new MemoryStream();
        byte[] packet = first;
        if (TftpPacket.ReadOpcode(packet) == TftpOpcode.OptionAck)
        {
            client.Send(transfer, RecordingSink.Ack(0));
            (packet, var from) = await client.ReceiveAsync();
            Assert.Equal(transfer, from);
        }

        while (true)
        {
            Assert.True(TftpPacket.TryParseData(packet, out ushort block, out var payload), $"expected DATA, got opcode {TftpPacket.ReadOpcode(packet)}");
            Assert.Equal((ushort)((file.Length / 512) + 1), block);
            file.Write(payload);
            client.Send(transfer, RecordingSink.Ack(block));
            if (payload.Length < 512)
            {
                return file.ToArray();
            }

            (packet, var from) = await client.ReceiveAsync();
            Assert.True(transfer.Equals(from), $"a packet from {from}, not from the transfer's {transfer}: a second transfer");
        }
    }

    /// <summary>The listen socket is read in order: the answer to a later request shows every earlier one was handled.</summary>
    private static async Task DrainListenerAsync(TftpTestServer server)
    {
        using var marker = new TftpRawClient();
        marker.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "no-such-file");
        var (answer, _) = await marker.ReceiveAsync();
        Assert.True(TftpPacket.TryParseError(answer, out var code, out _));
        Assert.Equal(TftpErrorCode.FileNotFound, code);
    }

    private static async Task<(byte[] Datagram, IPEndPoint From)> ReceivePromptlyAsync(TftpRawClient client, TftpTestServer server, string what)
    {
        try
        {
            return await client.ReceiveAsync(Prompt);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"no answer within {Prompt} ms to {what}; stats: {server.Server.Statistics}");
        }
    }

    [Fact]
    public async Task A_duplicated_request_is_one_transfer_and_is_counted()
    {
        await using var server = await StartAsync();
        string source = server.WriteFile("dup.bin", 100_000);
        using var client = new TftpRawClient();
        var request = Request("dup.bin");

        client.Send(server.EndPoint, request);
        client.Send(server.EndPoint, request); // the network's copy

        var (first, from) = await client.ReceiveAsync();
        Assert.Equal(File.ReadAllBytes(source), await FinishAsync(client, first, from));
        await server.WaitForAsync(PxeEventKind.TransferCompleted);
        await DrainListenerAsync(server);
        var stats = server.Server.Statistics;
        Assert.Equal(1, stats.TotalSessions);
        Assert.Equal(1, stats.CompletedTransfers);
        Assert.Equal(0, stats.FailedTransfers);
        Assert.Equal(1, stats.DuplicateRequests);
    }

    /// <summary>The probe's second request is read (and held) before its ERROR: served as soon as the ERROR ends the probe.</summary>
    [Fact]
    public async Task Size_probe_whose_second_request_is_read_before_its_error_gets_the_file_at_once()
    {
        await using var server = await StartAsync();
        string source = server.WriteFile("pxelinux.0", 40_000);
        using var client = new TftpRawClient();
        var request = Request("pxelinux.0", new TftpOption("tsize", "0"));
        client.Send(server.EndPoint, request);
        var (oack, probe) = await client.ReceiveAsync();
        Assert.True(TftpPacket.TryParseOptionAck(oack, out var options));
        Assert.Contains(options, o => o.Is("tsize") && o.Value == "40000");

        client.Send(server.EndPoint, request);
        await DrainListenerAsync(server); // the second request is held now; the probe still runs
        Assert.Equal(1, server.Server.Statistics.DuplicateRequests);
        var clock = Stopwatch.StartNew();
        client.Send(probe, RecordingSink.Error(TftpErrorCode.OptionRefused, "tsize probe"));

        var (second, transfer) = await ReceivePromptlyAsync(client, server, "a size probe's second request read before its ERROR");
        Assert.True(clock.ElapsedMilliseconds < Prompt, $"{clock.ElapsedMilliseconds} ms");
        Assert.NotEqual(probe, transfer);
        Assert.Equal(TftpOpcode.OptionAck, TftpPacket.ReadOpcode(second));
        Assert.Equal(File.ReadAllBytes(source), await FinishAsync(client, second, transfer));
        await server.WaitForAsync(PxeEventKind.TransferCompleted);
        var stats = server.Server.Statistics;
        Assert.Equal(2, stats.TotalSessions);
        Assert.Equal(1, stats.FailedTransfers); // the probe, ended by the client
        Assert.Equal(1, stats.CompletedTransfers);
    }

    [Fact]
    public async Task Size_probe_whose_error_is_read_before_its_second_request_gets_the_file_at_once()
    {
        await using var server = await StartAsync();
        string source = server.WriteFile("pxelinux.0", 40_000);
        using var client = new TftpRawClient();
        var request = Request("pxelinux.0", new TftpOption("tsize", "0"));
        client.Send(server.EndPoint, request);
        var (_, probe) = await client.ReceiveAsync();

        client.Send(probe, RecordingSink.Error(TftpErrorCode.NotDefined, string.Empty));
        await server.WaitForAsync(PxeEventKind.TransferFailed);
        client.Send(server.EndPoint, request);

        var (second, transfer) = await ReceivePromptlyAsync(client, server, "a size probe's second request read after its ERROR");
        Assert.NotEqual(probe, transfer);
        Assert.Equal(File.ReadAllBytes(source), await FinishAsync(client, second, transfer));
        Assert.Equal(0, server.Server.Statistics.DuplicateRequests);
    }

    /// <summary>
    /// The ERROR and the second request sent back to back, in both orders, as a ROM does: the two sockets are read by
    /// different threads in whatever order; every round gets its file with no wait for a retransmission.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Size_probe_sent_back_to_back_gets_the_file_at_once_in_either_order(bool requestFirst)
    {
        await using var server = await StartAsync();
        string source = server.WriteFile("ipxe.efi", 3000);
        var expected = File.ReadAllBytes(source);
        var request = Request("ipxe.efi", new TftpOption("tsize", "0"), new TftpOption("blksize", "512"));
        for (int round = 0; round < 20; round++)
        {
            using var client = new TftpRawClient();
            client.Send(server.EndPoint, request);
            var (_, probe) = await client.ReceiveAsync();
            var clock = Stopwatch.StartNew();
            var error = RecordingSink.Error(TftpErrorCode.OptionRefused, string.Empty);
            if (requestFirst)
            {
                client.Send(server.EndPoint, request);
                client.Send(probe, error);
            }
            else
            {
                client.Send(probe, error);
                client.Send(server.EndPoint, request);
            }

            var (second, transfer) = await ReceivePromptlyAsync(client, server, $"round {round}'s second request");
            Assert.True(clock.ElapsedMilliseconds < Prompt, $"round {round}: {clock.ElapsedMilliseconds} ms");
            Assert.NotEqual(probe, transfer);
            Assert.Equal(TftpOpcode.OptionAck, TftpPacket.ReadOpcode(second));
            Assert.Equal(expected, await FinishAsync(client, second, transfer));
        }

        await DrainListenerAsync(server);
        var stats = server.Server.Statistics;
        Assert.Equal(40, stats.TotalSessions);
        Assert.Equal(20, stats.CompletedTransfers);
    }

    [Fact]
    public async Task A_different_request_from_the_end_point_ends_its_transfer_silently_and_is_served()
    {
        await using var server = await StartAsync();
        server.WriteFile("a.bin", 5000);
        string b = server.WriteFile("b.bin", 1800);
        using var client = new TftpRawClient();
        client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "a.bin");
        var (_, first) = await client.ReceiveAsync();

        client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "b.bin"); // the client gave a.bin up, same port
        var (data, second) = await client.ReceiveAsync(); // no ERROR from a.bin's transfer comes first
        Assert.NotEqual(first, second);
        Assert.Equal(File.ReadAllBytes(b), await FinishAsync(client, data, second));

        var ended = await server.WaitForAsync(PxeEventKind.TransferFailed);
        Assert.Equal("a.bin", ended.Path);
        Assert.Contains("new request from the same port", ended.Error);
        await server.WaitForAsync(PxeEventKind.TransferCompleted, e => e.Path == "b.bin");
        var stats = server.Server.Statistics;
        Assert.Equal(2, stats.TotalSessions);
        Assert.Equal(0, stats.DuplicateRequests);
        Assert.Equal(0, stats.ActiveSessions);
    }
}
