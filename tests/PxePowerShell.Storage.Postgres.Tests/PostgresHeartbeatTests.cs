namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>The heartbeats of a high-availability group in <c>pxe_heartbeat</c> (migration 4): ages by the database's clock.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHeartbeatTests(PostgresCluster cluster)
{
    [Fact]
    public void Each_server_sees_the_age_of_the_others_last_heartbeat_and_a_server_that_leaves_is_at_once_old()
    {
        string db = cluster.CreateDatabase();
        using var a = PostgresStore.Open(db, "pxe-a");
        using var b = PostgresStore.Open(db, "pxe-b");
        string[] peers = ["PXE-A", "pxe-b", "pxe-c"];

        Assert.Empty(a.Leases.Heartbeat("pxe-a", peers)); // nobody else has heartbeated yet; a server never gets its own age
        var seenByB = b.Leases.Heartbeat("pxe-b", peers);
        Assert.Equal(["pxe-a"], seenByB.Keys);
        Assert.InRange(seenByB["pxe-a"], TimeSpan.Zero, TimeSpan.FromSeconds(5));

        var seenByA = a.Leases.Heartbeat("Pxe-A", peers); // names are compared without case, as in the peer list
        Assert.InRange(seenByA["PXE-B"], TimeSpan.Zero, TimeSpan.FromSeconds(5));
        Assert.Equal(2L, PostgresCluster.Scalar(db, "SELECT count(*) FROM pxe_heartbeat"));

        b.Leases.Leave("pxe-b");
        Assert.True(a.Leases.Heartbeat("pxe-a", peers)["pxe-b"] > TimeSpan.FromDays(365), "a server that left must look long dead");

        b.Leases.Heartbeat("pxe-b", peers); // back
        Assert.InRange(a.Leases.Heartbeat("pxe-a", peers)["pxe-b"], TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Heartbeats_of_an_unreachable_database_fail_with_the_storage_exception()
    {
        string db = cluster.CreateDatabase();
        var store = PostgresStore.Open(db, "pxe-a");
        var leases = store.Leases;
        store.Dispose();
        Assert.Throws<Engine.PxeStorageException>(() => leases.Heartbeat("pxe-a", ["pxe-a", "pxe-b"]));
    }
}
