using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tftp;
using PxePowerShell.Engine.Tests.Dhcp;
using PxePowerShell.Engine.Tests.TestSupport;
using Xunit.Abstractions;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// 100,000 malformed datagrams at ports 67, 4011 and 69 of an all-in-one server (proxyDHCP + TFTP, with the client
/// inventory) running in its own process inside a network namespace the test makes, while PXE clients boot through it:
/// every valid client is served, every garbage datagram the kernel delivered is counted as malformed, and the process
/// ends with the heap, the resident set and the descriptors it started with (within loose bounds).
/// </summary>
[Collection("netns")]
public sealed class FloodTests : IDisposable
{
    private const int GarbageCount = 100_000;
    private readonly string _root = Directory.CreateTempSubdirectory("pxe-flood-root-").FullName;
    private readonly string _data = Directory.CreateTempSubdirectory("pxe-flood-data-").FullName;
    private readonly byte[] _bootFile = new byte[64 * 1024 + 7];
    private readonly ITestOutputHelper _output;

    public FloodTests(ITestOutputHelper output)
    {
        _output = output;
        new Random(8).NextBytes(_bootFile);
        File.WriteAllBytes(Path.Combine(_root, "pxelinux.0"), _bootFile);
    }

    [Fact]
    public async Task Garbage_at_67_4011_and_69_while_clients_boot_leaves_them_served_and_the_server_as_it_was()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new NetnsLab();
        int clientPort = Random.Shared.Next(20000, 40000);
        // The server lives in the namespace (the privileged ports stay inside it); clients and flood come from the host end.
        await using var host = await PxeHostProcess.StartAsync(lab.Namespace, "mode=proxy", $"iface={lab.ClientInterface}", $"root={_root}", $"data={_data}", $"clientPort={clientPort}");
        using var dhcp = new LabDhcpClient(lab.HostInterface, clientPort);

        // Warm up (JIT, pools, the inventory's database) with one full boot, then take the baseline.
        Assert.True(await BootAsync(dhcp, lab, 0, TimeSpan.FromSeconds(1)));
        var before = await host.WaitForStatsAsync(s => Tftp(s, "ActiveSessions") == 0, TimeSpan.FromSeconds(30), "the warm-up transfer to end");

        // Two rounds: the first shows that valid clients are served and every datagram counted, the second that nothing
        // grows from one flood to the next (the first one also warms up what a flood touches once).
        var first = await FloodRoundAsync(host, dhcp, lab, before, 1);
        var second = await FloodRoundAsync(host, dhcp, lab, first, 2);
        foreach (var (from, to, what) in new[] { (before, first, "first"), (first, second, "second") })
        {
            long managed = to.GetProperty("ManagedBytes").GetInt64() - from.GetProperty("ManagedBytes").GetInt64();
            long rss = to.GetProperty("RssBytes").GetInt64() - from.GetProperty("RssBytes").GetInt64();
            _output.WriteLine($"{what} flood: managed heap {from.GetProperty("ManagedBytes").GetInt64() / 1024} KB → {to.GetProperty("ManagedBytes").GetInt64() / 1024} KB; RSS {from.GetProperty("RssBytes").GetInt64() / 1024} KB → {to.GetProperty("RssBytes").GetInt64() / 1024} KB; descriptors {Descriptors(from).Length} → {Descriptors(to).Length}");
            Assert.True(managed < 4 * 1024 * 1024, $"the managed heap grew by {managed / 1024} KB in the {what} flood");
            Assert.True(rss < (what == "first" ? 32 : 16) * 1024 * 1024, $"the resident set grew by {rss / 1024} KB in the {what} flood");
        }

        await host.StopAsync();
    }

    [Fact]
    public async Task Rrqs_that_never_ack_fill_the_session_cap_with_clear_refusals_and_the_server_recovers()
    {
        // 400 requests from 400 ports that never acknowledge anything, at a server capped at 64 transfers that gives a
        // silent client up after 200 ms × (1 + 2 retries).
        const int cap = 64, flood = 400;
        await using var server = new TftpServer("session-flood", new TftpServerOptions { Address = IPAddress.Loopback, Port = 0, MaxSessions = cap, Timeout = TimeSpan.FromMilliseconds(200), MaxRetries = 2 }, new BootNamespace(_root));
        using var events = server.Events.Subscribe();
        await server.StartAsync();
        var endpoint = server.EndPoints[0];
        var sockets = Enumerable.Range(0, flood).Select(_ =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            return s;
        }).ToList();
        try
        {
            var request = new byte[128];
            int length = TftpPacket.WriteRequest(request, TftpOpcode.ReadRequest, "pxelinux.0", "octet");
            foreach (var s in sockets)
            {
                s.SendTo(request.AsSpan(0, length), SocketFlags.None, endpoint);
            }

            // Every request gets exactly one first answer: DATA 1 (a transfer) or ERROR 0 "server busy".
            int data = 0, busy = 0;
            var buffer = new byte[1024];
            foreach (var s in sockets)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                var r = await s.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
                var reply = buffer.AsSpan(0, r.ReceivedBytes);
                if (TftpPacket.TryParseData(reply, out ushort block, out _) && block == 1)
                {
                    data++;
                }
                else
                {
                    Assert.True(TftpPacket.TryParseError(reply, out var code, out string message), "neither DATA 1 nor ERROR");
                    Assert.Equal(TftpErrorCode.NotDefined, code);
                    Assert.StartsWith("server busy", message, StringComparison.Ordinal); // cut to the request's length
                    busy++;
                }
            }

            _output.WriteLine($"{flood} silent RRQs: {data} transfers started, {busy} refused as busy");
            Assert.Equal(cap, data);
            Assert.Equal(flood - cap, busy);
            Assert.Equal(flood - cap, server.Statistics.SessionLimitRejections);
            var refused = await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.RequestRefused);
            Assert.Equal($"server busy: {cap} sessions", refused.Error); // the event has the whole message

            // The silent transfers time out (each a TransferFailed), the cap frees, and new clients are served in full.
            int failed = 0;
            while (failed < cap)
            {
                await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.TransferFailed, TimeSpan.FromSeconds(10));
                failed++;
            }

            Assert.Equal(0, server.Statistics.ActiveSessions);
            var files = await Task.WhenAll(Enumerable.Range(0, cap).Select(_ => RetryingTftpClient.GetAsync(IPAddress.Loopback, endpoint, "pxelinux.0", TimeSpan.FromSeconds(1))));
            Assert.All(files, f => Assert.True(f.AsSpan().SequenceEqual(_bootFile)));

            // A client has the file once the last DATA arrives; the server counts the transfer when the final ACK does.
            for (int completed = 0; completed < cap; completed++)
            {
                await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.TransferCompleted, TimeSpan.FromSeconds(10));
            }

            Assert.Equal(cap, server.Statistics.CompletedTransfers);
            Assert.Equal(cap, server.Statistics.FailedTransfers);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    /// <summary>100,000 garbage datagrams round-robin at 67, 4011 and 69 while 20 clients boot; returns the counters after it.</summary>
    private async Task<JsonElement> FloodRoundAsync(PxeHostProcess host, LabDhcpClient dhcp, NetnsLab lab, JsonElement before, int round)
    {
        var server = lab.ClientAddress;
        var sent = new long[3];
        var flood = Task.Run(() =>
        {
            var random = new Random(67 + round);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            socket.Bind(new IPEndPoint(lab.ServerAddress, 0));
            var targets = new[] { new IPEndPoint(server, 67), new IPEndPoint(server, 4011), new IPEndPoint(server, 69) };
            for (int i = 0; i < GarbageCount; i++)
            {
                int port = i % 3;
                socket.SendTo(port == 2 ? Garbage.Tftp(random) : Garbage.Dhcp(random), targets[port]);
                sent[port]++;
            }
        });

        // Twenty PXE clients boot (DISCOVER → proxy OFFER, REQUEST to 4011 → ACK, TFTP download) while the garbage flows.
        var boots = Enumerable.Range(1, 20).Select(i => BootAsync(dhcp, lab, (round * 100) + i, TimeSpan.FromMilliseconds(500))).ToList();
        await flood.WaitAsync(TimeSpan.FromSeconds(60));
        var served = await Task.WhenAll(boots).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.All(served, Assert.True);

        // Wait until every delivered datagram has been handled: all garbage counted, or dropped by the kernel when the flood
        // outran the socket's queue (the drop counter covers valid datagrams too, so it bounds the garbage lost).
        long dhcpGarbage = sent[0] + sent[1], tftpGarbage = sent[2];
        long dhcpBefore = Dhcp(before, "Malformed"), tftpBefore = Tftp(before, "MalformedDatagrams");
        long dropsBefore = Drops(before, 67) + Drops(before, 4011), tftpDropsBefore = Drops(before, 69);
        var after = await host.WaitForStatsAsync(
            s => Dhcp(s, "Malformed") - dhcpBefore + Drops(s, 67) + Drops(s, 4011) - dropsBefore >= dhcpGarbage
                && Tftp(s, "MalformedDatagrams") - tftpBefore + Drops(s, 69) - tftpDropsBefore >= tftpGarbage
                && Tftp(s, "ActiveSessions") == 0,
            TimeSpan.FromSeconds(30),
            "the flood to be counted");

        long dhcpMalformed = Dhcp(after, "Malformed") - dhcpBefore;
        long tftpMalformed = Tftp(after, "MalformedDatagrams") - tftpBefore;
        long dhcpDrops = Drops(after, 67) + Drops(after, 4011) - dropsBefore, tftpDrops = Drops(after, 69) - tftpDropsBefore;
        _output.WriteLine($"round {round}: garbage {dhcpGarbage} at 67/4011, {tftpGarbage} at 69; counted malformed {dhcpMalformed} / {tftpMalformed}; kernel drops {dhcpDrops} / {tftpDrops}");
        Assert.InRange(dhcpMalformed, dhcpGarbage - dhcpDrops, dhcpGarbage);
        Assert.InRange(tftpMalformed, tftpGarbage - tftpDrops, tftpGarbage);
        if (dhcpDrops == 0)
        {
            Assert.Equal(dhcpGarbage, dhcpMalformed);
        }

        if (tftpDrops == 0)
        {
            Assert.Equal(tftpGarbage, tftpMalformed);
        }

        // Garbage never becomes a reply: every datagram that parsed got exactly one answer (client retries included),
        // and every client's download completed (the warm-up boot and 20 per round).
        Assert.Equal(Dhcp(after, "Received") - Dhcp(after, "Malformed"), Dhcp(after, "ProxyOffers") + Dhcp(after, "ProxyAcks"));
        Assert.Equal(0, Dhcp(after, "Ignored"));
        Assert.True(Dhcp(after, "ProxyAcks") >= 1 + (20 * round));
        Assert.True(Tftp(after, "CompletedTransfers") >= 1 + (20 * round));
        return await host.WaitForDescriptorsAsync(before, TimeSpan.FromSeconds(10));
    }

    /// <summary>One PXE boot: proxy OFFER, 4011 ACK naming pxelinux.0, and pxelinux.0 byte-identical over TFTP.</summary>
    private async Task<bool> BootAsync(LabDhcpClient dhcp, NetnsLab lab, int n, TimeSpan retry)
    {
        var mac = TestPackets.Mac(0x3300 + n);
        var offer = await dhcp.ExchangeAsync(TestPackets.Pxe(DhcpMessageType.Discover, mac, ClientArchitecture.Bios, (uint)(0x33000 + n)), new IPEndPoint(IPAddress.Broadcast, 67), retry, 40);
        if (offer?.MessageType != DhcpMessageType.Offer)
        {
            _output.WriteLine($"client {n}: no proxy offer");
            return false;
        }

        var request = TestPackets.Pxe(DhcpMessageType.Request, mac, ClientArchitecture.Bios, (uint)(0x34000 + n)).WithClientAddress(lab.ServerAddress).With(DhcpOptionCode.ServerIdentifier, lab.ClientAddress);
        var ack = await dhcp.ExchangeAsync(request, new IPEndPoint(lab.ClientAddress, 4011), retry, 40);
        if (ack?.MessageType != DhcpMessageType.Ack || ack.BootFileName != "pxelinux.0")
        {
            _output.WriteLine($"client {n}: no 4011 ack ({ack?.MessageType} {ack?.BootFileName})");
            return false;
        }

        var file = await RetryingTftpClient.GetAsync(lab.ServerAddress, new IPEndPoint(lab.ClientAddress, 69), ack.BootFileName, retry);
        return file.AsSpan().SequenceEqual(_bootFile);
    }

    private static long Dhcp(JsonElement stats, string name) => stats.GetProperty("Dhcp").GetProperty(name).GetInt64();

    private static long Tftp(JsonElement stats, string name) => stats.GetProperty("Tftp").GetProperty(name).GetInt64();

    private static long Drops(JsonElement stats, int port) =>
        stats.GetProperty("Drops").TryGetProperty(port.ToString(CultureInfo.InvariantCulture), out var v) ? v.GetInt64() : 0;

    private static string[] Descriptors(JsonElement stats) => PxeHostProcess.Descriptors(stats);

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_data, recursive: true);
    }
}
