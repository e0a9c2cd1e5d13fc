using System.Net;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>
/// DHCPv6 clients in the fleet's inventory (migration 0007): the DUID beside a MAC, a client known by its DUID alone,
/// the DUID row linked to its MAC later, and a database of schema 6 migrated with its rows kept.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresClientDuidTests(PostgresCluster cluster)
{
    private const string DuidLlt = "00-01-00-01-2e-1a-2b-3c-52-54-00-12-34-56";
    private const string DuidEn = "00-02-00-00-ab-11-5c-0f-e6-3b-a1-d0-42-17";
    private const string DuidUuid = "00-04-8c-4f-1a-2e-00-00-40-00-80-00-52-54-00-ab-cd-ef";
    private static readonly MacAddress Mac = MacAddress.Parse("52:54:00:12:34:56");

    // Whole seconds: the database keeps microseconds.
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 600);

    private static ClientSighting V6(int second, string duid, MacAddress? mac = null, string? ip = null, bool solicit = false) => new()
    {
        Time = T0.AddSeconds(second),
        MacAddress = mac,
        Duid = duid,
        IPAddress = ip is null ? null : IPAddress.Parse(ip),
        Architecture = "EfiX64",
        VendorClass = "PXEClient:Arch:00007:UNDI:003000",
        StartsBoot = solicit,
        TransactionId = solicit ? (uint)(0x100 + second) : null,
    };

    [Fact]
    public void DHCPv6_clients_are_recorded_under_their_MAC_or_their_DUID_and_a_DUID_row_joins_its_MAC_once_linked()
    {
        using var store = PostgresStore.Open(cluster.CreateDatabase(), "node-a");
        using var inventory = new PostgresClientStore(store);

        // The MAC's IPv4 boot, then DHCPv6 with a DUID-LLT carrying the same MAC: one row.
        inventory.Record([new ClientSighting { Time = T0, MacAddress = Mac, IPAddress = IPAddress.Parse("10.9.0.10"), StartsBoot = true, TransactionId = 1 }]);
        inventory.Record([V6(10, DuidLlt, Mac, solicit: true), V6(11, DuidLlt, Mac, ip: "fd00:77::105")]);
        var client = Assert.Single(inventory.Query(ClientQuery.All));
        Assert.Equal((DuidLlt, "52-54-00-12-34-56", 2), (client.Duid, client.MacAddress, client.BootCount));
        Assert.Equal(IPAddress.Parse("fd00:77::105"), client.IPAddress);

        // DUID-EN and DUID-UUID clients without a MAC: rows keyed by DUID, updated in place, found by -Duid's query.
        inventory.Record([V6(20, DuidEn, solicit: true), V6(21, DuidEn, ip: "fd00:77::110"), V6(22, DuidUuid, ip: "fd00:77::111")]);
        inventory.Record([new ClientSighting { Time = T0.AddSeconds(23), IPAddress = IPAddress.Parse("fd00:77::110"), BootFile = "ipxe.efi" }]); // TFTP from its address
        Assert.Equal(["52-54-00-12-34-56 " + DuidLlt, " " + DuidEn, " " + DuidUuid], inventory.Query(ClientQuery.All).Select(c => $"{c.MacAddress} {c.Duid}"));
        var en = Assert.Single(inventory.Query(new ClientQuery { Duids = [DuidEn] }));
        Assert.Equal((1, "ipxe.efi", T0.AddSeconds(20)), (en.BootCount, en.LastBootFile, en.FirstSeen!.Value));
        Assert.Equal("node-a", en.Server);
        Assert.Empty(inventory.Query(new ClientQuery { Duids = ["00-02-00-00-00-00-00-01"] }));

        // A relay names DUID-EN's link-layer address (a MAC already known): the DUID row is folded into the MAC's.
        inventory.Record([V6(30, DuidEn, Mac)]);
        // DUID-UUID's MAC is new: the DUID row becomes the MAC's.
        var other = MacAddress.Parse("52-54-00-ab-cd-ef");
        inventory.Record([V6(31, DuidUuid, other)]);

        var clients = inventory.Query(ClientQuery.All);
        Assert.Equal(["52-54-00-12-34-56 " + DuidEn, "52-54-00-ab-cd-ef " + DuidUuid], clients.Select(c => $"{c.MacAddress} {c.Duid}"));
        Assert.Equal(3, clients[0].BootCount);
        Assert.Equal(T0, clients[0].FirstSeen);
        Assert.Equal("ipxe.efi", clients[0].LastBootFile);
        Assert.Equal(IPAddress.Parse("fd00:77::110"), clients[0].IPAddress); // the DUID row's address was newer
        Assert.Equal(T0.AddSeconds(22), clients[1].FirstSeen);
        Assert.Equal(IPAddress.Parse("fd00:77::111"), clients[1].IPAddress);
    }

    [Fact]
    public void A_schema_6_database_is_migrated_by_0007_and_keeps_its_clients()
    {
        string db = cluster.CreateDatabase();
        PostgresCluster.Scalar(db, "CREATE TABLE pxe_schema_version (version integer PRIMARY KEY, name text NOT NULL, applied timestamptz NOT NULL DEFAULT now())");
        foreach (var (version, name, sql) in SchemaMigrator.Migrations.Where(m => m.Version <= 6))
        {
            PostgresCluster.Scalar(db, sql);
            PostgresCluster.Scalar(db, $"INSERT INTO pxe_schema_version (version, name) VALUES ({version}, '{name}')");
        }

        PostgresCluster.Scalar(db, """
            INSERT INTO pxe_client (mac, ip, architecture, first_seen, last_seen, boot_entry, boot_count, server)
                VALUES ('52-54-00-12-34-56', '10.9.0.10', 'EfiX64', now() - interval '1 hour', now() - interval '1 hour', 'rescue', 4, 'old-node');
            INSERT INTO pxe_client (ip, first_seen, last_seen, last_boot_file) VALUES ('fd00:77::140', now() - interval '1 hour', now() - interval '1 hour', 'snponly.efi');
            """);

        using var store = PostgresStore.Open(db, "node-b");
        Assert.Equal(6, store.FoundSchemaVersion);
        Assert.Equal(7, PostgresCluster.Scalar(db, "SELECT max(version) FROM pxe_schema_version"));
        using var inventory = new PostgresClientStore(store);
        var kept = inventory.Find(Mac)!;
        Assert.Equal(("rescue", 4, "old-node"), (kept.BootEntry, kept.BootCount, kept.Server));
        Assert.Null(kept.Duid);
        Assert.Equal(2, inventory.Query(ClientQuery.All).Count);

        // A DUID-only client takes the old address-only row's address: that row is folded into it.
        inventory.Record([V6(0, DuidEn, ip: "fd00:77::140")]);
        var en = Assert.Single(inventory.Query(new ClientQuery { Duids = [DuidEn] }));
        Assert.Null(en.MacAddress);
        Assert.Equal("snponly.efi", en.LastBootFile);
        Assert.Equal(2, inventory.Query(ClientQuery.All).Count);
        inventory.Record([V6(1, DuidLlt, Mac, ip: "fd00:77::141")]);
        Assert.Equal(DuidLlt, inventory.Find(Mac)!.Duid);
    }
}
