using System.Net;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>Protocol behaviour of a running server, driven by a raw UDP client.</summary>
public sealed class TftpServerTests
{
    [Fact]
    public async Task Ephemeral_port_is_reported_and_files_are_served_from_their_own_port()
    {
        await using var server = await TftpTestServer.StartAsync();
        Assert.NotEqual(0, server.Port);
        server.WriteFile("a.bin", 1500);
        using var client = new TftpRawClient();
        var data = await client.GetAsync(server.EndPoint, "a.bin");
        Assert.Equal(File.ReadAllBytes(Path.Combine(server.Root, "a.bin")), data);
        var started = await server.WaitForAsync(PxeEventKind.TransferStarted);
        Assert.Equal(1500, started.Bytes);
        Assert.Equal(PxeProtocol.Tftp, started.Protocol);
        Assert.Equal("tftp-test", started.Server);
    }

    [Fact]
    public async Task Bind_failure_throws_the_socket_exception()
    {
        await using var first = await TftpTestServer.StartAsync();
        await using var second = new TftpServer("dup", new TftpServerOptions { Address = IPAddress.Loopback, Port = first.Port }, first.Server.Files);
        await Assert.ThrowsAsync<System.Net.Sockets.SocketException>(() => second.StartAsync());
    }

    [Fact]
    public async Task Server_on_ipv6_any_is_dual_stack_for_ipv4_and_ipv6_clients()
    {
        if (!System.Net.Sockets.Socket.OSSupportsIPv6)
        {
            return; // "::" needs IPv6
        }

        // "::" means every address of both families, as it does for HTTP (before: IPv6 only, IPv4 clients unanswered).
        await using var server = await TftpTestServer.StartAsync(address: IPAddress.IPv6Any);
        string source = server.WriteFile("a.bin", 70_000);
        string output = Directory.CreateTempSubdirectory("pxe-dual-").FullName;
        try
        {
            string port = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            foreach (var (name, host) in new[] { ("v4", "127.0.0.1"), ("v6", "[::1]") })
            {
                string file = Path.Combine(output, name);
                var curl = await ProcessRunner.RunAsync("curl", ["-s", "-S", "--max-time", "20", "-o", file, $"tftp://{host}:{port}/a.bin"], TimeSpan.FromSeconds(30));
                Assert.True(curl.ExitCode == 0, $"curl over {name}: rc {curl.ExitCode} {curl.StandardError}");
                Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(file));
            }

            string atftpOut = Path.Combine(output, "atftp");
            var atftp = await ProcessRunner.RunAsync("atftp", ["-g", "-r", "a.bin", "-l", atftpOut, "127.0.0.1", port], TimeSpan.FromSeconds(30));
            Assert.True(atftp.ExitCode == 0, $"atftp over IPv4: {atftp.StandardError}");
            Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(atftpOut));
            var v4 = await server.WaitForAsync(PxeEventKind.TransferCompleted, e => e.ClientAddress!.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork);
            Assert.Equal(IPAddress.Loopback, v4.ClientAddress); // reported as the IPv4 address, not ::ffff:127.0.0.1
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public async Task Malformed_datagrams_are_counted_and_the_server_keeps_serving()
    {
        await using var server = await TftpTestServer.StartAsync();
        server.WriteFile("a.bin", 700);
        using var client = new TftpRawClient();
        var random = new Random(42);
        for (int i = 0; i < 20; i++)
        {
            var junk = new byte[random.Next(1, 100)];
            random.NextBytes(junk);
            junk[0] = 0xff; // never a valid opcode
            client.Send(server.EndPoint, junk);
        }

        client.Send(server.EndPoint, [0, 1, (byte)'a']);            // truncated RRQ
        client.Send(server.EndPoint, [0, 4, 0, 1]);                 // ACK on the listening port

        // A truncated ACK on a transfer's own port is malformed too, and the transfer survives it.
        client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "a.bin");
        var (first, from) = await client.ReceiveAsync();
        Assert.True(TftpPacket.TryParseData(first, out ushort block, out _));
        Assert.Equal(1, block);
        client.Send(from, [0, 4, 0]);
        client.Send(from, [0, 4, 0, 1]);
        var (second, _) = await client.ReceiveAsync();
        Assert.True(TftpPacket.TryParseData(second, out block, out var payload));
        Assert.Equal(2, block);
        Assert.Equal(188, payload.Length);
        client.Send(from, [0, 4, 0, 2]);
        await server.WaitForAsync(PxeEventKind.TransferCompleted);
        Assert.Equal(23, server.Server.Statistics.MalformedDatagrams);

        Assert.Equal(700, (await client.GetAsync(server.EndPoint, "a.bin")).Length);
    }

    [Fact]
    public async Task Datagram_from_another_endpoint_gets_error_5_and_the_transfer_goes_on()
    {
        await using var server = await TftpTestServer.StartAsync();
        server.WriteFile("a.bin", 600);
        using var client = new TftpRawClient();
        var from = await server.AssertStrangerIsTurnedAwayAsync(client, "a.bin");
        Assert.NotEqual(server.Port, from.Port);
        client.Send(from, [0, 4, 0, 2]);
        await server.WaitForAsync(PxeEventKind.TransferCompleted);
    }

    [Fact]
    public async Task Session_cap_refuses_the_third_request_and_recovers()
    {
        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { MaxSessions = 2 });
        server.WriteFile("small.bin", 100);
        using var a = new TftpRawClient();
        using var b = new TftpRawClient();
        using var c = new TftpRawClient();
        a.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "small.bin");
        b.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "small.bin");
        var (_, fromA) = await a.ReceiveAsync();
        var (_, fromB) = await b.ReceiveAsync();
        c.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "small.bin");
        var (busy, _) = await c.ReceiveAsync();
        Assert.True(TftpPacket.TryParseError(busy, out var code, out string message));
        Assert.Equal(TftpErrorCode.NotDefined, code);
        Assert.StartsWith("server busy", message, StringComparison.Ordinal); // cut to the request's length (no amplification)
        var refused = await server.WaitForAsync(PxeEventKind.RequestRefused);
        Assert.Equal("server busy: 2 sessions", refused.Error);
        Assert.Equal(1, server.Server.Statistics.SessionLimitRejections);

        a.Send(fromA, [0, 4, 0, 1]);
        b.Send(fromB, [0, 4, 0, 1]);
        await server.WaitForAsync(PxeEventKind.TransferCompleted);
        await server.WaitForAsync(PxeEventKind.TransferCompleted);
        Assert.Equal(100, (await c.GetAsync(server.EndPoint, "small.bin")).Length);
    }

    [Fact]
    public async Task Vanished_client_fails_after_retries_and_frees_the_session()
    {
        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { Timeout = TimeSpan.FromMilliseconds(200), MaxRetries = 2 });
        server.WriteFile("a.bin", 5000);
        using var client = new TftpRawClient();
        client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "a.bin");
        var failed = await server.WaitForAsync(PxeEventKind.TransferFailed, timeoutMs: 5000);
        Assert.Contains("timed out", failed.Error);
        Assert.Equal(2, failed.Retransmits);
        var stats = server.Server.Statistics;
        Assert.Equal(0, stats.ActiveSessions);
        Assert.Equal(1, stats.FailedTransfers);
    }

    [Fact]
    public async Task Stop_ends_transfers_with_server_stopping()
    {
        var server = await TftpTestServer.StartAsync();
        server.WriteFile("a.bin", 5000);
        using var client = new TftpRawClient();
        client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "a.bin");
        await client.ReceiveAsync();
        var stopping = server.Server.StopAsync();
        var failed = await server.WaitForAsync(PxeEventKind.TransferFailed);
        Assert.Equal("server stopping", failed.Error);
        await stopping;
        Assert.Equal(0, server.Server.Statistics.ActiveSessions);
        await server.DisposeAsync();
    }

    [Fact]
    public async Task Write_request_is_refused_when_writes_are_not_allowed()
    {
        await using var server = await TftpTestServer.StartAsync();
        using var client = new TftpRawClient();
        client.SendRequest(server.EndPoint, TftpOpcode.WriteRequest, "up.bin");
        var (answer, _) = await client.ReceiveAsync();
        Assert.True(TftpPacket.TryParseError(answer, out var code, out string message));
        Assert.Equal(TftpErrorCode.AccessViolation, code);
        Assert.Contains("read-only", message);
        await server.WaitForAsync(PxeEventKind.RequestRefused);
        Assert.False(File.Exists(Path.Combine(server.Root, "up.bin")));
    }

    [Fact]
    public async Task Missing_file_and_directory_get_error_1()
    {
        await using var server = await TftpTestServer.StartAsync();
        Directory.CreateDirectory(Path.Combine(server.Root, "dir"));
        using var client = new TftpRawClient();
        foreach (string name in new[] { "nope.bin", "dir", "/" })
        {
            client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, name);
            var (answer, _) = await client.ReceiveAsync();
            Assert.True(TftpPacket.TryParseError(answer, out var code, out string message));
            Assert.Equal(TftpErrorCode.FileNotFound, code);
            Assert.False(string.IsNullOrEmpty(message));
        }
    }

    [Fact]
    public async Task Hundred_concurrent_in_process_clients_all_succeed()
    {
        await using var server = await TftpTestServer.StartAsync();
        string path = server.WriteFile("c.bin", 100_000);
        var expected = File.ReadAllBytes(path);
        var tasks = new List<Task<byte[]>>();
        var clients = new List<TftpRawClient>();
        for (int i = 0; i < 100; i++)
        {
            var client = new TftpRawClient();
            clients.Add(client);
            tasks.Add(client.GetAsync(server.EndPoint, "c.bin"));
        }

        var results = await Task.WhenAll(tasks);
        clients.ForEach(c => c.Dispose());
        Assert.All(results, r => Assert.Equal(expected, r));
        for (int i = 0; i < 100; i++)
        {
            await server.WaitForAsync(PxeEventKind.TransferCompleted);
        }

        Assert.Equal(0, server.Server.Statistics.FailedTransfers);
    }
}
