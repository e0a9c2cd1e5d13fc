using System.Diagnostics;
using System.Net;
using System.Text.Json;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.TestSupport;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>
/// Real sockets across a veth pair: the servers listen in the root namespace on the host end of a veth
/// (on an unprivileged port, bound to that device only), clients run inside a namespace the test creates —
/// python3-scapy for the PXE exchange with raw frames from 0.0.0.0, a C# client for the 200-client load.
/// </summary>
[Collection("netns")]
public sealed class NamespaceSocketTests
{
    private const string ScapyClient = """
import sys, json
from scapy.all import conf, Ether, IP, UDP, BOOTP, DHCP, srp1, get_if_hwaddr, bind_layers
conf.checkIPaddr = False
conf.verb = 0
iface, server, client, port, mode = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
for p in sys.argv[4:]:
    if p.isdigit():
        bind_layers(UDP, BOOTP, sport=int(p))  # the server's test ports are not 67/4011
mac = get_if_hwaddr(iface)
chaddr = bytes.fromhex(mac.replace(':', ''))
uuid = bytes([0]) + bytes(range(16))
def show(step, r):
    if r is None:
        print(json.dumps({'step': step, 'answered': False}), flush=True)
        return
    b = r[BOOTP]
    opts = {}
    for o in r[DHCP].options:
        if isinstance(o, tuple):
            v = o[1]
            opts[str(o[0])] = v.hex() if isinstance(v, bytes) else str(v)
    print(json.dumps({'step': step, 'answered': True, 'src': r[IP].src, 'dst': r[IP].dst, 'dport': r[UDP].dport, 'xid': b.xid,
        'yiaddr': b.yiaddr, 'siaddr': b.siaddr, 'file': b.file.rstrip(b'\0').decode(), 'flags': int(b.flags), 'options': opts}), flush=True)
if mode == 'pxe':
    opts = [('message-type', 'discover'), ('pxe_client_architecture', b'\x00\x07'), ('pxe_client_network_interface', b'\x01\x03\x10'),
            ('vendor_class_id', b'PXEClient:Arch:00007:UNDI:003016'), ('pxe_client_machine_identifier', uuid), ('param_req_list', [1, 3, 43, 60, 66, 67]), 'end']
    d = Ether(src=mac, dst='ff:ff:ff:ff:ff:ff') / IP(src='0.0.0.0', dst='255.255.255.255') / UDP(sport=68, dport=port) / BOOTP(chaddr=chaddr, xid=0x1111) / DHCP(options=opts)
    offer = srp1(d, iface=iface, timeout=5)
    show('offer', offer)
    if offer is not None:
        opts = [('message-type', 'request'), ('pxe_client_architecture', b'\x00\x07'), ('vendor_class_id', b'PXEClient:Arch:00007:UNDI:003016'),
                ('pxe_client_machine_identifier', uuid), ('server_id', server), 'end']
        q = Ether(src=mac, dst=offer[Ether].src) / IP(src=client, dst=server) / UDP(sport=68, dport=int(sys.argv[6])) / BOOTP(chaddr=chaddr, xid=0x2222, ciaddr=client) / DHCP(options=opts)
        show('ack', srp1(q, iface=iface, timeout=5))
else:
    opts = [('message-type', 'discover'), ('vendor_class_id', b'MSFT 5.0'), ('param_req_list', [1, 3, 6]), 'end']
    d = Ether(src=mac, dst='ff:ff:ff:ff:ff:ff') / IP(src='0.0.0.0', dst='255.255.255.255') / UDP(sport=68, dport=port) / BOOTP(chaddr=chaddr, xid=0x3333) / DHCP(options=opts)
    show('plain', srp1(d, iface=iface, timeout=1.5))
""";

    private static int FreePort() => Random.Shared.Next(20000, 40000);

    private static async Task<List<JsonElement>> RunScapyAsync(NetnsLab lab, params string[] args)
    {
        string script = Path.Combine(Path.GetTempPath(), $"pxt-scapy-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, ScapyClient);
        try
        {
            var (code, output, error) = await lab.ExecAsync(TimeSpan.FromSeconds(60), ["/usr/bin/python3", script, lab.ClientInterface, .. args]);
            Assert.True(code == 0, error);
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();
        }
        finally
        {
            File.Delete(script);
        }
    }

    [Fact]
    public async Task Scapy_client_discover_proxy_offer_request_4011_ack_and_a_plain_client_gets_nothing()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new NetnsLab();
        int port = FreePort(), pxePort = port + 1;
        await using var server = new ProxyDhcpServer("proxy-ns", new ProxyDhcpServerOptions { Interfaces = [lab.HostInterface], Port = port, PxePort = pxePort });
        using var events = server.Events.Subscribe();
        await server.StartAsync();
        Assert.All(server.EndPoints, e => Assert.Equal(lab.ServerAddress, e.Address));

        var lines = await RunScapyAsync(lab, lab.ServerAddress.ToString(), lab.ClientAddress.ToString(), port.ToString(), "pxe", pxePort.ToString());
        var offer = lines.Single(l => l.GetProperty("step").GetString() == "offer");
        Assert.True(offer.GetProperty("answered").GetBoolean(), "no proxy OFFER");
        Assert.Equal("255.255.255.255", offer.GetProperty("dst").GetString());
        Assert.Equal(68, offer.GetProperty("dport").GetInt32());
        Assert.Equal("0.0.0.0", offer.GetProperty("yiaddr").GetString());
        Assert.Equal(lab.ServerAddress.ToString(), offer.GetProperty("siaddr").GetString()); // UEFI single entry: boot server
        Assert.Equal(lab.ServerAddress.ToString(), offer.GetProperty("options").GetProperty("server_id").GetString());
        Assert.Equal("PXEClient", Convert.FromHexString(offer.GetProperty("options").GetProperty("vendor_class_id").GetString()!).Select(b => (char)b).Aggregate("", (s, c) => s + c));
        Assert.Equal("00" + Convert.ToHexString(Enumerable.Range(0, 16).Select(i => (byte)i).ToArray()).ToLowerInvariant(), offer.GetProperty("options").GetProperty("pxe_client_machine_identifier").GetString());

        var ack = lines.Single(l => l.GetProperty("step").GetString() == "ack");
        Assert.True(ack.GetProperty("answered").GetBoolean(), "no ACK from port 4011");
        Assert.Equal("syslinux.efi", ack.GetProperty("file").GetString());
        Assert.Equal(lab.ClientAddress.ToString(), ack.GetProperty("dst").GetString());

        var plain = await RunScapyAsync(lab, lab.ServerAddress.ToString(), lab.ClientAddress.ToString(), port.ToString(), "plain");
        Assert.False(plain.Single().GetProperty("answered").GetBoolean());
        var ignored = await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.Ignored && e.TransactionId == 0x3333);
        Assert.Contains("MSFT 5.0", ignored.Reason, StringComparison.Ordinal);
        var stats = server.Statistics;
        Assert.Equal(1, stats.ProxyOffers);
        Assert.Equal(1, stats.ProxyAcks);
    }

    [Fact]
    public async Task Full_mode_leases_200_distinct_addresses_renews_and_releases()
    {
        Assert.True(NetnsLab.Available, "needs root and iproute2");
        using var lab = new NetnsLab();
        // The client namespace accepts (and answers ARP for) the whole pool, so unicast renewals reach it.
        foreach (var block in new[] { "16/28", "32/27", "64/26", "128/26", "192/27", "224/28" })
        {
            lab.Exec("ip", "route", "add", "local", $"10.201.{lab.Subnet}.{block}", "dev", "lo", "table", "local");
        }

        int port = FreePort();
        await using var server = new DhcpServer("dhcp-ns", new DhcpServerOptions
        {
            Interfaces = [lab.HostInterface],
            Port = port,
            StartRange = lab.Address(16),
            EndRange = lab.Address(239),
            SubnetMask = IPAddress.Parse("255.255.255.0"),
            Router = [lab.ServerAddress],
            LeaseDuration = TimeSpan.FromHours(1),
        });
        using var events = server.Events.Subscribe(100_000);
        await server.StartAsync();
        using var client = new NamespaceDhcpClient(lab);
        var broadcast = new IPEndPoint(IPAddress.Broadcast, port);
        var unicast = new IPEndPoint(lab.ServerAddress, port);

        var discovers = Enumerable.Range(1, 200).Select(i => TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(i), (uint)i)).ToList();
        var offers = await client.ExchangeAsync(discovers, broadcast);
        Assert.Equal(200, offers.Values.Select(o => o.YourAddress).Distinct().Count());

        var requests = Enumerable.Range(1, 200).Select(i => TestPackets.Request(DhcpMessageType.Request, TestPackets.Mac(i), (uint)(1000 + i))
            .With(DhcpOptionCode.ServerIdentifier, lab.ServerAddress).With(DhcpOptionCode.RequestedAddress, offers[(uint)i].YourAddress)).ToList();
        var acks = await client.ExchangeAsync(requests, broadcast);
        Assert.All(acks.Values, a => Assert.Equal(DhcpMessageType.Ack, a.MessageType));
        Assert.Equal(200, acks.Values.Select(a => a.YourAddress).Distinct().Count());
        Assert.Equal(200, server.GetLeases().Count(l => l.AddressState == AddressState.Active));

        // RENEWING: unicast from the leased address, answered to ciaddr.
        var renewals = Enumerable.Range(1, 200).Select(i => TestPackets.Request(DhcpMessageType.Request, TestPackets.Mac(i), (uint)(2000 + i))
            .WithClientAddress(acks[(uint)(1000 + i)].YourAddress)).ToList();
        var renewed = await client.ExchangeAsync(renewals, unicast);
        Assert.All(Enumerable.Range(1, 200), i => Assert.Equal(acks[(uint)(1000 + i)].YourAddress, renewed[(uint)(2000 + i)].YourAddress));

        foreach (var i in Enumerable.Range(1, 200))
        {
            await client.SendAsync(TestPackets.Request(DhcpMessageType.Release, TestPackets.Mac(i), (uint)(3000 + i))
                .WithClientAddress(acks[(uint)(1000 + i)].YourAddress).With(DhcpOptionCode.ServerIdentifier, lab.ServerAddress), unicast);
        }

        int released = 0;
        while (released < 200)
        {
            await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.DhcpRelease, TimeSpan.FromSeconds(10));
            released++;
        }

        Assert.Equal(200, server.GetLeases().Count(l => l.AddressState == AddressState.Expired));
        Assert.Equal(0, server.Statistics.Malformed);
    }
}
