using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Storage.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresLeaseStoreTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// The allocation runs prepared on a pooled connection after its second use (the store's Max Auto Prepare), unless
    /// the setting names its own (0: a pooler that cannot keep prepared statements). One pooled connection, so the
    /// check runs on the connection that allocated.
    /// </summary>
    [Theory]
    [InlineData("", 1L)]
    [InlineData(";Max Auto Prepare=0", 0L)]
    public void The_allocation_runs_prepared_unless_the_setting_says_otherwise(string setting, long prepared)
    {
        string db = cluster.CreateDatabase();
        using var store = PostgresStore.Open(db + ";Maximum Pool Size=1" + setting, "a");
        var range = LeaseRange.Of(new DhcpServerOptions { StartRange = IPAddress.Parse("10.9.0.10"), EndRange = IPAddress.Parse("10.9.0.49"), SubnetMask = IPAddress.Parse("255.255.255.0") });
        for (int n = 1; n <= 4; n++)
        {
            Assert.NotNull(store.Leases.TryAllocate(range, $"52-54-00-00-00-{n:x2}", null, null, Now, TimeSpan.FromHours(1), AddressState.Offered));
        }

        long count = store.Statement("count the prepared statements", c =>
        {
            using var cmd = new Npgsql.NpgsqlCommand("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%pxe_allocate(%'", c);
            return (long)cmd.ExecuteScalar()!;
        });
        Assert.Equal(prepared, count);
    }

    [Fact]
    public void Leases_and_reservations_written_by_one_server_are_read_by_another()
    {
        string db = cluster.CreateDatabase();
        using var a = PostgresStore.Open(db, "a");
        using var b = PostgresStore.Open(db, "b");
        var lease = new DhcpLease { IPAddress = IPAddress.Parse("10.9.0.10"), ScopeId = IPAddress.Parse("10.9.0.0"), ClientId = "52-54-00-00-00-01", HostName = "node1", AddressState = AddressState.Active, LeaseExpiryTime = Now.AddHours(1) };
        a.Leases.SaveLease(lease);
        a.Leases.SaveLease(lease with { IPAddress = IPAddress.Parse("10.9.0.11"), ClientId = "52-54-00-00-00-02", HostName = null, AddressState = AddressState.Declined });
        a.Leases.SaveReservation(new DhcpReservation(IPAddress.Parse("10.9.0.50"), "52:54:00:00:00:03", "pinned", TimeSpan.FromHours(12)));

        var seen = b.Leases.Load();
        Assert.Equal(2, seen.Leases.Count);
        Assert.Equal(lease, seen.Leases[0]);
        Assert.Equal(AddressState.Declined, seen.Leases[1].AddressState);
        var reservation = Assert.Single(seen.Reservations);
        Assert.Equal(new DhcpReservation(IPAddress.Parse("10.9.0.50"), "52-54-00-00-00-03", "pinned", TimeSpan.FromHours(12)), reservation);

        b.Leases.DeleteLease(IPAddress.Parse("10.9.0.10"));
        b.Leases.DeleteReservation(IPAddress.Parse("10.9.0.50"));
        seen = a.Leases.Load();
        Assert.DoesNotContain(seen.Leases, l => l.IPAddress.Equals(IPAddress.Parse("10.9.0.10")));
        Assert.Empty(seen.Reservations);
    }

    [Fact]
    public void A_client_that_moves_keeps_one_address_and_a_reservation_moves_with_its_client()
    {
        string db = cluster.CreateDatabase();
        using var store = PostgresStore.Open(db);
        var first = new DhcpLease { IPAddress = IPAddress.Parse("10.9.0.10"), ScopeId = IPAddress.Parse("10.9.0.0"), ClientId = "52-54-00-00-00-01", AddressState = AddressState.Expired, LeaseExpiryTime = Now };
        store.Leases.SaveLease(first);
        store.Leases.SaveLease(first with { IPAddress = IPAddress.Parse("10.9.0.20"), AddressState = AddressState.Active, LeaseExpiryTime = Now.AddHours(1) });
        Assert.Equal(IPAddress.Parse("10.9.0.20"), Assert.Single(store.Leases.Load().Leases).IPAddress);

        store.Leases.SaveReservation(new DhcpReservation(IPAddress.Parse("10.9.0.50"), "52-54-00-00-00-09"));
        store.Leases.SaveReservation(new DhcpReservation(IPAddress.Parse("10.9.0.51"), "52-54-00-00-00-09"));
        Assert.Equal(IPAddress.Parse("10.9.0.51"), Assert.Single(store.Leases.Load().Reservations).IPAddress);
    }

    [Fact]
    public void A_DHCP_server_keeps_its_leases_in_the_database_across_a_restart()
    {
        string db = cluster.CreateDatabase();
        var options = new DhcpServerOptions { StartRange = IPAddress.Parse("10.9.0.10"), EndRange = IPAddress.Parse("10.9.0.20"), SubnetMask = IPAddress.Parse("255.255.255.0") };
        uint address;
        using (var store = PostgresStore.Open(db))
        {
            var pool = new LeasePool(options, store.Leases);
            address = pool.Choose("52-54-00-00-00-01", null, Now)!.Value;
            pool.Commit(address, "52-54-00-00-00-01", "node1", Now);
        }

        using (var store = PostgresStore.Open(db))
        {
            var pool = new LeasePool(options, store.Leases);
            Assert.Equal(address, pool.Choose("52-54-00-00-00-01", null, Now.AddMinutes(1)));
            Assert.NotEqual(address, pool.Choose("52-54-00-00-00-02", null, Now.AddMinutes(1)));
        }
    }
}
