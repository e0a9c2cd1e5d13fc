using System.Net;
using Microsoft.Data.Sqlite;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Clients;

/// <summary>Boot trace steps in the SQLite inventory: stored with the client, moved when an IP-only client gets its MAC, pruned, upgraded from schema 1.</summary>
public sealed class BootTraceStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly MacAddress Mac = MacAddress.Parse("52-54-00-aa-bb-01");
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static PxeEvent Event(PxeEventKind kind, double seconds, string? mac = "52-54-00-aa-bb-01", string? ip = null) => new()
    {
        Kind = kind,
        Time = T0.AddSeconds(seconds),
        Server = "lab",
        Protocol = kind is PxeEventKind.TransferCompleted or PxeEventKind.TransferStarted or PxeEventKind.TransferFailed or PxeEventKind.RequestRefused ? PxeProtocol.Tftp : PxeProtocol.ProxyDhcp,
        MacAddress = mac,
        ClientAddress = ip is null ? null : IPAddress.Parse(ip),
        Architecture = mac is null ? null : "Bios",
        TransactionId = mac is null ? null : 0x1234u,
        MessageType = kind == PxeEventKind.ProxyOffer ? DhcpMessageType.Discover : kind == PxeEventKind.Ignored ? DhcpMessageType.Request : null,
        ServerIdentifier = kind == PxeEventKind.Ignored ? IPAddress.Parse("10.9.0.1") : null,
        IPAddress = kind == PxeEventKind.Ignored ? IPAddress.Parse("10.9.0.50") : null,
        BootFile = kind == PxeEventKind.ProxyOffer ? "pxelinux.0" : null,
        Path = mac is null ? "pxelinux.0" : null,
        Bytes = mac is null ? 42_000 : null,
        BlockSize = mac is null ? 1456 : null,
        WindowSize = mac is null ? 4 : null,
        Retransmits = mac is null ? 2 : null,
        Duration = mac is null ? TimeSpan.FromMilliseconds(21.5) : null,
        Reason = kind == PxeEventKind.Ignored ? "REQUEST is for server 10.9.0.1" : null,
    };

    private static ClientSighting Sighting(PxeEvent pxeEvent) => ClientInventoryObserver.ToSighting(pxeEvent)!;

    [Fact]
    public void Every_field_of_a_step_round_trips_and_a_transfer_seen_by_IP_first_moves_to_the_MAC_client_DHCP_names()
    {
        using var store = new SqliteClientStore(_temp.File("clients.db"));
        // The transfer is seen before DHCP links 10.9.0.50 to the MAC: it lands on an IP-only client first.
        store.Record([Sighting(Event(PxeEventKind.TransferCompleted, 2, mac: null, ip: "10.9.0.50"))]);
        Assert.Single(store.ReadTrace(null, IPAddress.Parse("10.9.0.50")));

        store.Record([
            Sighting(Event(PxeEventKind.ProxyOffer, 0)),
            Sighting(Event(PxeEventKind.Ignored, 1)),
            Sighting(Event(PxeEventKind.ProxyAck, 1.5, ip: "10.9.0.50")),
        ]);

        Assert.Empty(store.ReadTrace(null, IPAddress.Parse("10.9.0.50")));
        var steps = store.ReadTrace(Mac.ToString(), null);
        Assert.Equal([PxeEventKind.ProxyOffer, PxeEventKind.Ignored, PxeEventKind.ProxyAck, PxeEventKind.TransferCompleted], steps.Select(s => s.Kind));
        var offer = steps[0];
        Assert.Equal(DhcpMessageType.Discover, offer.MessageType);
        Assert.Equal("pxelinux.0", offer.BootFile);
        Assert.Equal(0x1234u, offer.TransactionId);
        Assert.Equal("Bios", offer.Architecture);
        Assert.Equal("lab", offer.Server);
        Assert.Equal(PxeProtocol.ProxyDhcp, offer.Protocol);
        var ignored = steps[1];
        Assert.Equal(IPAddress.Parse("10.9.0.1"), ignored.ServerIdentifier);
        Assert.Equal(IPAddress.Parse("10.9.0.50"), ignored.IPAddress);
        Assert.Equal("REQUEST is for server 10.9.0.1", ignored.Reason);
        var transfer = steps[3];
        Assert.Equal(T0.AddSeconds(2), transfer.Time);
        Assert.Equal("pxelinux.0", transfer.Path);
        Assert.Equal(42_000, transfer.Bytes);
        Assert.Equal(1456, transfer.BlockSize);
        Assert.Equal(4, transfer.WindowSize);
        Assert.Equal(2, transfer.Retransmits);
        Assert.Equal(TimeSpan.FromMilliseconds(21.5), transfer.Duration);
        Assert.Equal(IPAddress.Parse("10.9.0.50"), transfer.ClientAddress);
        Assert.Equal(42_000 / 0.0215, transfer.BytesPerSecond!.Value, 3);
    }

    [Fact]
    public void A_DHCP_message_the_module_ignored_is_traced_for_a_known_client_and_never_creates_one()
    {
        using var store = new SqliteClientStore(_temp.File("clients.db"));
        var stranger = Event(PxeEventKind.Ignored, 0, mac: "52-54-00-aa-bb-99");
        store.Record([Sighting(stranger)]);
        Assert.Empty(store.Query(ClientQuery.All));

        store.Record([Sighting(Event(PxeEventKind.ProxyOffer, 0))]);
        var before = store.Find(Mac)!;
        store.Record([Sighting(Event(PxeEventKind.Ignored, 100))]);
        Assert.Equal(before, store.Find(Mac)); // LastSeen and the rest unchanged
        Assert.Equal(2, store.ReadTrace(Mac.ToString(), null).Count);
    }

    [Fact]
    public void Steps_beyond_the_per_client_limit_drop_the_oldest_and_removing_the_client_removes_its_trace()
    {
        using var store = new SqliteClientStore(_temp.File("clients.db"));
        int total = SqliteClientStore.TraceStepsPerClient + 150;
        store.Record(Enumerable.Range(0, total).Select(i => Sighting(Event(PxeEventKind.ProxyOffer, i))).ToList());
        var steps = store.ReadTrace(Mac.ToString(), null);
        Assert.Equal(SqliteClientStore.TraceStepsPerClient, steps.Count);
        Assert.Equal(T0.AddSeconds(150), steps[0].Time);
        Assert.Equal(T0.AddSeconds(total - 1), steps[^1].Time);
        Assert.Equal(T0.AddSeconds(total - 10), store.ReadTrace(Mac.ToString(), null, since: T0.AddSeconds(total - 10))[0].Time);

        Assert.True(store.Remove(Mac));
        store.Record([Sighting(Event(PxeEventKind.ProxyOffer, total))]);
        Assert.Single(store.ReadTrace(Mac.ToString(), null));
    }

    [Fact]
    public void A_schema_1_inventory_is_upgraded_in_place_and_keeps_its_clients()
    {
        string path = _temp.File("v1.db");
        using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE clients (id INTEGER PRIMARY KEY, mac TEXT UNIQUE, ip TEXT, architecture TEXT, vendor_class TEXT, uuid TEXT,
                    host_name TEXT, first_seen INTEGER, last_seen INTEGER, last_boot_file TEXT, boot_entry TEXT,
                    boot_count INTEGER NOT NULL DEFAULT 0, last_error TEXT, last_boot_xid INTEGER);
                CREATE UNIQUE INDEX clients_ip_only ON clients (ip) WHERE mac IS NULL;
                CREATE INDEX clients_ip ON clients (ip);
                INSERT INTO clients (mac, boot_entry, boot_count) VALUES ('52-54-00-aa-bb-01', 'arch', 3);
                PRAGMA user_version = 1;
                """;
            command.ExecuteNonQuery();
        }

        using var store = new SqliteClientStore(path);
        Assert.Equal("arch", store.FindBootEntry(Mac));
        store.Record([Sighting(Event(PxeEventKind.ProxyOffer, 0))]);
        Assert.Single(store.ReadTrace(Mac.ToString(), null));
        Assert.Equal(3, store.Find(Mac)!.BootCount);
    }
}
