using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Tftp;
using PxePowerShell.Engine.Tftp.Linux;

namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>The Linux epoll receive loop and the forced async fallback, on real sockets.</summary>
[Collection(FdCountCollection.Name)]
public sealed class TftpReceiveLoopTests
{
    /// <summary>What each open descriptor points at ("socket:[123]", "anon_inode:[eventpoll]", a path).</summary>
    private static HashSet<string> DescriptorTargets() =>
        Directory.GetFiles("/proc/self/fd").Select(fd => $"{Path.GetFileName(fd)}={new FileInfo(fd).LinkTarget}").ToHashSet();

    [Fact]
    public async Task Linux_default_is_the_epoll_loop_and_serves_files()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // epoll and /proc/self/fd are Linux only
        }

        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { IoThreads = 2 });
        var loop = Assert.IsType<EpollReceiveLoop>(server.Server.Receiver);
        Assert.Equal("epoll", loop.Kind);
        Assert.Equal(2, loop.ThreadCount);
        server.WriteFile("a.bin", 100_000);
        using var client = new TftpRawClient();
        Assert.Equal(100_000, (await client.GetAsync(server.EndPoint, "a.bin")).Length);
        await server.WaitForAsync(PxeEventKind.TransferCompleted);
        Assert.Equal(0, loop.Registered);
    }

    [Fact]
    public async Task Forced_fallback_uses_async_loops_and_serves_files()
    {
        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { ForceAsyncReceive = true });
        Assert.IsType<AsyncReceiveLoop>(server.Server.Receiver);
        server.WriteFile("a.bin", 100_000);
        using var client = new TftpRawClient();
        Assert.Equal(100_000, (await client.GetAsync(server.EndPoint, "a.bin")).Length);
        using var stranger = new TftpRawClient();
        client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "a.bin");
        var (_, from) = await client.ReceiveAsync();
        stranger.Send(from, [0, 4, 0, 1]);
        var (answer, _) = await stranger.ReceiveAsync();
        Assert.True(TftpPacket.TryParseError(answer, out var code, out _));
        Assert.Equal(TftpErrorCode.UnknownTransferId, code);
        var stopping = server.Server.StopAsync();
        var failed = await server.WaitForAsync(PxeEventKind.TransferFailed);
        Assert.Equal("server stopping", failed.Error);
        await stopping;
    }

    [Fact]
    public async Task Stop_with_many_sessions_registered_closes_every_descriptor()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // epoll and /proc/self/fd are Linux only
        }

        const int Sessions = 60;
        var clients = new TftpRawClient[Sessions];
        for (int i = 0; i < Sessions; i++)
        {
            clients[i] = new TftpRawClient();
        }

        try
        {
            // Warm-up: lets the runtime create its own lazily made descriptors before the count.
            await using (var warm = await TftpTestServer.StartAsync())
            {
                warm.WriteFile("w.bin", 10);
                Assert.Equal(10, (await clients[0].GetAsync(warm.EndPoint, "w.bin")).Length);
            }

            var targetsBefore = DescriptorTargets();
            var server = await TftpTestServer.StartAsync(new TftpServerOptions { IoThreads = 3 });
            server.WriteFile("a.bin", 50_000);
            foreach (var client in clients)
            {
                client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "a.bin");
            }

            foreach (var client in clients)
            {
                var (first, _) = await client.ReceiveAsync();
                Assert.True(TftpPacket.TryParseData(first, out ushort block, out _));
                Assert.Equal(1, block);
            }

            var loop = Assert.IsType<EpollReceiveLoop>(server.Server.Receiver);
            Assert.Equal(Sessions, loop.Registered);
            // Counted by target (each session's socket is a new inode): other tests open and close descriptors meanwhile
            // (servers, their start-up warm-up), so a process-wide count can go down while these are open.
            int opened = DescriptorTargets().Except(targetsBefore).Count();
            Assert.True(opened >= Sessions, $"{opened} new descriptors for {Sessions} sessions");
            await server.DisposeAsync();
            Assert.Equal(0, loop.Registered);
            Assert.Equal(Sessions, server.Server.Statistics.FailedTransfers);
            // Nothing the server opened is left; compared by target, so a descriptor some other part of the test
            // process closed meanwhile (a finished test's background socket) cannot fail the count.
            Assert.Empty(DescriptorTargets().Except(targetsBefore));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    [Fact]
    public async Task Session_closed_while_datagrams_are_pending_does_not_disturb_the_loop()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // epoll and /proc/self/fd are Linux only
        }

        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { IoThreads = 1 });
        server.WriteFile("a.bin", 5000);
        using var client = new TftpRawClient();
        client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "a.bin");
        var (_, from) = await client.ReceiveAsync();
        // A burst of duplicate ACKs queued on the transfer socket, then the session is ended under them.
        for (int i = 0; i < 200; i++)
        {
            client.Send(from, [0, 4, 0, 0]);
        }

        var session = Assert.Single(server.Server.Sessions());
        session.Abort("test abort");
        var failed = await server.WaitForAsync(PxeEventKind.TransferFailed);
        Assert.Equal("test abort", failed.Error);
        var loop = Assert.IsType<EpollReceiveLoop>(server.Server.Receiver);
        Assert.Equal(0, loop.Registered);

        // The same single I/O thread still serves the next transfers.
        var (error, _) = await client.ReceiveAsync();
        Assert.True(TftpPacket.TryParseError(error, out _, out string message));
        Assert.Equal("test abort", message);
        using var next = new TftpRawClient();
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(5000, (await next.GetAsync(server.EndPoint, "a.bin")).Length);
        }
    }
}
