using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Dhcp;

/// <summary>Leases keyed by the client identifier (option 61) when a client sends one (RFC 2131 4.2, as Kea and dnsmasq), over the wire.</summary>
public sealed class DhcpClientIdentifierTests : IAsyncLifetime
{
    private readonly LoopbackClient _client = new();
    private DhcpServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = new DhcpServer("dhcp-clientid", new DhcpServerOptions
        {
            Interfaces = ["lo"],
            Port = 0,
            ClientPort = _client.Port,
            StartRange = IPAddress.Parse("127.0.0.50"),
            EndRange = IPAddress.Parse("127.0.0.59"),
            SubnetMask = IPAddress.Parse("255.255.255.0"),
        });
        await _server.StartAsync();
    }

    private static DhcpMessage WithId(DhcpMessage m, params byte[] id)
    {
        m.Options.Set(DhcpOptionCode.ClientIdentifier, id);
        return m;
    }

    private async Task<IPAddress> LeaseAsync(byte[] mac, uint xid, byte[]? id)
    {
        int port = _server.EndPoints[0].Port;
        var discover = TestPackets.Request(DhcpMessageType.Discover, mac, xid);
        await _client.SendAsync(id is null ? discover : WithId(discover, id), port);
        var offer = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Offer, offer.MessageType);
        AssertEchoed(offer, id);
        var request = TestPackets.Request(DhcpMessageType.Request, mac, xid).With(DhcpOptionCode.ServerIdentifier, IPAddress.Loopback).With(DhcpOptionCode.RequestedAddress, offer.YourAddress);
        await _client.SendAsync(id is null ? request : WithId(request, id), port);
        var ack = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Ack, ack.MessageType);
        AssertEchoed(ack, id);
        return ack.YourAddress;
    }

    /// <summary>RFC 6842: the reply carries the client identifier the client sent, unaltered, and none when it sent none.</summary>
    private static void AssertEchoed(DhcpMessage reply, byte[]? id)
    {
        bool present = reply.Options.TryGet(DhcpOptionCode.ClientIdentifier, out var echoed);
        Assert.True(present == id is not null, $"{reply.MessageType}: option 61 {(present ? "present" : "absent")}, the request {(id is null ? "had none" : "had one")}");
        if (id is not null)
        {
            Assert.Equal(id, echoed.ToArray());
        }
    }

    [Fact]
    public async Task A_nak_echoes_the_client_identifier()
    {
        byte[] id = [0xff, 0, 0, 0, 2, 0, 4, 0x11, 0x22];
        var request = TestPackets.Request(DhcpMessageType.Request, TestPackets.Mac(0x64), 6).With(DhcpOptionCode.RequestedAddress, IPAddress.Parse("10.9.9.9"));
        await _client.SendAsync(WithId(request, id), _server.EndPoints[0].Port);
        var nak = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Nak, nak.MessageType);
        AssertEchoed(nak, id);
    }

    [Fact]
    public async Task Two_client_identifiers_behind_one_mac_get_two_leases_and_one_identifier_keeps_its_address_across_macs()
    {
        var mac = TestPackets.Mac(0x61);
        byte[] duidA = [0xff, 0, 0, 0, 1, 0, 4, 0xaa, 0xbb], duidB = [0xff, 0, 0, 0, 1, 0, 4, 0xcc, 0xdd];
        var a = await LeaseAsync(mac, 1, duidA);
        var b = await LeaseAsync(mac, 2, duidB); // before: the same lease as a (keyed by chaddr only)
        Assert.NotEqual(a, b);
        Assert.Equal(a, await LeaseAsync(TestPackets.Mac(0x62), 3, duidA)); // the identifier, not the MAC, holds the lease
        var leases = _server.GetLeases();
        Assert.Contains(leases, l => l.ClientId == "FF-00-00-00-01-00-04-AA-BB" && l.IPAddress.Equals(a));

        // Option 61 = hardware type 1 + the same MAC, and no option 61 at all, are the same client (the MAC).
        var plain = await LeaseAsync(TestPackets.Mac(0x63), 4, null);
        Assert.Equal(plain, await LeaseAsync(TestPackets.Mac(0x63), 5, [1, .. TestPackets.Mac(0x63)]));
        Assert.Contains(leases.Select(l => l.ClientId), id => id == "FF-00-00-00-01-00-04-CC-DD");
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _client.Dispose();
    }
}
