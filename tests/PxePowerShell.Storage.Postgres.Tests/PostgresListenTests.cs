using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Tests.Dhcp;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>
/// LISTEN on pxe_changed (docs/fleet.md): a reservation made through one running server is in another running server's
/// replies (the reserved address and its own lease time, option 51) within a second, and again after the database was
/// restarted under both of them (the listener reconnects and re-reads what it missed).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresListenTests(PostgresCluster cluster)
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_reservation_made_on_one_server_is_in_the_others_offer_within_a_second_and_after_a_database_restart()
    {
        string db = cluster.CreateDatabase();
        using var clientA = new LoopbackClient();
        using var clientB = new LoopbackClient();
        await using var a = LoopbackDhcp.Server(db, "listen-a", clientA);
        await using var b = LoopbackDhcp.Server(db, "listen-b", clientB);
        await a.StartAsync();
        await b.StartAsync();
        var mac = TestPackets.Mac(0x4101);
        var before = await LoopbackDhcp.OfferAsync(clientB, b, mac, TimeSpan.FromSeconds(5));
        Assert.NotNull(before);
        Assert.Equal(12 * 3600u, LoopbackDhcp.LeaseSeconds(before));

        // Through server A (its pool, its store): B hears of it by NOTIFY and answers with the reservation's lease time.
        a.AddReservation(new DhcpReservation(IPAddress.Parse("127.0.0.77"), "52-54-00-00-41-01", "pinned", TimeSpan.FromMinutes(5)));
        var took = await LoopbackDhcp.UntilOfferAsync(clientB, b, mac, o => o.YourAddress.Equals(IPAddress.Parse("127.0.0.77")) && LoopbackDhcp.LeaseSeconds(o) == 300, Second);
        Assert.True(took is not null, "server B did not offer the reservation made on A, with its lease time, within a second");

        // The database goes away under both servers and comes back; a change made meanwhile is read once the listener is back.
        cluster.Stop();
        cluster.Start();
        using (var other = PostgresStore.Open(db + ";Pooling=false", "admin"))
        {
            other.Leases.SaveReservation(new DhcpReservation(IPAddress.Parse("127.0.0.78"), "52-54-00-00-41-01", "moved", TimeSpan.FromMinutes(10)));
        }

        var resumed = await LoopbackDhcp.UntilOfferAsync(clientB, b, mac, o => o.YourAddress.Equals(IPAddress.Parse("127.0.0.78")) && LoopbackDhcp.LeaseSeconds(o) == 600, TimeSpan.FromSeconds(20));
        Assert.True(resumed is not null, "server B did not take in the reservation changed while its listener was reconnecting");

        // Listening again: the next change is in effect within a second, as before the outage.
        using (var other = PostgresStore.Open(db + ";Pooling=false", "admin"))
        {
            other.Leases.SaveReservation(new DhcpReservation(IPAddress.Parse("127.0.0.78"), "52-54-00-00-41-01", "moved", TimeSpan.FromMinutes(15)));
        }

        took = await LoopbackDhcp.UntilOfferAsync(clientB, b, mac, o => LoopbackDhcp.LeaseSeconds(o) == 900, Second);
        Assert.True(took is not null, "after the restart, server B did not see a change within a second");
        Assert.Equal(PxePowerShell.Engine.Services.PxeServerState.Running, b.State);
    }
}
