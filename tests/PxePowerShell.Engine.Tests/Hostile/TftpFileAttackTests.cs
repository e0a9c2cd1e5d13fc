using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Services;
using PxePowerShell.Engine.Tests.Tftp;
using PxePowerShell.Engine.Tftp;
using Xunit.Abstractions;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// Files that fight back, from outside over real sockets, under each receiver (io_uring, epoll, async): a FIFO in the
/// root, a source that throws, a file cut short mid-transfer, a client that aborts. Each time a normal client is served
/// during and after the attack, the server stays Running, and descriptors and heap come back to their baseline.
/// </summary>
[Collection(FdCountCollection.Name)]
public sealed class TftpFileAttackTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("io_uring")]
    [InlineData("epoll")]
    [InlineData("async")]
    public async Task Fifo_in_the_root_is_refused_at_once_and_every_later_request_is_served(string kind)
    {
        if (!Runs(kind, out var mode))
        {
            return;
        }

        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { ReceiveMode = mode, IoThreads = 1 });
        server.WriteFile("a.bin", 100_000);
        string fifo = Path.Combine(server.Root, "pipe");
        var made = await ProcessRunner.RunAsync("mkfifo", [fifo], TimeSpan.FromSeconds(10));
        Assert.Equal(0, made.ExitCode);
        var baseline = await BaselineAsync(server);

        using var normal = new TftpRawClient();
        for (int i = 0; i < 20; i++)
        {
            using var attacker = new TftpRawClient();
            attacker.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "pipe");
            var (answer, _) = await attacker.ReceiveAsync(); // before the fix: no answer, the listen loop is stuck in open(2)
            Assert.True(TftpPacket.TryParseError(answer, out var code, out _), "no ERROR for the FIFO");
            Assert.Equal(TftpErrorCode.AccessViolation, code); // the message is cut to the request's length (no amplification)
            Assert.Equal(100_000, (await normal.GetAsync(server.EndPoint, "a.bin")).Length);
        }

        var refused = await server.WaitForAsync(PxeEventKind.RequestRefused, e => e.Path == "pipe");
        Assert.Equal("access violation: not a regular file (a FIFO): only regular files are served", refused.Error);
        Assert.Equal(PxeServerState.Running, server.Server.State);
        Assert.Null(server.Server.FaultException);
        await AssertBackToBaselineAsync(server, baseline);
    }

    [Theory]
    [InlineData("io_uring")]
    [InlineData("epoll")]
    [InlineData("async")]
    public async Task Source_that_throws_refuses_that_request_and_the_listen_loop_goes_on(string kind)
    {
        if (!Runs(kind, out var mode))
        {
            return;
        }

        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { ReceiveMode = mode, IoThreads = 1 });
        server.WriteFile("a.bin", 100_000);
        var throwing = new ThrowingSource();
        Assert.True(BootPath.TryParse("broken", out var prefix, out _));
        server.Server.Files.Mount(prefix, throwing);
        using var normal = new TftpRawClient();
        for (int i = 0; i < 5; i++)
        {
            using var attacker = new TftpRawClient();
            attacker.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "broken/x");
            var (answer, _) = await attacker.ReceiveAsync(); // before the fix: the loop died on the first one
            Assert.True(TftpPacket.TryParseError(answer, out var code, out _));
            Assert.Equal(TftpErrorCode.NotDefined, code);
            Assert.Equal(100_000, (await normal.GetAsync(server.EndPoint, "a.bin")).Length);
        }

        Assert.Equal(5, throwing.Opens);
        Assert.Equal(PxeServerState.Running, server.Server.State);
    }

    [Theory]
    [InlineData("io_uring")]
    [InlineData("epoll")]
    [InlineData("async")]
    public async Task File_cut_short_mid_transfer_ends_in_an_error_and_a_failed_transfer(string kind)
    {
        if (!Runs(kind, out var mode))
        {
            return;
        }

        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { ReceiveMode = mode, IoThreads = 1 });
        const long announced = 10_485_760, cut = 1_000_000;
        string path = server.WriteFile("big.img", announced);
        server.WriteFile("a.bin", 100_000);
        var baseline = await BaselineAsync(server);

        using var client = new TftpRawClient();
        client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "big.img", "octet", new TftpOption("tsize", "0"));
        var (oack, from) = await client.ReceiveAsync();
        Assert.Equal(TftpOpcode.OptionAck, TftpPacket.ReadOpcode(oack));
        Assert.Contains("10485760", System.Text.Encoding.ASCII.GetString(oack), StringComparison.Ordinal);
        long received = 0;
        bool truncated = false;
        byte[] ack = new byte[4];
        TftpPacket.WriteAck(ack, 0);
        client.Send(from, ack);
        string? error = null;
        using var normal = new TftpRawClient();
        while (error is null)
        {
            var (packet, _) = await client.ReceiveAsync();
            if (TftpPacket.TryParseError(packet, out _, out string message))
            {
                error = message;
                break;
            }

            Assert.True(TftpPacket.TryParseData(packet, out ushort block, out var payload));
            Assert.True(payload.Length == 512, $"block {block} came short ({payload.Length} bytes) after {received:N0} bytes: a truncated file ended as a complete one");
            received += payload.Length;
            if (!truncated && received >= cut / 2)
            {
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete))
                {
                    stream.SetLength(cut);
                }

                truncated = true;
                // A normal client is served while the cut transfer goes on.
                Assert.Equal(100_000, (await normal.GetAsync(server.EndPoint, "a.bin")).Length);
            }

            TftpPacket.WriteAck(ack, block);
            client.Send(from, ack);
        }

        Assert.Contains("changed", error, StringComparison.Ordinal);
        var failed = await server.WaitForAsync(PxeEventKind.TransferFailed, e => e.Path == "big.img");
        Assert.Contains("shorter", failed.Error, StringComparison.Ordinal);
        Assert.True(received <= cut, $"{received} bytes received");
        output.WriteLine($"{kind}: {received:N0} of {announced:N0} bytes, then ERROR \"{error}\"; event: {failed.Error}");
        Assert.Equal(1, server.Server.Statistics.FailedTransfers);
        Assert.Equal(100_000, (await normal.GetAsync(server.EndPoint, "a.bin")).Length);
        await AssertBackToBaselineAsync(server, baseline);
    }

    [Theory]
    [InlineData("io_uring")]
    [InlineData("epoll")]
    [InlineData("async")]
    public async Task Aborted_transfer_counts_the_bytes_it_sent(string kind)
    {
        if (!Runs(kind, out var mode))
        {
            return;
        }

        await using var server = await TftpTestServer.StartAsync(new TftpServerOptions { ReceiveMode = mode, IoThreads = 1 });
        server.WriteFile("a.bin", 100_000);
        using var client = new TftpRawClient();
        client.SendRequest(server.EndPoint, TftpOpcode.ReadRequest, "a.bin", "octet", new TftpOption("windowsize", "4"));
        var (first, from) = await client.ReceiveAsync();
        Assert.Equal(TftpOpcode.OptionAck, TftpPacket.ReadOpcode(first));
        client.Send(from, [0, 4, 0, 0]);
        for (int i = 0; i < 4; i++)
        {
            var (data, _) = await client.ReceiveAsync();
            Assert.True(TftpPacket.TryParseData(data, out _, out _));
        }

        client.Send(from, RecordingSink.Error(TftpErrorCode.NotDefined, "user abort"));
        var failed = await server.WaitForAsync(PxeEventKind.TransferFailed);
        Assert.Contains("user abort", failed.Error, StringComparison.Ordinal);
        Assert.Equal(4 * 512, server.Server.Statistics.BytesSent); // before the fix: 0, nothing was acknowledged
    }

    private static bool Runs(string kind, out TftpReceiveMode mode)
    {
        mode = TftpDatagramReceiverFactory.ParseMode(kind);
        if (!OperatingSystem.IsLinux())
        {
            return false; // FIFOs, /proc/self/fd and the Linux loops
        }

        if (mode != TftpReceiveMode.IoUring)
        {
            return true;
        }

        try
        {
            PxePowerShell.Engine.Tftp.Linux.LinuxReceiveLoop.StartUring(1).StopAsync().GetAwaiter().GetResult();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private sealed record Baseline(int Descriptors, long Heap);

    /// <summary>One warm-up transfer (JIT, pools), then the descriptors and the heap.</summary>
    private static async Task<Baseline> BaselineAsync(TftpTestServer server)
    {
        using var warm = new TftpRawClient();
        await warm.GetAsync(server.EndPoint, "a.bin");
        await WaitUntilAsync(() => server.Server.Statistics.ActiveSessions == 0, "the warm-up transfer to end");
        return new Baseline(Directory.GetFiles("/proc/self/fd").Length, GC.GetTotalMemory(forceFullCollection: true));
    }

    private async Task AssertBackToBaselineAsync(TftpTestServer server, Baseline baseline)
    {
        await WaitUntilAsync(() => server.Server.Statistics.ActiveSessions == 0, "every transfer to end");
        await WaitUntilAsync(() => Directory.GetFiles("/proc/self/fd").Length <= baseline.Descriptors + 2, $"descriptors back to {baseline.Descriptors}");
        long heap = GC.GetTotalMemory(forceFullCollection: true);
        output.WriteLine($"descriptors {baseline.Descriptors} → {Directory.GetFiles("/proc/self/fd").Length}; heap {baseline.Heap / 1024} KB → {heap / 1024} KB");
        Assert.True(heap - baseline.Heap < 8 * 1024 * 1024, $"the heap grew by {(heap - baseline.Heap) / 1024} KB");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20);
        }
    }
}
