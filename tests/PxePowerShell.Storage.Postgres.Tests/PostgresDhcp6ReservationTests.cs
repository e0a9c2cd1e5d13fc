using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>
/// DHCPv6 reservations added and removed on a running server through the shared database (Add-/Remove-PxeReservation
/// with an IPv6 address): another server of the database reads them, and a DHCPv4 reservation of the same MAC in the
/// same table is a different row that neither replaces nor is replaced.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDhcp6ReservationTests(PostgresCluster cluster)
{
    private static readonly Dhcp6ServerOptions Options = new()
    {
        StartRange = IPAddress.Parse("fd00:21::100"),
        EndRange = IPAddress.Parse("fd00:21::13f"),
    };

    [Fact]
    public void An_ipv6_reservation_reaches_the_other_server_beside_an_ipv4_one_of_the_same_mac_and_its_removal_too()
    {
        string db = cluster.CreateDatabase();
        using var a = PostgresStore.Open(db, "a");
        using var b = PostgresStore.Open(db, "b");
        using var v6a = new PostgresLeaseStore(a, LeaseFamily.IPv6);
        using var v6b = new PostgresLeaseStore(b, LeaseFamily.IPv6);
        using var v4a = new PostgresLeaseStore(a, LeaseFamily.IPv4);
        v4a.SaveReservation(new DhcpReservation(IPAddress.Parse("10.0.21.20"), "52-54-00-00-21-01"));

        var pool = new Dhcp6LeasePool(Options, v6a);
        var byMac = new Dhcp6Reservation(IPAddress.Parse("fd00:21::20"), null, "52-54-00-00-21-01", "web1");
        var byDuid = new Dhcp6Reservation(IPAddress.Parse("fd00:21::21"), "00-04-00-11-22-33-44-55-66-77-88-99-aa-bb-cc-dd-ee-ff", null);
        pool.AddReservation(byMac);
        pool.AddReservation(byDuid);

        // The other server reads both (its pool at start, and the feed a change notification makes it read).
        var other = new Dhcp6LeasePool(Options, v6b);
        Assert.Equal([byMac, byDuid], other.Reservations);
        Assert.Equal(2, v6b.ReadReservations().Count);
        Assert.Equal(IPAddress.Parse("fd00:21::20"), other.Choose("00-03-00-01-52-54-00-00-21-01", null, DateTimeOffset.UtcNow));

        // The DHCPv4 reservation of the same MAC is untouched, and the IPv4 family does not see the IPv6 rows.
        var v4 = Assert.Single(v4a.ReadReservations());
        Assert.Equal(("10.0.21.20", "52-54-00-00-21-01"), (v4.IPAddress.ToString(), v4.MacAddress));

        Assert.True(pool.RemoveReservation(IPAddress.Parse("fd00:21::20")));
        other.SetReservations(v6b.ReadReservations());
        Assert.Equal([byDuid], other.Reservations);
        Assert.Single(v4a.ReadReservations());
    }
}
