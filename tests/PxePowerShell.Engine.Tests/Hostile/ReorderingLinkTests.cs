using System.Net;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// netem's "loss 20% reorder 10% duplicate 5%" without netem: TFTP through <see cref="ImpairedUdpRelay"/>, which drops,
/// duplicates and delays datagrams in both directions so that later ones overtake them. Lock-step and windowed
/// transfers (a window whose ACK names an earlier block, DATA arriving out of order, stale duplicate ACKs) still
/// arrive byte-identical.
/// </summary>
public sealed class ReorderingLinkTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pxe-reorder-").FullName;
    private readonly byte[] _file = new byte[200_003];

    public ReorderingLinkTests()
    {
        new Random(10).NextBytes(_file);
        File.WriteAllBytes(Path.Combine(_root, "payload.bin"), _file);
    }

    private async Task<(byte[] Got, TftpStatistics Stats, (long Dropped, long Duplicated, long Reordered) Counts)> FetchAsync(int windowSize)
    {
        await using var server = new TftpServer("reorder", new TftpServerOptions { Address = IPAddress.Loopback, Port = 0, Timeout = TimeSpan.FromMilliseconds(150), MaxRetries = 40 }, new BootNamespace(_root));
        await server.StartAsync();
        using var relay = new ImpairedUdpRelay(server.EndPoints[0], lossPercent: 20, reorderPercent: 10, duplicatePercent: 5);
        byte[] got;
        if (windowSize == 1)
        {
            got = await RetryingTftpClient.GetAsync(IPAddress.Loopback, relay.EndPoint, "payload.bin", TimeSpan.FromMilliseconds(200), maxRetries: 40).WaitAsync(TimeSpan.FromSeconds(120));
        }
        else
        {
            using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            got = await RetryingTftpClient.GetWindowedAsync(socket, relay.EndPoint, "payload.bin", windowSize, TimeSpan.FromMilliseconds(250), maxRetries: 40).WaitAsync(TimeSpan.FromSeconds(120));
        }

        return (got, server.Statistics, relay.Counts);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    public async Task Tftp_transfers_arrive_byte_identical_through_loss_reordering_and_duplication(int windowSize)
    {
        var (got, stats, counts) = await FetchAsync(windowSize);
        Assert.True(_file.AsSpan().SequenceEqual(got), "the file differs");
        Assert.True(counts.Dropped > 0 && counts.Reordered > 0 && counts.Duplicated > 0, $"the relay did not impair the link: {counts}");
        Assert.True(stats.Retransmits > 0, "no retransmission on a link that drops 20 %");
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
