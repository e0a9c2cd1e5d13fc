using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Tftp;
using PxePowerShell.Engine.Tftp.Linux;

namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>The Linux receive loops (io_uring, epoll) and the async fallback, on real sockets.</summary>
[Collection(FdCountCollection.Name)]
public sealed class TftpReceiveLoopTests
{
    /// <summary>What each open descriptor points at ("socket:[123]", "anon_inode:[eventpoll]", a path).</summary>
    private static HashSet<string> DescriptorTargets() =>
        Directory.GetFiles("/proc/self/fd").Select(fd => $"{Path.GetFileName(fd)}={new FileInfo(fd).LinkTarget}").ToHashSet();

    [Fact]
    public async Task Linux_default_is_io_uring_where_the_kernel_has_it_and_epoll_otherwise()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // io_uring and epoll are Linux only
        }

        // An old kernel, io_uring_disabled, or a seccomp filter: the fallback must take over.
        string expected = UringAvailable.Value ? "io_uring" : "epoll";
        var receiver = TftpDatagramReceiverFactory.Create(TftpReceiveMode.IoUring, 1);
        try
        {
            Assert.Equal(expected, receiver.Kind);
        }
        finally
        {
            await receiver.StopAsync();
        }
    }

    [Theory]
    [InlineData("io_uring", "IoUring")]
    [InlineData(" EPOLL ", "Epoll")]
    [InlineData("async", "Async")]
    [InlineData("", "Auto")]
    [InlineData("kqueue", "Auto")]
    [InlineData(null, "Auto")]
    public void The_environment_variable_names_a_receiver(string? value, string expected) =>
        Assert.Equal(expected, TftpDatagramReceiverFactory.ParseMode(value).ToString());

    [Theory]
    [InlineData("io_uring")]
    [InlineData("epoll")]
    public async Task Linux_loop_serves_files_and_answers_strangers(string kind)
    {
        if (!Runs(kind, out var mode))
        {
            return;
        }

        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { ReceiveMode = mode, IoThreads = 2 });
        var loop = Assert.IsType<LinuxReceiveLoop>(server.Server.Receiver);
        Assert.Equal(kind, loop.Kind);
        Assert.Equal(2, loop.ThreadCount);
        server.WriteFile("a.bin", 100_000);
        using var client = new TftpRawClient();
        Assert.Equal(100_000, (await client.GetAsync(server.EndPoint, "a.bin")).Length);
        await server.WaitForAsync(PxeEventKind.TransferCompleted);
        Assert.Equal(0, loop.Registered);
        await server.AssertStrangerIsTurnedAwayAsync(client, "a.bin");
    }

    [Theory]
    [InlineData("io_uring")]
    [InlineData("epoll")]
    public async Task Session_timed_out_on_the_timer_thread_releases_its_port(string kind)
    {
        if (!Runs(kind, out var mode))
        {
            return;
        }

        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions
        {
            ReceiveMode = mode,
            IoThreads = 1,
            Timeout = TimeSpan.FromMilliseconds(100),
            MaxRetries = 1,
        });
        server.WriteFile("a.bin", 5000);
        using var client = new TftpRawClient();
        client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "a.bin");
        var (_, from) = await client.ReceiveAsync(); // DATA 1, never acknowledged: the client has vanished
        var failed = await server.WaitForAsync(PxeEventKind.TransferFailed, timeoutMs: 5000);
        Assert.Contains("timed out", failed.Error);
        Assert.Equal(0, ((LinuxReceiveLoop)server.Server.Receiver!).Registered);

        // The kernel lets the transfer's port go only once nothing holds its socket: io_uring's receive in
        // flight is cancelled and the worker closes the socket. Binding the port again proves it.
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                probe.Bind(from);
                break;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20); // polling the kernel's state, not waiting for time to pass
            }
        }

        // The loop goes on serving (a new client: the old one still holds the retransmissions and the ERROR).
        using var next = new TftpRawClient();
        Assert.Equal(5000, (await next.GetAsync(server.EndPoint, "a.bin")).Length);
    }

    [Theory]
    [InlineData("io_uring")]
    [InlineData("epoll")]
    [InlineData("async")]
    public async Task Datagram_longer_than_the_session_reads_is_dropped_whole(string kind)
    {
        if (!Runs(kind, out var mode))
        {
            return;
        }

        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { ReceiveMode = mode, IoThreads = 1 });
        server.WriteFile("a.bin", 5000);
        using var client = new TftpRawClient();
        client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "a.bin");
        var (_, from) = await client.ReceiveAsync();

        // An ERROR padded past what a read session reads (2048 bytes). Cut to its first 2048 bytes it would still
        // parse as an ERROR and end the transfer; dropped whole, as it must be, the transfer goes on.
        var oversized = new byte[4000];
        oversized[1] = (byte)TftpOpcode.Error;
        oversized[4] = (byte)'x';
        client.Send(from, oversized);
        client.Send(from, [0, 4, 0, 1]);
        var (next, _) = await client.ReceiveAsync();
        Assert.True(TftpPacket.TryParseData(next, out ushort block, out _), "the transfer ended on the oversized datagram");
        Assert.Equal(2, block);
    }

    [Theory]
    [InlineData("io_uring")]
    [InlineData("epoll")]
    [InlineData("async")]
    public async Task Serves_over_ipv6(string kind)
    {
        if (!Runs(kind, out var mode) || !Socket.OSSupportsIPv6)
        {
            return; // ::1 needs IPv6
        }

        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { ReceiveMode = mode, IoThreads = 1 }, address: IPAddress.IPv6Loopback);
        server.WriteFile("a.bin", 100_000);
        using var client = new TftpRawClient(IPAddress.IPv6Loopback);
        Assert.Equal(100_000, (await client.GetAsync(server.EndPoint, "a.bin")).Length);
        var completed = await server.WaitForAsync(PxeEventKind.TransferCompleted);
        Assert.Equal(100_000, completed.Bytes);
    }

    /// <summary>Whether this kernel lets an io_uring loop start (it may be too old, disabled, or filtered by seccomp); probed once.</summary>
    private static readonly Lazy<bool> UringAvailable = new(() =>
    {
        try
        {
            LinuxReceiveLoop.StartUring(1).StopAsync().GetAwaiter().GetResult();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    });

    /// <summary>
    /// Whether a test of the receiver named <paramref name="kind"/> runs here: every one of them on Linux only (the
    /// Linux loops, /proc/self/fd), io_uring only where the kernel has it (the default test checks the fallback).
    /// </summary>
    private static bool Runs(string kind, out TftpReceiveMode mode)
    {
        mode = TftpDatagramReceiverFactory.ParseMode(kind);
        return OperatingSystem.IsLinux() && (mode != TftpReceiveMode.IoUring || UringAvailable.Value);
    }

    [Fact]
    public async Task Forced_fallback_uses_async_loops_and_serves_files()
    {
        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { ReceiveMode = TftpReceiveMode.Async });
        Assert.IsType<AsyncReceiveLoop>(server.Server.Receiver);
        server.WriteFile("a.bin", 100_000);
        using var client = new TftpRawClient();
        Assert.Equal(100_000, (await client.GetAsync(server.EndPoint, "a.bin")).Length);
        await server.AssertStrangerIsTurnedAwayAsync(client, "a.bin");
        var stopping = server.Server.StopAsync();
        var failed = await server.WaitForAsync(PxeEventKind.TransferFailed);
        Assert.Equal("server stopping", failed.Error);
        await stopping;
    }

    [Theory]
    [InlineData("io_uring")]
    [InlineData("epoll")]
    public async Task Stop_with_many_sessions_registered_closes_every_descriptor(string kind)
    {
        if (!Runs(kind, out var mode))
        {
            return;
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
            // Its own client: the warm-up transfer may still wait for the final ACK when the server stops, and its ERROR
            // "server stopping" must not reach a client of the test (it did: "the first datagram ... is not DATA 1").
            await using (var warm = await TftpTestServer.StartAsync())
            {
                using var warmClient = new TftpRawClient();
                warm.WriteFile("w.bin", 10);
                Assert.Equal(10, (await warmClient.GetAsync(warm.EndPoint, "w.bin")).Length);
            }

            var targetsBefore = DescriptorTargets();
            var server = await TftpTestServer.StartAsync(new TftpServerOptions { ReceiveMode = mode, IoThreads = 3 });
            server.WriteFile("a.bin", 50_000);
            foreach (var client in clients)
            {
                client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "a.bin");
            }

            foreach (var client in clients)
            {
                var (first, from) = await client.ReceiveAsync();
                // Named in full when it fails (CI once saw something other than DATA here, 2 Dec 2026): what came, from where.
                Assert.True(TftpPacket.TryParseData(first, out ushort block, out _), $"the first datagram from {from} is not DATA 1: {first.Length} bytes, {Convert.ToHexString(first.AsSpan(0, Math.Min(first.Length, 64)))}");
                Assert.Equal(1, block);
            }

            var loop = Assert.IsType<LinuxReceiveLoop>(server.Server.Receiver);
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

    [Theory]
    [InlineData("io_uring")]
    [InlineData("epoll")]
    public async Task Session_closed_while_datagrams_are_pending_does_not_disturb_the_loop(string kind)
    {
        if (!Runs(kind, out var mode))
        {
            return;
        }

        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { ReceiveMode = mode, IoThreads = 1 });
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
        var loop = Assert.IsType<LinuxReceiveLoop>(server.Server.Receiver);
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
