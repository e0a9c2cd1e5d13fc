using System.Diagnostics;
using System.Net;
using PxePowerShell.Engine;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>
/// The fleet's client inventory and events in one database: two hosts (nodes) built by the composition root with a
/// PostgreSQL storage record what their servers publish; a third reads both. The database going away while events are
/// appended costs counted drops, never an exception in a server, and the events are written again once it is back.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFleetTests(PostgresCluster cluster) : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _local = Directory.CreateTempSubdirectory("pxepg-fleet-").FullName;

    public void Dispose() => Directory.Delete(_local, recursive: true);

    [Fact]
    public async Task Two_nodes_record_one_merged_inventory_and_their_events_and_a_third_reads_the_whole_fleet()
    {
        string db = cluster.CreateDatabase();
        var t0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 300); // whole seconds: the database keeps microseconds
        using var a = Node(db, "node-a");
        using var b = Node(db, "node-b");
        _ = a.Clients;
        _ = b.Clients;

        // 52-54-00-00-00-01 boots from node A, then (a new boot, later) from node B; 52-54-00-00-00-02 only from node A.
        a.Events.Publish(Dhcp(PxeEventKind.DhcpDiscover, "dhcp-a", 1, t0, 0x100));
        a.Events.Publish(Dhcp(PxeEventKind.DhcpAck, "dhcp-a", 1, t0.AddSeconds(1), 0x100) with { IPAddress = IPAddress.Parse("10.9.0.11") });
        a.Events.Publish(Dhcp(PxeEventKind.DhcpDiscover, "dhcp-a", 2, t0.AddSeconds(2), 0x200));
        b.Events.Publish(Dhcp(PxeEventKind.DhcpDiscover, "dhcp-b", 1, t0.AddSeconds(10), 0x300));
        b.Events.Publish(Dhcp(PxeEventKind.DhcpAck, "dhcp-b", 1, t0.AddSeconds(11), 0x300) with { IPAddress = IPAddress.Parse("10.9.0.11") });
        b.Events.Publish(new PxeEvent { Kind = PxeEventKind.TransferCompleted, Time = t0.AddSeconds(12), Server = "tftp-b", Protocol = PxeProtocol.Tftp, ClientEndPoint = new IPEndPoint(IPAddress.Parse("10.9.0.11"), 2000), Path = "pxelinux.0", Bytes = 4096, Duration = TimeSpan.FromMilliseconds(20) });
        using (var leasesA = a.Storage.Leases(LeaseFamily.IPv4).Open())
        using (var leasesB = b.Storage.Leases(LeaseFamily.IPv4).Open())
        {
            leasesA.SaveLease(Lease("10.9.0.12", 2));
            leasesB.SaveLease(Lease("10.9.0.11", 1));
        }

        foreach (var node in new[] { a, b })
        {
            await node.FlushClientsAsync().WaitAsync(Patience);
            await node.Events.FlushStoreAsync().WaitAsync(Patience);
            Assert.Equal(0, node.Events.StoreDropped);
            Assert.Equal(0, node.Clients.Failed);
        }

        // A third node, with no server: the database alone.
        using var third = PostgresStore.Open(db, "reader");
        using var inventory = new PostgresClientStore(third);
        var clients = inventory.Query(ClientQuery.All);
        Assert.Equal(["52-54-00-00-00-01", "52-54-00-00-00-02"], clients.Select(c => c.MacAddress));
        var roaming = clients[0];
        Assert.Equal(2, roaming.BootCount);
        Assert.Equal("node-b", roaming.Server); // the node that saw its last boot
        Assert.Equal(IPAddress.Parse("10.9.0.11"), roaming.IPAddress);
        Assert.Equal("pxelinux.0", roaming.LastBootFile);
        Assert.Equal(t0, roaming.FirstSeen);
        Assert.Equal("node-a", clients[1].Server);

        using var events = new PostgresEventStore(third);
        var all = events.Query(PxeEventQuery.All);
        Assert.Equal(6, all.Count);
        Assert.Equal(["node-a", "node-a", "node-a", "node-b", "node-b", "node-b"], all.Select(e => e.Node));
        var transfer = all[^1];
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.9.0.11"), 2000), transfer.ClientEndPoint);
        Assert.Equal((4096L, TimeSpan.FromMilliseconds(20), PxeProtocol.Tftp), (transfer.Bytes!.Value, transfer.Duration!.Value, transfer.Protocol));
        Assert.Equal([0x100u, 0x100u, 0x300u, 0x300u], events.Query(new PxeEventQuery { MacAddress = "52-54-00-00-00-01" }).Select(e => e.TransactionId!.Value));
        Assert.Equal(["dhcp-b"], events.Query(new PxeEventQuery { Kinds = [PxeEventKind.DhcpAck], Since = t0.AddSeconds(5) }).Select(e => e.Server));
        Assert.Equal(2, events.Query(new PxeEventQuery { Servers = ["DHCP-A"], Newest = 2 }).Count);

        // The boot trace spans both nodes: DHCP by MAC, the TFTP transfer by the address DHCP gave.
        var trace = inventory.ReadTrace("52-54-00-00-00-01", null);
        Assert.Equal(["dhcp-a", "dhcp-a", "dhcp-b", "dhcp-b", "tftp-b"], trace.Select(s => s.Server));

        // Any node's own hub reads the fleet's events; its inventory is the fleet's.
        Assert.Equal(6, a.Events.Store.Query(PxeEventQuery.All).Count);
        Assert.Equal(2, a.Clients.Get().Count);

        var leases = third.Leases.LoadWithServers();
        Assert.Equal([("10.9.0.11", "node-b"), ("10.9.0.12", "node-a")], leases.Select(l => (l.Lease.IPAddress.ToString(), l.Server)));
    }

    [Fact]
    public void A_client_seen_over_TFTP_first_is_folded_into_the_MAC_that_DHCP_links_to_its_address()
    {
        string db = cluster.CreateDatabase();
        using var store = PostgresStore.Open(db, "node-a");
        using var inventory = new PostgresClientStore(store);
        var t0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        inventory.Record([new ClientSighting { Time = t0, IPAddress = IPAddress.Parse("10.9.0.20"), BootFile = "ipxe.efi" }]);
        Assert.Null(Assert.Single(inventory.Query(ClientQuery.All)).MacAddress);

        inventory.Record([new ClientSighting { Time = t0.AddSeconds(1), MacAddress = MacAddress.Parse("52:54:00:00:00:20"), IPAddress = IPAddress.Parse("10.9.0.20"), StartsBoot = true, TransactionId = 7, Architecture = "EfiX64" }]);
        inventory.Record([new ClientSighting { Time = t0.AddSeconds(2), MacAddress = MacAddress.Parse("52:54:00:00:00:20"), StartsBoot = true, TransactionId = 7 }]); // a retransmitted DISCOVER

        var client = Assert.Single(inventory.Query(ClientQuery.All));
        Assert.Equal(("52-54-00-00-00-20", "ipxe.efi", 1, "EfiX64"), (client.MacAddress, client.LastBootFile, client.BootCount, client.Architecture));
        Assert.Equal(t0, client.FirstSeen);
        Assert.Single(inventory.Query(new ClientQuery { Architectures = ["efix64"] }));
        Assert.Equal("rescue", inventory.Update(MacAddress.Parse("52-54-00-00-00-20"), new ClientChanges { BootEntry = "rescue" }, create: false)!.BootEntry);
        Assert.Equal("rescue", inventory.FindBootEntry(MacAddress.Parse("52-54-00-00-00-20")));
        Assert.True(inventory.Remove(MacAddress.Parse("52-54-00-00-00-20")));
        Assert.Empty(inventory.Query(ClientQuery.All));
    }

    /// <summary>
    /// One batch of sightings in the order they came: the MAC sightings go to the database together, and a sighting
    /// without a MAC (from an address) after them finds the row they made, as it would have one by one: it is the same boot
    /// (its transaction id), where an address-only row of its own would have counted a second boot when folded.
    /// </summary>
    [Fact]
    public void A_batch_of_sightings_is_written_in_its_order_the_MAC_sightings_together()
    {
        string db = cluster.CreateDatabase();
        using var store = PostgresStore.Open(db, "node-a");
        using var inventory = new PostgresClientStore(store);
        var t0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var mac = MacAddress.Parse("52:54:00:00:00:30");
        inventory.Record(
        [
            new ClientSighting { Time = t0, IPAddress = IPAddress.Parse("10.9.0.30"), BootFile = "undionly.kpxe" }, // TFTP before DHCP linked it
            new ClientSighting { Time = t0.AddSeconds(1), MacAddress = mac, StartsBoot = true, TransactionId = 9 }, // DISCOVER
            new ClientSighting { Time = t0.AddSeconds(2), MacAddress = mac, IPAddress = IPAddress.Parse("10.9.0.30"), Architecture = "Bios" }, // ACK: folds the address row
            new ClientSighting { Time = t0.AddSeconds(3), IPAddress = IPAddress.Parse("10.9.0.30"), BootFile = "pxelinux.0", StartsBoot = true, TransactionId = 9 }, // after: the MAC's row, the same boot
            new ClientSighting { Time = t0.AddSeconds(4), MacAddress = MacAddress.Parse("52:54:00:00:00:31"), StartsBoot = true, TransactionId = 10 },
        ]);

        var clients = inventory.Query(ClientQuery.All);
        Assert.Equal(["52-54-00-00-00-30", "52-54-00-00-00-31"], clients.Select(c => c.MacAddress));
        Assert.Equal(("10.9.0.30", "pxelinux.0", 1, "Bios", t0), (clients[0].IPAddress?.ToString(), clients[0].LastBootFile, clients[0].BootCount, clients[0].Architecture, clients[0].FirstSeen));
    }

    [Fact]
    public async Task While_the_database_is_down_events_are_counted_drops_never_a_servers_exception_and_are_written_again_when_it_returns()
    {
        string db = cluster.CreateDatabase();
        using var node = Node(db, "node-a");
        _ = node.Storage;
        node.Events.Publish(Dhcp(PxeEventKind.DhcpDiscover, "dhcp-a", 1, DateTimeOffset.UtcNow, 1));
        await node.Events.FlushStoreAsync().WaitAsync(Patience);
        Assert.Equal(1, node.Events.StoreWritten);

        cluster.Stop();
        try
        {
            var publishing = Stopwatch.StartNew();
            for (int i = 0; i < 50; i++)
            {
                node.Events.Publish(Dhcp(PxeEventKind.DhcpDiscover, "dhcp-a", 1, DateTimeOffset.UtcNow, (uint)(100 + i))); // never throws
            }

            Assert.True(publishing.Elapsed < TimeSpan.FromSeconds(5), $"publishing during the outage took {publishing.Elapsed}");
            await node.Events.FlushStoreAsync().WaitAsync(Patience);
            Assert.Equal(50, node.Events.StoreDropped);
            var error = Assert.IsType<PxeStorageException>(node.Events.LastStoreError);
            Assert.Contains(error.ErrorId, new[] { StoreErrorIds.StoreUnreachable, StoreErrorIds.StoreFailed }); // refused, or cut mid-batch
        }
        finally
        {
            cluster.Start();
        }

        // Back: the writer goes on (a pooled connection the outage broke may cost one more batch).
        var until = Stopwatch.StartNew();
        uint xid = 1000;
        using var probe = PostgresStore.Open(db, "probe");
        using var fleet = new PostgresEventStore(probe);
        while (fleet.Query(new PxeEventQuery { Kinds = [PxeEventKind.DhcpAck] }).Count == 0)
        {
            Assert.True(until.Elapsed < Patience, "no event reached the database after it came back");
            node.Events.Publish(Dhcp(PxeEventKind.DhcpAck, "dhcp-a", 1, DateTimeOffset.UtcNow, xid++));
            await node.Events.FlushStoreAsync().WaitAsync(Patience);
        }

        Assert.True(node.Events.StoreWritten >= 2);
        Assert.Equal(node.Events.Published, node.Events.StoreWritten + node.Events.StoreDropped);
    }

    [Fact]
    public void Events_past_the_retention_count_or_age_are_deleted_as_new_ones_arrive()
    {
        string db = cluster.CreateDatabase();
        using var store = PostgresStore.Open(db, "node-a");
        using var events = new PostgresEventStore(store, maxEvents: 5, maxAge: TimeSpan.FromDays(1), pruneInterval: TimeSpan.Zero);
        var now = DateTimeOffset.UtcNow;
        events.Append([Dhcp(PxeEventKind.DhcpDiscover, "dhcp-a", 9, now.AddDays(-2), 1)]);
        for (uint batch = 0; batch < 3; batch++)
        {
            events.Append([.. Enumerable.Range(0, 4).Select(i => Dhcp(PxeEventKind.DhcpDiscover, "dhcp-a", 1, now.AddSeconds(batch * 4 + i), (uint)(10 + batch * 4 + i)))]);
        }

        Assert.Equal([17u, 18u, 19u, 20u, 21u], events.Query(PxeEventQuery.All).Select(e => e.TransactionId!.Value));
        Assert.Equal(5L, PostgresCluster.Scalar(db, "SELECT count(*) FROM pxe_event"));
    }

    private PxeHost Node(string db, string name) => new(new PxeHostOptions
    {
        DataDirectory = Path.Combine(_local, name),
        Storage = directory => PostgresStorage.Open(db, directory, name),
    });

    private static PxeEvent Dhcp(PxeEventKind kind, string server, int client, DateTimeOffset time, uint xid) => new()
    {
        Kind = kind,
        Time = time,
        Server = server,
        Protocol = PxeProtocol.Dhcp,
        ClientEndPoint = new IPEndPoint(IPAddress.Any, 68),
        MacAddress = $"52-54-00-00-00-{client:x2}",
        Architecture = "EfiX64",
        VendorClass = "PXEClient:Arch:00007:UNDI:003016",
        TransactionId = xid,
        MessageType = kind == PxeEventKind.DhcpAck ? DhcpMessageType.Request : DhcpMessageType.Discover,
        BootFile = "ipxe.efi",
    };

    private static DhcpLease Lease(string address, int client) => new()
    {
        IPAddress = IPAddress.Parse(address),
        ScopeId = IPAddress.Parse("10.9.0.0"),
        ClientId = $"52-54-00-00-00-{client:x2}",
        AddressState = AddressState.Active,
        LeaseExpiryTime = DateTimeOffset.UtcNow.AddHours(1),
    };
}
