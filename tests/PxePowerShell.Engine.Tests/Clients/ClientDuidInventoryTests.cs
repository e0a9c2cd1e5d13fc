using System.Net;
using Microsoft.Data.Sqlite;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Clients;

/// <summary>DHCPv6 clients in the inventory: the DUID beside a MAC, and clients known by their DUID alone.</summary>
public sealed class ClientDuidInventoryTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 4, 5, 6, 7, TimeSpan.Zero);
    private static readonly MacAddress Mac = MacAddress.Parse("52:54:00:12:34:56");

    // DUID-LLT (type 1, Ethernet) of 52-54-00-12-34-56, as OVMF sends it.
    private const string DuidLlt = "00-01-00-01-2e-1a-2b-3c-52-54-00-12-34-56";

    // DUID-EN (type 2, enterprise 43793 systemd) and DUID-UUID (type 4): no MAC inside.
    private const string DuidEn = "00-02-00-00-ab-11-5c-0f-e6-3b-a1-d0-42-17";
    private const string DuidUuid = "00-04-8c-4f-1a-2e-00-00-40-00-80-00-52-54-00-ab-cd-ef";

    private readonly TempDirectory _temp = new();
    private readonly SqliteClientStore _store;

    public ClientDuidInventoryTests() => _store = new SqliteClientStore(_temp.File("clients.db"));

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    private static PxeEvent Dhcp6(PxeEventKind kind, int second, string duid, string? mac = null, int sourcePort = 546, string? granted = null) => new()
    {
        Kind = kind,
        Time = T0.AddSeconds(second),
        Server = "test",
        Protocol = PxeProtocol.Dhcp6,
        ClientEndPoint = new IPEndPoint(IPAddress.Parse(sourcePort == 546 ? "fe80::5054:ff:fe12:3456" : "fd00:77::1"), sourcePort),
        ClientAddress = IPAddress.Parse(sourcePort == 546 ? "fe80::5054:ff:fe12:3456" : "fd00:77::1"),
        MacAddress = mac,
        Duid = duid,
        Architecture = "EfiX64",
        VendorClass = "PXEClient:Arch:00007:UNDI:003000",
        TransactionId = 0xabcdef,
        MessageType = kind is PxeEventKind.DhcpOffer or PxeEventKind.ProxyOffer ? DhcpMessageType.Discover : DhcpMessageType.Request,
        IPAddress = granted is null ? null : IPAddress.Parse(granted),
        BootFile = "tftp://[fd00:77::1]/ipxe.efi",
    };

    private static ClientSighting Sighting(PxeEvent e) => ClientInventoryObserver.ToSighting(e) ?? throw new InvalidOperationException($"{e.Kind} made no sighting");

    [Fact]
    public void A_DHCPv6_event_becomes_a_sighting_with_its_DUID_with_or_without_a_MAC_and_never_with_the_relay_address()
    {
        var withMac = Sighting(Dhcp6(PxeEventKind.DhcpAck, 0, DuidLlt, mac: "52-54-00-12-34-56", granted: "fd00:77::105"));
        Assert.Equal(Mac, withMac.MacAddress);
        Assert.Equal(DuidLlt, withMac.Duid);
        Assert.Equal(IPAddress.Parse("fd00:77::105"), withMac.IPAddress);

        // Upper-case or colon-separated DUIDs are kept in the one form the inventory and Get-PxeLease use.
        var duidOnly = Sighting(Dhcp6(PxeEventKind.DhcpOffer, 0, DuidEn.ToUpperInvariant().Replace('-', ':'), sourcePort: 547));
        Assert.Null(duidOnly.MacAddress);
        Assert.Equal(DuidEn, duidOnly.Duid);
        Assert.Null(duidOnly.IPAddress); // a Relay-forw comes from the relay's port 547: its address is not the client's

        var relayedAck = Sighting(Dhcp6(PxeEventKind.DhcpAck, 1, DuidEn, sourcePort: 547, granted: "fd00:77::106"));
        Assert.Equal(IPAddress.Parse("fd00:77::106"), relayedAck.IPAddress); // the address granted is

        // A DHCPv4 event from port 547 is not a DHCPv6 relay; an ignored DHCPv6 message without a MAC says nothing.
        var v4 = Sighting(new PxeEvent { Kind = PxeEventKind.DhcpDiscover, Time = T0, Server = "test", Protocol = PxeProtocol.Dhcp, MacAddress = "52-54-00-12-34-56", ClientEndPoint = new IPEndPoint(IPAddress.Parse("10.0.0.9"), 547) });
        Assert.Equal(IPAddress.Parse("10.0.0.9"), v4.IPAddress);
        Assert.Null(ClientInventoryObserver.ToSighting(Dhcp6(PxeEventKind.Ignored, 0, DuidEn)));
    }

    [Fact]
    public void A_DHCPv6_client_whose_DUID_carries_its_MAC_shares_the_row_of_its_IPv4_sightings()
    {
        _store.Record([new ClientSighting { Time = T0, MacAddress = Mac, IPAddress = IPAddress.Parse("10.201.0.10"), Architecture = "EfiX64", StartsBoot = true, TransactionId = 1 }]);
        _store.Record([
            Sighting(Dhcp6(PxeEventKind.DhcpOffer, 10, DuidLlt, mac: "52-54-00-12-34-56")),
            Sighting(Dhcp6(PxeEventKind.DhcpAck, 11, DuidLlt, mac: "52-54-00-12-34-56", granted: "fd00:77::105")),
        ]);

        var client = Assert.Single(_store.Query(ClientQuery.All));
        Assert.Equal("52-54-00-12-34-56", client.MacAddress);
        Assert.Equal(DuidLlt, client.Duid);
        Assert.Equal(IPAddress.Parse("fd00:77::105"), client.IPAddress);
        Assert.Equal(T0, client.FirstSeen);
        Assert.Equal(DuidLlt, _store.Find(Mac)!.Duid);
        Assert.Equal("52-54-00-12-34-56", Assert.Single(_store.Query(new ClientQuery { Duids = [DuidLlt] })).MacAddress);

        // A later IPv4 exchange keeps the DUID: a sighting never erases what it does not say.
        _store.Record([new ClientSighting { Time = T0.AddSeconds(20), MacAddress = Mac, IPAddress = IPAddress.Parse("10.201.0.10") }]);
        Assert.Equal(DuidLlt, _store.Find(Mac)!.Duid);
    }

    [Fact]
    public void A_client_known_only_by_its_DUID_gets_a_row_keyed_by_the_DUID_that_later_sightings_update()
    {
        _store.Record([Sighting(Dhcp6(PxeEventKind.DhcpOffer, 0, DuidEn, sourcePort: 547))]);
        _store.Record([
            Sighting(Dhcp6(PxeEventKind.DhcpAck, 1, DuidEn, sourcePort: 547, granted: "fd00:77::110")),
            Sighting(Dhcp6(PxeEventKind.DhcpAck, 2, DuidUuid, granted: "fd00:77::111")),
        ]);

        var clients = _store.Query(ClientQuery.All);
        Assert.Equal([DuidEn, DuidUuid], clients.Select(c => c.Duid));
        Assert.All(clients, c => Assert.Null(c.MacAddress));
        var en = Assert.Single(_store.Query(new ClientQuery { Duids = [DuidEn] }));
        Assert.Equal(IPAddress.Parse("fd00:77::110"), en.IPAddress);
        Assert.Equal(T0, en.FirstSeen);
        Assert.Equal(T0.AddSeconds(1), en.LastSeen);
        Assert.Equal("EfiX64", en.Architecture);
        Assert.Empty(_store.Query(new ClientQuery { Duids = ["00-02-00-00-00-00-00-01"] }));

        // A TFTP transfer from its address is the DUID client's, not a new address-only client.
        _store.Record([new ClientSighting { Time = T0.AddSeconds(5), IPAddress = IPAddress.Parse("fd00:77::110"), BootFile = "ipxe.efi" }]);
        en = Assert.Single(_store.Query(new ClientQuery { Duids = [DuidEn] }));
        Assert.Equal("ipxe.efi", en.LastBootFile);
        Assert.Equal(2, _store.Query(ClientQuery.All).Count);
    }

    [Fact]
    public void A_DUID_only_client_is_folded_into_its_MAC_once_a_relay_names_its_link_layer_address()
    {
        _store.Record([
            Sighting(Dhcp6(PxeEventKind.DhcpOffer, 0, DuidEn, sourcePort: 547) with { Kind = PxeEventKind.DhcpDiscover, BootFile = null }),
            Sighting(Dhcp6(PxeEventKind.DhcpAck, 1, DuidEn, sourcePort: 547, granted: "fd00:77::120")),
        ]);
        Assert.Null(Assert.Single(_store.Query(ClientQuery.All)).MacAddress);
        _store.Record([new ClientSighting { Time = T0.AddSeconds(-30), MacAddress = Mac, IPAddress = IPAddress.Parse("10.201.0.10"), StartsBoot = true, TransactionId = 9 }]);

        // The relay's client link-layer address option (79) now links the DUID to the MAC the IPv4 exchange knew.
        _store.Record([Sighting(Dhcp6(PxeEventKind.DhcpOffer, 40, DuidEn, mac: "52-54-00-12-34-56", sourcePort: 547))]);

        var client = Assert.Single(_store.Query(ClientQuery.All));
        Assert.Equal("52-54-00-12-34-56", client.MacAddress);
        Assert.Equal(DuidEn, client.Duid);
        Assert.Equal(IPAddress.Parse("fd00:77::120"), client.IPAddress); // the DUID row's address, newer than the IPv4 one
        Assert.Equal(T0.AddSeconds(-30), client.FirstSeen);
        Assert.Equal(T0.AddSeconds(40), client.LastSeen);
        Assert.Equal(2, client.BootCount); // the IPv4 DISCOVER and the DUID row's own

        // A MAC the inventory did not know takes the DUID row over.
        var other = MacAddress.Parse("52-54-00-ab-cd-ef");
        _store.Record([Sighting(Dhcp6(PxeEventKind.DhcpAck, 50, DuidUuid, sourcePort: 547, granted: "fd00:77::121"))]);
        _store.Record([Sighting(Dhcp6(PxeEventKind.DhcpOffer, 60, DuidUuid, mac: "52-54-00-ab-cd-ef", sourcePort: 547))]);
        var adopted = _store.Find(other)!;
        Assert.Equal(DuidUuid, adopted.Duid);
        Assert.Equal(IPAddress.Parse("fd00:77::121"), adopted.IPAddress);
        Assert.Equal(T0.AddSeconds(50), adopted.FirstSeen);
        Assert.Equal(T0.AddSeconds(60), adopted.LastSeen);
        Assert.Equal(2, _store.Query(ClientQuery.All).Count);
    }

    [Fact]
    public void A_batch_with_DUID_and_address_only_clients_leaves_what_writing_them_one_by_one_leaves()
    {
        ClientSighting[] batch =
        [
            new() { Time = T0, MacAddress = Mac, IPAddress = IPAddress.Parse("10.201.0.10"), StartsBoot = true, TransactionId = 1 },
            Sighting(Dhcp6(PxeEventKind.DhcpOffer, 1, DuidLlt, mac: "52-54-00-12-34-56")),
            Sighting(Dhcp6(PxeEventKind.DhcpOffer, 2, DuidEn, sourcePort: 547) with { BootFile = null }),
            new() { Time = T0.AddSeconds(3), IPAddress = IPAddress.Parse("fd00:77::130"), BootFile = "snponly.efi" },
            Sighting(Dhcp6(PxeEventKind.DhcpAck, 4, DuidEn, sourcePort: 547, granted: "fd00:77::130") with { BootFile = null }),
            Sighting(Dhcp6(PxeEventKind.DhcpAck, 5, DuidLlt, mac: "52-54-00-12-34-56", granted: "fd00:77::131")),
            Sighting(Dhcp6(PxeEventKind.DhcpAck, 6, DuidUuid, granted: "fd00:77::132")),
        ];

        using var oneByOne = new SqliteClientStore(_temp.File("one-by-one.db"));
        foreach (var sighting in batch)
        {
            oneByOne.Record([sighting]);
        }

        _store.Record(batch);

        Assert.Equal(Rows(oneByOne), Rows(_store));
        Assert.Equal(
            ["52-54-00-12-34-56 " + DuidLlt + " fd00:77::131", " " + DuidEn + " fd00:77::130", " " + DuidUuid + " fd00:77::132"],
            _store.Query(ClientQuery.All).Select(c => $"{c.MacAddress} {c.Duid} {c.IPAddress}"));
        Assert.Equal("snponly.efi", _store.Query(new ClientQuery { Duids = [DuidEn] })[0].LastBootFile); // the address-only row folded in

        static string[] Rows(SqliteClientStore store) => store.Query(ClientQuery.All)
            .Select(c => $"{c.MacAddress} {c.Duid} {c.IPAddress} {c.Architecture} {c.VendorClass} {c.FirstSeen:O} {c.LastSeen:O} {c.LastBootFile} {c.BootCount} {c.LastError}")
            .ToArray();
    }

    [Fact]
    public void A_schema_2_inventory_is_migrated_to_3_in_place_and_keeps_its_rows_and_traces()
    {
        string path = _temp.File("v2.db");
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
                CREATE TABLE trace (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL, time INTEGER NOT NULL, kind TEXT NOT NULL,
                    protocol TEXT, server TEXT, client_ip TEXT, architecture TEXT, user_class TEXT, xid INTEGER, message_type TEXT,
                    server_id TEXT, ip TEXT, boot_file TEXT, path TEXT, bytes INTEGER, block_size INTEGER, window_size INTEGER,
                    retransmits INTEGER, duration_us INTEGER, error TEXT, reason TEXT);
                CREATE INDEX trace_client ON trace (client_id, time);
                INSERT INTO clients (id, mac, ip, architecture, first_seen, last_seen, boot_entry, boot_count)
                    VALUES (1, '52-54-00-12-34-56', '10.201.0.10', 'EfiX64', 1767000000000, 1767000001000, 'rescue', 4);
                INSERT INTO clients (id, mac, ip, first_seen, last_seen, last_boot_file) VALUES (2, NULL, 'fd00:77::140', 1767000002000, 1767000002000, 'ipxe.efi');
                INSERT INTO trace (client_id, time, kind, protocol, reason) VALUES (1, 1767000000000, 'DhcpDiscover', 'Dhcp', 'kept');
                PRAGMA user_version = 2;
                """;
            command.ExecuteNonQuery();
        }

        using (var store = new SqliteClientStore(path))
        {
            var mac = store.Find(Mac)!;
            Assert.Equal("rescue", mac.BootEntry);
            Assert.Equal(4, mac.BootCount);
            Assert.Null(mac.Duid);
            Assert.Equal("kept", Assert.Single(store.ReadTrace(Mac.ToString(), null)).Reason);

            // The old address-only row is still one, and a DUID-only client may now take the same address: the
            // address-only row is folded into it.
            store.Record([Sighting(Dhcp6(PxeEventKind.DhcpAck, 0, DuidEn, sourcePort: 547, granted: "fd00:77::140") with { BootFile = null })]);
            var clients = store.Query(ClientQuery.All);
            Assert.Equal(2, clients.Count);
            Assert.Equal(DuidEn, clients[1].Duid);
            Assert.Equal("ipxe.efi", clients[1].LastBootFile);
            Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767000002000), clients[1].FirstSeen);
            store.Record([Sighting(Dhcp6(PxeEventKind.DhcpAck, 1, DuidLlt, mac: "52-54-00-12-34-56", granted: "fd00:77::141"))]);
            Assert.Equal(DuidLlt, store.Find(Mac)!.Duid);
        }

        using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        check.Open();
        using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        Assert.Equal(3L, version.ExecuteScalar());
        version.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('clients_ip_only', 'clients_duid_only', 'clients_duid')";
        Assert.Equal(3L, version.ExecuteScalar());
    }

    [Fact]
    public async Task DHCPv6_events_on_a_hub_reach_the_inventory_under_the_MAC_or_the_DUID()
    {
        var hub = new EventHub();
        await using var registry = ClientRegistry.Open(_temp.File("hub"));
        await using var observer = new ClientInventoryObserver(hub, registry);
        hub.Publish(Dhcp6(PxeEventKind.DhcpAck, 0, DuidLlt, mac: "52-54-00-12-34-56", granted: "fd00:77::150"));
        hub.Publish(Dhcp6(PxeEventKind.DhcpAck, 1, DuidUuid, granted: "fd00:77::151"));
        await observer.FlushAsync().WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(["52-54-00-12-34-56 " + DuidLlt, " " + DuidUuid], registry.Get().Select(c => $"{c.MacAddress} {c.Duid}"));
    }
}
