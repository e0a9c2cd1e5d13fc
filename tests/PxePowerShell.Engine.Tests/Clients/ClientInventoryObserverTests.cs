using System.Net;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Clients;

public sealed class ClientInventoryObserverTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static PxeEvent Event(PxeEventKind kind, int second = 0) => new() { Kind = kind, Time = T0.AddSeconds(second), Server = "test" };

    /// <summary>Completes when <paramref name="condition"/> holds after a batch the registry wrote.</summary>
    private static Task WhenWritten(ClientRegistry registry, Func<bool> condition)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        registry.BatchWritten += (_, _) =>
        {
            if (condition())
            {
                done.TrySetResult();
            }
        };
        return done.Task.WaitAsync(Timeout);
    }

    [Fact]
    public async Task Events_published_on_a_hub_become_inventory_records()
    {
        var hub = new EventHub();
        await using var registry = ClientRegistry.Open(_temp.Path);
        await using var observer = new ClientInventoryObserver(hub, registry);
        var mac = MacAddress.Parse("52:54:00:ab:cd:ef");
        var written = WhenWritten(registry, () => registry.Find(mac) is { LastError: not null, BootCount: 1 });

        // A TFTP transfer before DHCP linked the address, then the DHCP exchange, then a failed transfer.
        hub.Publish(Event(PxeEventKind.ServerStarted) with { Reason = "0.0.0.0:69" });
        hub.Publish(Event(PxeEventKind.TransferStarted) with { Protocol = PxeProtocol.Tftp, ClientEndPoint = new IPEndPoint(IPAddress.Parse("10.201.0.50"), 2070), Path = "pxelinux.0" });
        hub.Publish(Event(PxeEventKind.DhcpDiscover, 1) with { Protocol = PxeProtocol.Dhcp, MacAddress = "52:54:00:AB:CD:EF", ClientEndPoint = new IPEndPoint(IPAddress.Any, 68), TransactionId = 0x1234, Architecture = "Bios", VendorClass = "PXEClient:Arch:00000:UNDI:002001", Uuid = Guid.Parse("00000000-0000-4000-8000-525400abcdef") });
        hub.Publish(Event(PxeEventKind.DhcpAck, 2) with { Protocol = PxeProtocol.Dhcp, MacAddress = "52-54-00-ab-cd-ef", IPAddress = IPAddress.Parse("10.201.0.50"), BootFile = "pxelinux.0", TransactionId = 0x1234 });
        hub.Publish(Event(PxeEventKind.TransferFailed, 3) with { Protocol = PxeProtocol.Tftp, ClientAddress = IPAddress.Parse("10.201.0.50"), Path = "pxelinux.cfg/default", Error = "timed out" });
        await written;

        var client = Assert.Single(registry.Get());
        Assert.Equal("52-54-00-ab-cd-ef", client.MacAddress);
        Assert.Equal(IPAddress.Parse("10.201.0.50"), client.IPAddress);
        Assert.Equal("Bios", client.Architecture);
        Assert.Equal("PXEClient:Arch:00000:UNDI:002001", client.VendorClass);
        Assert.Equal(Guid.Parse("00000000-0000-4000-8000-525400abcdef"), client.Uuid);
        Assert.Equal(T0, client.FirstSeen);
        Assert.Equal(T0.AddSeconds(3), client.LastSeen);
        Assert.Equal("pxelinux.cfg/default", client.LastBootFile);
        Assert.Equal("timed out", client.LastError);
        Assert.Equal(1, client.BootCount);
        Assert.Equal(4, observer.Sightings);
    }

    [Fact]
    public void Mapping_ignores_life_cycle_traces_ignored_traffic_only_and_never_takes_a_relay_address_for_the_client()
    {
        Assert.Null(ClientInventoryObserver.ToSighting(Event(PxeEventKind.ServerStarted)));
        Assert.Null(ClientInventoryObserver.ToSighting(Event(PxeEventKind.Ignored)));
        var ignored = ClientInventoryObserver.ToSighting(Event(PxeEventKind.Ignored) with { MacAddress = "52-54-00-00-00-01", Reason = "REQUEST is for server 10.0.0.1" })!;
        Assert.True(ignored.TraceOnly);
        Assert.Equal("REQUEST is for server 10.0.0.1", ignored.Trace!.Reason);
        Assert.Null(ignored.IPAddress);
        Assert.Null(ClientInventoryObserver.ToSighting(Event(PxeEventKind.TransferStarted) with { Path = "x" })); // nobody to attribute it to

        var relayed = ClientInventoryObserver.ToSighting(Event(PxeEventKind.DhcpDiscover) with { MacAddress = "52-54-00-00-00-01", ClientEndPoint = new IPEndPoint(IPAddress.Parse("10.201.9.1"), 67), TransactionId = 9 })!;
        Assert.Null(relayed.IPAddress);
        Assert.True(relayed.StartsBoot);
        Assert.Equal(9u, relayed.TransactionId);

        var proxyAck = ClientInventoryObserver.ToSighting(Event(PxeEventKind.ProxyAck) with { MacAddress = "525400000001", ClientEndPoint = new IPEndPoint(IPAddress.Parse("10.201.0.7"), 68), BootFile = "ipxe.efi" })!;
        Assert.Equal(IPAddress.Parse("10.201.0.7"), proxyAck.IPAddress);
        Assert.Equal("ipxe.efi", proxyAck.BootFile);
        Assert.False(proxyAck.StartsBoot);

        var offer = ClientInventoryObserver.ToSighting(Event(PxeEventKind.DhcpOffer) with { MacAddress = "52-54-00-00-00-01", IPAddress = IPAddress.Parse("10.201.0.8"), ClientAddress = IPAddress.Any })!;
        Assert.Null(offer.IPAddress); // an offer is not yet the client's address

        var refused = ClientInventoryObserver.ToSighting(Event(PxeEventKind.RequestRefused) with { ClientAddress = IPAddress.Parse("10.201.0.7"), Path = "../etc/passwd", Reason = "unsafe path" })!;
        Assert.Equal("unsafe path", refused.Error);
        Assert.Null(refused.MacAddress);
    }

    [Fact]
    public async Task FlushAsync_returns_once_every_event_received_so_far_is_written()
    {
        var hub = new EventHub();
        await using var registry = ClientRegistry.Open(_temp.Path);
        await using var observer = new ClientInventoryObserver(hub, registry);
        await observer.FlushAsync().WaitAsync(Timeout); // nothing received: returns at once

        for (int i = 0; i < 300; i++)
        {
            hub.Publish(Event(PxeEventKind.DhcpDiscover, i) with { MacAddress = MacAddress.FromBytes([2, 0, 0, 0, (byte)(i >> 8), (byte)i]).ToString(), TransactionId = (uint)i });
        }

        await observer.FlushAsync().WaitAsync(Timeout);
        Assert.Equal(300, registry.Get().Count);
    }
}
