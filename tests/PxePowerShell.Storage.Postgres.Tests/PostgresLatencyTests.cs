using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Metrics;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>The storage seam's timing hook: every PostgreSQL transaction lands in pxe_store_commit_duration_seconds{store="postgres"}.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresLatencyTests(PostgresCluster cluster)
{
    [Fact]
    public void Each_committed_transaction_is_one_observation_of_the_postgres_commit_histogram()
    {
        using var store = PostgresStore.Open(cluster.CreateDatabase());
        var before = StoreLatency.For("postgres").Snapshot();
        var lease = new DhcpLease { IPAddress = IPAddress.Parse("10.9.7.10"), ScopeId = IPAddress.Parse("10.9.7.0"), ClientId = "52-54-00-00-07-01", AddressState = AddressState.Active, LeaseExpiryTime = DateTimeOffset.UtcNow.AddHours(1) };
        store.Leases.SaveLease(lease);
        store.Leases.DeleteLease(lease.IPAddress);

        var after = StoreLatency.For("postgres").Snapshot();
        Assert.True(after.Count >= before.Count + 2, $"{before.Count} -> {after.Count}");
        Assert.True(after.Sum > before.Sum);
        Assert.Equal(after.Count, after.CumulativeCounts[^1]);
    }
}
