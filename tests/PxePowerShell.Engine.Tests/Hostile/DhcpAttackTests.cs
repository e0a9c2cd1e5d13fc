using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.Dhcp;
using PxePowerShell.Engine.Tests.TestSupport;
using PxePowerShell.Engine.Tests.Tftp;
using Xunit.Abstractions;

namespace PxePowerShell.Engine.Tests.Hostile;

/// <summary>
/// Full DHCP under attack over real sockets: one MAC declining every offer (the pool of eight must survive it, also after
/// a restart), and relayed requests whose giaddr is the subnet's broadcast or the server's own address. A normal client
/// is served during and after each attack; descriptors and heap come back to their baseline.
/// </summary>
[Collection(FdCountCollection.Name)]
public sealed class DhcpAttackTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pxe-dhcp-attack-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task Decline_storm_from_one_mac_leaves_the_pool_to_everyone_else_also_after_a_restart()
    {
        using var client = new LoopbackClient();
        var options = new DhcpServerOptions
        {
            Interfaces = ["lo"],
            Port = 0,
            ClientPort = client.Port,
            StartRange = IPAddress.Parse("127.0.0.50"),
            EndRange = IPAddress.Parse("127.0.0.57"),
            SubnetMask = IPAddress.Parse("255.255.255.0"),
            DataDirectory = _dir,
        };
        var attacker = TestPackets.Mac(0xbad);
        int descriptors = 0;
        long heap = 0;
        for (int run = 0; run < 2; run++)
        {
            await using var server = new DhcpServer("dhcp-decline", options);
            await server.StartAsync();
            int port = server.EndPoints[0].Port;
            if (run == 0)
            {
                Assert.NotNull(await LeaseAsync(client, port, TestPackets.Mac(1), 1)); // warm-up
                descriptors = Directory.GetFiles("/proc/self/fd").Length;
                heap = GC.GetTotalMemory(forceFullCollection: true);
            }

            // Eight rounds of DISCOVER + DECLINE as fast as the server answers (before the fix: the pool was gone).
            int offers = 0;
            var started = DateTime.UtcNow;
            for (int round = 0; round < 8; round++)
            {
                await client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, attacker, (uint)(0x100 + round)), port);
                var offer = await TryReceiveAsync(client, TimeSpan.FromMilliseconds(run == 0 && round < 3 ? 5000 : 300));
                if (offer?.MessageType != DhcpMessageType.Offer)
                {
                    continue;
                }

                offers++;
                await client.SendAsync(TestPackets.Request(DhcpMessageType.Decline, attacker, (uint)(0x100 + round)).With(DhcpOptionCode.RequestedAddress, offer.YourAddress).With(DhcpOptionCode.ServerIdentifier, IPAddress.Loopback), port);
                // A normal client is served during the attack.
                Assert.NotNull(await LeaseAsync(client, port, TestPackets.Mac(10 + round), (uint)(0x200 + round)));
            }

            var stats = server.Statistics;
            output.WriteLine($"run {run}: {offers} offers to the decliner in {(DateTime.UtcNow - started).TotalMilliseconds:F0} ms; declines {stats.Declines}; leases {string.Join(", ", server.GetLeases().Select(l => $"{l.IPAddress} {l.AddressState}"))}");
            Assert.Equal(run == 0 ? 3 : 0, offers); // the default limit, counted again from the journal after the restart
            Assert.Equal(3, server.GetLeases().Count(l => l.AddressState == AddressState.Declined));
            Assert.NotNull(await LeaseAsync(client, port, TestPackets.Mac(99), 0x999)); // and after it
        }

        Assert.True(Directory.GetFiles("/proc/self/fd").Length <= descriptors + 2, "descriptors did not come back");
        Assert.True(GC.GetTotalMemory(forceFullCollection: true) - heap < 8 * 1024 * 1024, "the heap grew");
    }

    [Fact]
    public async Task Relay_agent_at_the_broadcast_or_the_servers_own_address_is_dropped_and_counted()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new NetnsLab();
        int port = Random.Shared.Next(20000, 40000);
        await using var server = new DhcpServer("dhcp-relay", new DhcpServerOptions
        {
            Interfaces = [lab.HostInterface],
            Port = port,
            StartRange = lab.Address(50),
            EndRange = lab.Address(57),
            SubnetMask = IPAddress.Parse("255.255.255.0"),
        });
        using var events = server.Events.Subscribe();
        await server.StartAsync();
        using var client = new NamespaceDhcpClient(lab);
        using var relay = new NamespaceDhcpClient(lab, port); // a real relay agent listens on the server port
        var to = new IPEndPoint(lab.ServerAddress, port);
        foreach (var (giaddr, why) in new[] { (lab.Address(255), "broadcast"), (lab.ServerAddress, "own address"), (IPAddress.Parse("127.0.0.1"), "not a unicast") })
        {
            for (int i = 0; i < 5; i++)
            {
                var m = TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(0x300 + i), (uint)(0x300 + i));
                m.RelayAgentAddress = giaddr;
                await relay.SendAsync(m, to);
            }

            var dropped = await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.Ignored && e.Reason!.Contains(giaddr.ToString() + " ", StringComparison.Ordinal));
            Assert.Contains(why, dropped.Reason, StringComparison.Ordinal);
            // A normal client is still served (before the fix the server had sent OFFERs to the broadcast, or to itself).
            var offer = await client.TryExchangeAsync(TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(0x400), 0x400), new IPEndPoint(IPAddress.Broadcast, port), TimeSpan.FromSeconds(3));
            Assert.Equal(DhcpMessageType.Offer, offer?.MessageType);
        }

        Assert.Equal(15, server.Statistics.BadRelayAgents);
        Assert.Equal(3, server.Statistics.Offers);

        // A plausible relay agent (the namespace's own address) is still served, at its address on the server port.
        var relayed = TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(0x500), 0x500);
        relayed.RelayAgentAddress = lab.ClientAddress;
        var relayedOffer = await relay.TryExchangeAsync(relayed, to, TimeSpan.FromSeconds(3));
        Assert.Equal(DhcpMessageType.Offer, relayedOffer?.MessageType);
    }

    private static async Task<DhcpMessage?> LeaseAsync(LoopbackClient client, int port, byte[] mac, uint xid)
    {
        await client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, mac, xid), port);
        var offer = await ReceiveForAsync(client, xid);
        if (offer?.MessageType != DhcpMessageType.Offer)
        {
            return null;
        }

        await client.SendAsync(TestPackets.Request(DhcpMessageType.Request, mac, xid).With(DhcpOptionCode.ServerIdentifier, IPAddress.Loopback).With(DhcpOptionCode.RequestedAddress, offer.YourAddress), port);
        var ack = await ReceiveForAsync(client, xid);
        return ack?.MessageType == DhcpMessageType.Ack ? ack : null;
    }

    private static async Task<DhcpMessage?> ReceiveForAsync(LoopbackClient client, uint xid)
    {
        while (await TryReceiveAsync(client, TimeSpan.FromSeconds(5)) is { } m)
        {
            if (m.TransactionId == xid)
            {
                return m;
            }
        }

        return null;
    }

    private static async Task<DhcpMessage?> TryReceiveAsync(LoopbackClient client, TimeSpan timeout)
    {
        try
        {
            return await client.ReceiveAsync(timeout);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }
}
