using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Services;

namespace PxePowerShell.Engine.Tests.Dhcp;

public sealed class DhcpServerTests : IAsyncLifetime
{
    private readonly LoopbackClient _client = new();
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "pxe-dhcpsrv-" + Guid.NewGuid().ToString("N"));
    private DhcpServer _server = null!;

    private DhcpServerOptions Options => new()
    {
        Interfaces = ["lo"],
        Port = 0,
        ClientPort = _client.Port,
        StartRange = IPAddress.Parse("127.0.0.50"),
        EndRange = IPAddress.Parse("127.0.0.99"),
        SubnetMask = IPAddress.Parse("255.255.255.0"),
        DataDirectory = _dir,
        Boot = new PxeBootOptions(),
    };

    public async Task InitializeAsync()
    {
        _server = new DhcpServer("dhcp-test", Options);
        await _server.StartAsync();
    }

    [Fact]
    public async Task Leases_an_address_over_the_wire_and_lists_it()
    {
        int port = _server.EndPoints[0].Port;
        using var events = _server.Events.Subscribe();
        var mac = TestPackets.Mac(0x31);
        await _client.SendAsync(TestPackets.Pxe(DhcpMessageType.Discover, mac, ClientArchitecture.Bios, 1), port);
        var offer = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Offer, offer.MessageType);
        Assert.Equal("pxelinux.0", offer.BootFileName);
        await _client.SendAsync(TestPackets.Pxe(DhcpMessageType.Request, mac, ClientArchitecture.Bios, 1).With(DhcpOptionCode.ServerIdentifier, IPAddress.Loopback).With(DhcpOptionCode.RequestedAddress, offer.YourAddress), port);
        var ack = await _client.ReceiveAsync();
        Assert.Equal(DhcpMessageType.Ack, ack.MessageType);
        var lease = Assert.Single(_server.GetLeases());
        Assert.Equal(offer.YourAddress, lease.IPAddress);
        var kinds = new List<PxeEventKind>();
        while (kinds.Count < 4)
        {
            var e = await LoopbackClient.WaitForAsync(events, x => x.Protocol == PxeProtocol.Dhcp);
            kinds.Add(e.Kind);
            Assert.Equal("52-54-00-00-00-31", e.MacAddress);
            Assert.Equal("Bios", e.Architecture);
            if (e.Kind == PxeEventKind.DhcpAck)
            {
                Assert.Equal(offer.YourAddress, e.IPAddress);
                Assert.Equal("pxelinux.0", e.BootFile);
            }
        }

        Assert.Equal([PxeEventKind.DhcpDiscover, PxeEventKind.DhcpOffer, PxeEventKind.DhcpRequest, PxeEventKind.DhcpAck], kinds);
        Assert.Equal(AddressState.Active, lease.AddressState);

        Assert.True(_server.RemoveLease(lease.IPAddress));
        Assert.Empty(_server.GetLeases());
        _server.AddReservation(new DhcpReservation(IPAddress.Parse("127.0.0.200"), "52-54-00-00-00-32"));
        Assert.Equal(AddressState.InactiveReservation, Assert.Single(_server.GetLeases()).AddressState);
        var stats = _server.GetStatistics();
        Assert.Equal(1, stats.Offers);
        Assert.Equal(1, stats.Acks);
    }

    [Fact]
    public async Task A_range_outside_the_interface_subnet_is_refused()
    {
        await using var bad = new DhcpServer("dhcp-bad", Options with { StartRange = IPAddress.Parse("10.201.250.50"), EndRange = IPAddress.Parse("10.201.250.60"), DataDirectory = null });
        var ex = await Assert.ThrowsAsync<PxeStartException>(() => bad.StartAsync());
        Assert.Contains("outside the subnet", ex.Message, StringComparison.Ordinal);
        Assert.Equal(PxeErrorIds.RangeOutsideSubnet, ex.ErrorId);
        Assert.Equal(PxeErrorCategory.InvalidArgument, ex.Category);
    }

    [Fact]
    public async Task High_availability_over_a_store_without_heartbeats_is_a_start_error_that_leaves_the_journal_free()
    {
        string dir = _dir + "-ha";
        var ha = new DhcpHaOptions { ServerName = "dhcp-ha", Peers = ["dhcp-ha", "dhcp-peer"] };
        try
        {
            await using (var journal = new DhcpServer("dhcp-ha", Options with { DataDirectory = dir, HighAvailability = ha }))
            {
                var ex = await Assert.ThrowsAsync<PxeStartException>(() => journal.StartAsync());
                Assert.Equal(PxeErrorIds.SharedStoreRequired, ex.ErrorId);
                Assert.Equal(PxeErrorCategory.InvalidArgument, ex.Category);
                Assert.Contains("PostgreSQL store (-Store", ex.Message, StringComparison.Ordinal);
                Assert.Contains(dir, ex.Message, StringComparison.Ordinal); // names the store it was given
                Assert.Equal(PxeServerState.Faulted, journal.State);
            }

            // The journal it opened was closed again: another server takes the same directory.
            await using var next = new DhcpServer("dhcp-after", Options with { DataDirectory = dir });
            await next.StartAsync();
            Assert.Equal(PxeServerState.Running, next.State);
            Assert.Null(next.GetStatistics().HighAvailability);
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        await using var inMemory = new DhcpServer("dhcp-ha", Options with { DataDirectory = null, HighAvailability = ha });
        Assert.Equal(PxeErrorIds.SharedStoreRequired, (await Assert.ThrowsAsync<PxeStartException>(() => inMemory.StartAsync())).ErrorId);
    }

    [Fact]
    public void Bad_options_are_refused_with_every_reason()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DhcpServer("x", Options with { StartRange = IPAddress.Parse("127.0.0.99"), EndRange = IPAddress.Parse("127.0.0.60") }));
        Assert.Contains("after EndRange", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => new DhcpServer("x", Options with { EndRange = IPAddress.Parse("127.0.1.50"), SubnetMask = IPAddress.Parse("255.255.0.255") }));
        Assert.Contains("not a valid subnet mask", ex.Message, StringComparison.Ordinal);
        ex = Assert.Throws<ArgumentException>(() => new DhcpServer("x", Options with { EndRange = IPAddress.Parse("127.0.1.50") }));
        Assert.Contains("not inside one subnet", ex.Message, StringComparison.Ordinal);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _client.Dispose();
        // The journal outlives the server: a stopped server still lists it.
        Assert.NotNull(_server.GetLeases());
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, true);
        }
    }
}
