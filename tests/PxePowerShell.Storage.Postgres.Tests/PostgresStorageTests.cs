using PxePowerShell.Engine;
using System.Net;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Storage.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageTests(PostgresCluster cluster) : IDisposable
{
    private readonly string _local = Directory.CreateTempSubdirectory("pxepg-local-").FullName;

    public void Dispose() => Directory.Delete(_local, recursive: true);

    [Fact]
    public void A_boot_entry_added_on_one_server_is_seen_by_the_other()
    {
        string db = cluster.CreateDatabase();
        using var a = PostgresStorage.Open(db, Path.Combine(_local, "a"), "a");
        using var b = PostgresStorage.Open(db, Path.Combine(_local, "b"), "b");
        var onA = new BootEntryStore(a.BootEntries);
        var onB = new BootEntryStore(b.BootEntries);
        Assert.Empty(onB.Current.Entries);

        onA.Add(new BootEntry { Name = "debian", Kernel = "debian/linux", Initrd = ["debian/initrd.gz"] });
        Assert.Equal("debian", Assert.Single(onB.Refresh().Entries).Name);
        Assert.Equal(1L, a.BootEntries.Version);

        onB.Add(new BootEntry { Name = "rescue", Kernel = "rescue/vmlinuz" });
        Assert.Equal(["debian", "rescue"], onA.Refresh().Entries.Select(e => e.Name));
        Assert.Equal(2L, b.BootEntries.Version);
        Assert.Contains("postgresql:", a.BootEntries.Location, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_server_keeps_its_own_ISO_mount_table()
    {
        string db = cluster.CreateDatabase();
        using var a = PostgresStorage.Open(db, Path.Combine(_local, "a"), "a");
        using var b = PostgresStorage.Open(db, Path.Combine(_local, "b"), "b");
        a.IsoMounts.Write([new IsoMountConfiguration("/srv/iso/debian.iso", "debian") { Servers = ["tftp"] }]);
        Assert.Empty(b.IsoMounts.Read());

        using var again = PostgresStorage.Open(db, Path.Combine(_local, "a"), "a");
        var mount = Assert.Single(again.IsoMounts.Read());
        Assert.Equal(new IsoMountConfiguration("/srv/iso/debian.iso", "debian") { Servers = ["tftp"] }, mount);
    }

    [Fact]
    public void A_server_that_chose_in_memory_cannot_record_an_address_another_server_leased()
    {
        string db = cluster.CreateDatabase();
        using var a = PostgresStorage.Open(db, Path.Combine(_local, "a"), "a");
        using var b = PostgresStorage.Open(db, Path.Combine(_local, "b"), "b");
        var now = DateTimeOffset.UtcNow; // the database's clock decides what is unexpired
        var lease = new DhcpLease { IPAddress = IPAddress.Parse("10.9.0.10"), ScopeId = IPAddress.Parse("10.9.0.0"), ClientId = "52-54-00-00-00-01", AddressState = AddressState.Active, LeaseExpiryTime = now.AddHours(1) };
        using var storeA = a.Leases(LeaseFamily.IPv4).Open();
        using var storeB = b.Leases(LeaseFamily.IPv4).Open();
        storeA.SaveLease(lease);

        var ex = Assert.Throws<PxeStorageException>(() => storeB.SaveLease(lease with { ClientId = "52-54-00-00-00-02" }));
        Assert.Equal(StoreErrorIds.LeaseHeld, ex.ErrorId);
        Assert.Equal("52-54-00-00-00-01", Assert.Single(b.Leases(LeaseFamily.IPv4).Read().Leases).ClientId);

        storeB.SaveLease(lease with { LeaseExpiryTime = now.AddHours(2) }); // the holder renewing through the other server
        storeA.SaveLease(lease with { AddressState = AddressState.Expired, LeaseExpiryTime = now.AddSeconds(-1) }); // released
        storeB.SaveLease(lease with { ClientId = "52-54-00-00-00-02" });
        Assert.Equal("52-54-00-00-00-02", Assert.Single(a.Leases(LeaseFamily.IPv4).Read().Leases).ClientId);
    }

    [Fact]
    public void IPv4_and_IPv6_leases_are_read_by_their_own_family()
    {
        string db = cluster.CreateDatabase();
        using var storage = PostgresStorage.Open(db, Path.Combine(_local, "a"));
        using (var v4 = storage.Leases(LeaseFamily.IPv4).Open())
        using (var v6 = storage.Leases(LeaseFamily.IPv6).Open())
        {
            v4.SaveLease(new DhcpLease { IPAddress = IPAddress.Parse("10.9.0.10"), ScopeId = IPAddress.Parse("10.9.0.0"), ClientId = "52-54-00-00-00-01", AddressState = AddressState.Active, LeaseExpiryTime = DateTimeOffset.UtcNow.AddHours(1) });
            v6.SaveLease(new DhcpLease { IPAddress = IPAddress.Parse("2001:db8::10"), ScopeId = IPAddress.Parse("2001:db8::"), ClientId = "00-01-00-01-aa-bb", AddressState = AddressState.Active, LeaseExpiryTime = DateTimeOffset.UtcNow.AddHours(1) });
        }

        Assert.Equal(IPAddress.Parse("10.9.0.10"), Assert.Single(storage.Leases(LeaseFamily.IPv4).Read().Leases).IPAddress);
        Assert.Equal(IPAddress.Parse("2001:db8::10"), Assert.Single(storage.Leases(LeaseFamily.IPv6).Read().Leases).IPAddress);
        Assert.StartsWith("postgresql: ", storage.Description, StringComparison.Ordinal);
    }
}
