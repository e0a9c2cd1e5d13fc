using System.Net;
using Microsoft.Data.Sqlite;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Clients;

public sealed class SqliteClientStoreTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly MacAddress Mac = MacAddress.Parse("52:54:00:12:34:56");
    private readonly TempDirectory _temp = new();
    private readonly SqliteClientStore _store;

    public SqliteClientStoreTests() => _store = new SqliteClientStore(_temp.File("clients.db"));

    public void Dispose()
    {
        _store.Dispose();
        _temp.Dispose();
    }

    private static ClientSighting Dhcp(DateTimeOffset time, MacAddress? mac = null, string? ip = null, string? bootFile = null, bool discover = false, uint? xid = null) => new()
    {
        Time = time,
        MacAddress = mac ?? Mac,
        IPAddress = ip is null ? null : IPAddress.Parse(ip),
        Architecture = "EfiX64",
        VendorClass = "PXEClient:Arch:00007:UNDI:003016",
        Uuid = Guid.Parse("8c4f1a2e-0000-4000-8000-525400123456"),
        BootFile = bootFile,
        StartsBoot = discover,
        TransactionId = xid,
    };

    private static ClientSighting Transfer(DateTimeOffset time, string ip, string path, string? error = null) => new()
    {
        Time = time,
        IPAddress = IPAddress.Parse(ip),
        BootFile = path,
        Error = error,
    };

    [Fact]
    public void A_file_is_created_in_WAL_mode_with_the_schema_version()
    {
        using var connection = new SqliteConnection($"Data Source={_store.Location};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", command.ExecuteScalar());
        command.CommandText = "PRAGMA user_version";
        Assert.Equal((long)SqliteClientStore.SchemaVersion, command.ExecuteScalar());
    }

    [Fact]
    public void Sightings_upsert_one_row_per_mac_and_keep_what_later_sightings_do_not_say()
    {
        _store.Record([Dhcp(T0, ip: "10.201.0.10", bootFile: "ipxe.efi")]);
        _store.Record([new ClientSighting { Time = T0.AddMinutes(1), MacAddress = Mac, BootFile = "boot.ipxe" }]);

        var client = Assert.Single(_store.Query(ClientQuery.All));
        Assert.Equal("52-54-00-12-34-56", client.MacAddress);
        Assert.Equal(client.MacAddress, client.ClientId);
        Assert.Equal(IPAddress.Parse("10.201.0.10"), client.IPAddress);
        Assert.Equal("EfiX64", client.Architecture);
        Assert.Equal("PXEClient:Arch:00007:UNDI:003016", client.VendorClass);
        Assert.Equal(Guid.Parse("8c4f1a2e-0000-4000-8000-525400123456"), client.Uuid);
        Assert.Equal(T0, client.FirstSeen);
        Assert.Equal(T0.AddMinutes(1), client.LastSeen);
        Assert.Equal("boot.ipxe", client.LastBootFile);
    }

    [Fact]
    public void An_older_sighting_arriving_late_moves_FirstSeen_but_does_not_overwrite_newer_values()
    {
        _store.Record([Dhcp(T0, ip: "10.201.0.11", bootFile: "new.efi")]);
        _store.Record([Dhcp(T0.AddMinutes(-5), ip: "10.201.0.99", bootFile: "old.efi")]);
        var client = Assert.Single(_store.Query(ClientQuery.All));
        Assert.Equal(T0.AddMinutes(-5), client.FirstSeen);
        Assert.Equal(T0, client.LastSeen);
        Assert.Equal("new.efi", client.LastBootFile);
        Assert.Equal(IPAddress.Parse("10.201.0.11"), client.IPAddress);
    }

    [Fact]
    public void Boot_count_counts_discovers_once_per_transaction_id()
    {
        _store.Record([Dhcp(T0, discover: true, xid: 1), Dhcp(T0.AddSeconds(1), discover: true, xid: 1), Dhcp(T0.AddSeconds(2))]);
        Assert.Equal(1, _store.Find(Mac)!.BootCount);
        _store.Record([Dhcp(T0.AddSeconds(30), discover: true, xid: 2)]);
        Assert.Equal(2, _store.Find(Mac)!.BootCount);
    }

    [Fact]
    public void A_batch_folding_each_clients_sightings_leaves_what_writing_them_one_by_one_leaves()
    {
        // Two clients interleaved, as DORAs under load are; one boots twice within the batch and an older sighting
        // arrives late; a trace-only step of a known client sits between them.
        var other = MacAddress.Parse("52:54:00:00:00:02");
        ClientSighting[] batch =
        [
            Dhcp(T0, discover: true, xid: 1) with { Trace = Step(T0, "first discover") },
            Dhcp(T0.AddSeconds(1), mac: other, discover: true, xid: 7) with { Trace = Step(T0.AddSeconds(1), "other discover") },
            Dhcp(T0.AddSeconds(2), ip: "10.201.0.30", bootFile: "ipxe.efi") with { Trace = Step(T0.AddSeconds(2), "ack") },
            new() { Time = T0.AddSeconds(3), MacAddress = other, TraceOnly = true, Trace = Step(T0.AddSeconds(3), "ignored") },
            Dhcp(T0.AddSeconds(4), discover: true, xid: 2) with { Trace = Step(T0.AddSeconds(4), "second discover") },
            Dhcp(T0.AddSeconds(5), ip: "10.201.0.31", bootFile: "boot.ipxe") with { HostName = "rack1-n1" },
            Dhcp(T0.AddSeconds(-60), ip: "10.201.0.99", bootFile: "old.efi") with { Error = "late and old" },
            Dhcp(T0.AddSeconds(6), mac: other, ip: "10.201.0.40"),
            Dhcp(T0.AddSeconds(7), mac: other) with { Duid = "00-03-00-01-52-54-00-00-00-02" },
        ];

        using var oneByOne = new SqliteClientStore(_temp.File("one-by-one.db"));
        foreach (var sighting in batch)
        {
            oneByOne.Record([sighting]);
        }

        _store.Record(batch);

        Assert.Equal(Rows(oneByOne), Rows(_store));
        Assert.Equal(2, _store.Find(Mac)!.BootCount);
        Assert.Equal(IPAddress.Parse("10.201.0.31"), _store.Find(Mac)!.IPAddress);
        Assert.Equal(T0.AddSeconds(-60), _store.Find(Mac)!.FirstSeen);
        Assert.Equal(["first discover", "ack", "second discover"], _store.ReadTrace(Mac.ToString(), null).Select(s => s.Reason));
        Assert.Equal(["other discover", "ignored"], _store.ReadTrace(other.ToString(), null).Select(s => s.Reason));

        static string[] Rows(SqliteClientStore store) => store.Query(ClientQuery.All)
            .Select(c => $"{c.MacAddress} {c.Duid} {c.IPAddress} {c.Architecture} {c.VendorClass} {c.Uuid} {c.HostName} {c.FirstSeen:O} {c.LastSeen:O} {c.LastBootFile} {c.BootCount} {c.LastError}")
            .ToArray();
        static BootTraceStep Step(DateTimeOffset time, string reason) => new() { Time = time, Kind = PxeEventKind.DhcpDiscover, Protocol = PxeProtocol.Dhcp, Reason = reason };
    }

    [Fact]
    public void A_client_seen_only_by_ip_is_recorded_and_merged_into_its_mac_once_dhcp_links_them()
    {
        _store.Record([Transfer(T0, "10.201.0.20", "pxelinux.0"), Transfer(T0.AddSeconds(1), "10.201.0.20", "missing.cfg", error: "File not found")]);
        var orphan = Assert.Single(_store.Query(ClientQuery.All));
        Assert.Null(orphan.MacAddress);
        Assert.Equal(IPAddress.Parse("10.201.0.20"), orphan.IPAddress);
        Assert.Equal("missing.cfg", orphan.LastBootFile);
        Assert.Equal("File not found", orphan.LastError);

        _store.Record([Dhcp(T0.AddMinutes(-1), ip: "10.201.0.20", discover: true, xid: 7)]);
        var merged = Assert.Single(_store.Query(ClientQuery.All));
        Assert.Equal("52-54-00-12-34-56", merged.MacAddress);
        Assert.Equal(T0.AddMinutes(-1), merged.FirstSeen);
        Assert.Equal(T0.AddSeconds(1), merged.LastSeen);
        Assert.Equal("missing.cfg", merged.LastBootFile);
        Assert.Equal("File not found", merged.LastError);
        Assert.Equal(1, merged.BootCount);

        // Once linked, transfers from that address update the MAC's row instead of creating another.
        _store.Record([Transfer(T0.AddMinutes(2), "10.201.0.20", "vmlinuz")]);
        var after = Assert.Single(_store.Query(ClientQuery.All));
        Assert.Equal("vmlinuz", after.LastBootFile);
        Assert.Equal(T0.AddMinutes(2), after.LastSeen);
    }

    [Fact]
    public void An_address_only_client_made_and_linked_in_one_batch_is_merged_and_other_clients_are_untouched()
    {
        // The batch starts with no address-only row (the fold is skipped for the first sighting) and makes one itself.
        var other = MacAddress.Parse("52-54-00-00-00-99");
        _store.Record([
            Dhcp(T0, mac: other, ip: "10.201.0.30", discover: true, xid: 1),
            Transfer(T0.AddSeconds(1), "10.201.0.20", "pxelinux.0"),
            Dhcp(T0.AddSeconds(2), ip: "10.201.0.20", discover: true, xid: 7),
        ]);

        var clients = _store.Query(ClientQuery.All).OrderBy(c => c.MacAddress, StringComparer.Ordinal).ToList();
        Assert.Equal(["52-54-00-00-00-99", "52-54-00-12-34-56"], clients.Select(c => c.MacAddress));
        Assert.Equal("pxelinux.0", clients[1].LastBootFile);
        Assert.Equal(T0.AddSeconds(1), clients[1].FirstSeen);
        Assert.Null(clients[0].LastBootFile);
    }

    [Fact]
    public void Sightings_with_neither_mac_nor_usable_address_are_skipped()
    {
        _store.Record([new ClientSighting { Time = T0 }, new ClientSighting { Time = T0, IPAddress = IPAddress.Any }]);
        Assert.Empty(_store.Query(ClientQuery.All));
    }

    [Fact]
    public void Update_assigns_and_clears_boot_entries_and_pre_registers_unknown_clients_only_when_asked()
    {
        Assert.Null(_store.Update(Mac, new ClientChanges { BootEntry = "rescue" }, create: false));
        Assert.Empty(_store.Query(ClientQuery.All));

        var created = _store.Update(Mac, new ClientChanges { BootEntry = "rescue", HostName = "lab-1" }, create: true)!;
        Assert.Equal("rescue", created.BootEntry);
        Assert.Equal("lab-1", created.HostName);
        Assert.Null(created.FirstSeen);
        Assert.Equal("rescue", _store.FindBootEntry(Mac));

        _store.Record([Dhcp(T0)]);
        var seen = _store.Update(Mac, new ClientChanges { HostName = "lab-2" }, create: false)!;
        Assert.Equal("rescue", seen.BootEntry);
        Assert.Equal("lab-2", seen.HostName);
        Assert.Equal(T0, seen.FirstSeen);

        Assert.Null(_store.Update(Mac, new ClientChanges { BootEntry = string.Empty }, create: false)!.BootEntry);
        Assert.Null(_store.FindBootEntry(Mac));
    }

    [Fact]
    public void Remove_deletes_by_mac_and_ip_only_rows_by_address()
    {
        _store.Record([Dhcp(T0), Transfer(T0, "10.201.0.30", "x")]);
        Assert.Equal(2, _store.Query(ClientQuery.All).Count);
        Assert.True(_store.Remove(Mac));
        Assert.False(_store.Remove(Mac));
        Assert.True(_store.RemoveByAddress(IPAddress.Parse("10.201.0.30")));
        Assert.False(_store.RemoveByAddress(IPAddress.Parse("10.201.0.30")));
        Assert.Empty(_store.Query(ClientQuery.All));
    }

    [Fact]
    public void Query_filters_by_mac_architecture_time_and_address()
    {
        var other = MacAddress.Parse("52-54-00-00-00-02");
        _store.Record([
            Dhcp(T0, ip: "10.201.0.1"),
            new ClientSighting { Time = T0.AddHours(1), MacAddress = other, Architecture = "Bios", IPAddress = IPAddress.Parse("10.201.0.2") },
        ]);
        Assert.Equal(other.ToString(), Assert.Single(_store.Query(new ClientQuery { MacAddresses = [other] })).MacAddress);
        Assert.Equal(other.ToString(), Assert.Single(_store.Query(new ClientQuery { Architectures = ["bios"] })).MacAddress);
        Assert.Equal(other.ToString(), Assert.Single(_store.Query(new ClientQuery { Since = T0.AddMinutes(30) })).MacAddress);
        Assert.Equal(Mac.ToString(), Assert.Single(_store.Query(new ClientQuery { IPAddress = IPAddress.Parse("10.201.0.1") })).MacAddress);
        Assert.Empty(_store.Query(new ClientQuery { MacAddresses = [] }));
        Assert.Equal(2, _store.Query(new ClientQuery { Architectures = ["EfiX64", "Bios"] }).Count);
    }

    [Fact]
    public void Data_survives_closing_and_reopening_the_file()
    {
        _store.Record([Dhcp(T0, ip: "10.201.0.40", bootFile: "ipxe.efi")]);
        _store.Update(Mac, new ClientChanges { BootEntry = "install" }, create: false);
        _store.Dispose();

        using var reopened = new SqliteClientStore(_temp.File("clients.db"));
        var client = Assert.Single(reopened.Query(ClientQuery.All));
        Assert.Equal("install", client.BootEntry);
        Assert.Equal("ipxe.efi", client.LastBootFile);
        Assert.Equal(T0, client.FirstSeen);
    }

    [Fact]
    public void A_file_from_a_newer_schema_or_not_a_database_is_refused_with_a_clear_error()
    {
        string newer = _temp.File("newer.db");
        using (var connection = new SqliteConnection($"Data Source={newer};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            command.ExecuteNonQuery();
        }

        var error = Assert.Throws<InvalidDataException>(() => new SqliteClientStore(newer));
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);

        string garbage = _temp.File("garbage.db");
        File.WriteAllBytes(garbage, [.. Enumerable.Repeat((byte)0x5A, 4096)]);
        Assert.Throws<SqliteException>(() => new SqliteClientStore(garbage));
    }

    [Fact]
    public async Task Many_threads_and_two_stores_over_one_file_write_concurrently_without_losing_sightings()
    {
        using var second = new SqliteClientStore(_temp.File("clients.db"));
        const int threads = 4;
        const int perThread = 50;
        var shared = MacAddress.Parse("02-00-00-00-ff-ff");
        using var start = new Barrier(threads);
        var tasks = Enumerable.Range(0, threads).Select(t => Task.Factory.StartNew(() =>
        {
            var store = t % 2 == 0 ? _store : second;
            start.SignalAndWait();
            for (int i = 0; i < perThread; i++)
            {
                var own = MacAddress.FromBytes([2, 0, 0, 0, (byte)t, (byte)i]);
                store.Record([
                    new ClientSighting { Time = T0.AddSeconds(i), MacAddress = own, StartsBoot = true, TransactionId = (uint)i },
                    new ClientSighting { Time = T0.AddSeconds(i), MacAddress = shared, StartsBoot = true, TransactionId = (uint)((t * 1000) + i) },
                ]);
                if (i % 10 == 0)
                {
                    store.Update(own, new ClientChanges { BootEntry = $"e{t}" }, create: true);
                    Assert.NotEmpty(store.Query(ClientQuery.All));
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));

        var all = _store.Query(ClientQuery.All);
        Assert.Equal((threads * perThread) + 1, all.Count);
        Assert.Equal(threads * perThread, all.Single(c => c.MacAddress == shared.ToString()).BootCount);
        Assert.Equal(threads * (perThread / 10), all.Count(c => c.BootEntry is not null));
    }
}
