using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Tftp;

/// <summary>The engine's TFTP client against the engine's TFTP server on loopback.</summary>
public sealed class TftpClientTests
{
    [Theory]
    [InlineData(null, null, false)]
    [InlineData(1468, null, true)]
    [InlineData(1024, 8, true)]
    public async Task Downloads_a_file_whole_with_the_options_the_server_acknowledged(int? blockSize, int? windowSize, bool askSize)
    {
        await using var server = await TftpTestServer.StartAsync();
        string path = server.WriteFile("a.bin", 100_000);
        using var socket = Loopback();
        using var received = new MemoryStream();
        var client = new TftpClient(socket, new TftpClientOptions { BlockSize = blockSize, WindowSize = windowSize, AskSize = askSize });
        var result = await client.DownloadAsync(server.EndPoint, "a.bin", (data, _) => received.Write(data.Span));
        Assert.Equal(TftpDownloadStatus.Completed, result.Status);
        Assert.True(result.Succeeded);
        Assert.Equal(File.ReadAllBytes(path), received.ToArray());
        Assert.Equal(100_000, result.Bytes);
        Assert.Equal(blockSize ?? 512, result.BlockSize);
        Assert.Equal(askSize ? 100_000 : null, result.AnnouncedSize);
        await server.WaitForAsync(Engine.Events.PxeEventKind.TransferCompleted);
    }

    [Fact]
    public async Task A_missing_file_ends_in_the_servers_file_not_found()
    {
        await using var server = await TftpTestServer.StartAsync();
        using var socket = Loopback();
        var result = await new TftpClient(socket).DownloadAsync(server.EndPoint, "missing.bin");
        Assert.Equal(TftpDownloadStatus.ServerError, result.Status);
        Assert.Equal(TftpErrorCode.FileNotFound, result.ErrorCode);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task The_cap_stops_the_download_and_the_server_ends_the_transfer()
    {
        await using var server = await TftpTestServer.StartAsync();
        string path = server.WriteFile("big.bin", 50_000);
        using var socket = Loopback();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var result = await new TftpClient(socket, new TftpClientOptions { MaxBytes = 10_000 }).DownloadAsync(server.EndPoint, "big.bin", (data, _) => hash.AppendData(data.Span));
        Assert.Equal(TftpDownloadStatus.Capped, result.Status);
        Assert.Equal(10_000, result.Bytes);
        Assert.Equal(SHA256.HashData(File.ReadAllBytes(path).AsSpan(0, 10_000)), hash.GetHashAndReset());
        await server.WaitForAsync(Engine.Events.PxeEventKind.TransferFailed);
    }

    [Fact]
    public async Task A_port_nobody_answers_on_ends_in_NoAnswer_after_the_retries()
    {
        using var silent = Loopback();
        using var socket = Loopback();
        var result = await new TftpClient(socket, new TftpClientOptions { Timeout = TimeSpan.FromMilliseconds(100), Retries = 2 })
            .DownloadAsync((IPEndPoint)silent.LocalEndPoint!, "a.bin").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TftpDownloadStatus.NoAnswer, result.Status);
        Assert.Equal(0, result.Bytes);
    }

    [Fact]
    public async Task Cancelling_throws()
    {
        using var silent = Loopback();
        using var socket = Loopback();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new TftpClient(socket, new TftpClientOptions { Timeout = TimeSpan.FromSeconds(30) }).DownloadAsync((IPEndPoint)silent.LocalEndPoint!, "a.bin", cancellationToken: cts.Token));
    }

    private static Socket Loopback()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }
}
