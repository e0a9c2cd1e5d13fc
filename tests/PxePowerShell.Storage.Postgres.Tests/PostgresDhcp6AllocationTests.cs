using System.Collections.Concurrent;
using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>
/// DHCPv6 IA_NA through the shared database (docs/fleet.md): two servers' pools allocating for the same clients at the
/// same moment from a range of 64 never grant one address to two clients, nor one client two addresses.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDhcp6AllocationTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);

    private static readonly Dhcp6ServerOptions Options = new()
    {
        StartRange = IPAddress.Parse("fd00:20::100"),
        EndRange = IPAddress.Parse("fd00:20::13f"),
    };

    [Fact]
    public void Two_servers_leasing_IPv6_addresses_to_the_same_clients_at_once_never_grant_an_address_twice()
    {
        string db = cluster.CreateDatabase();
        using var a = PostgresStore.Open(db, "a");
        using var b = PostgresStore.Open(db, "b");
        using var storeA = new PostgresLeaseStore(a, LeaseFamily.IPv6);
        using var storeB = new PostgresLeaseStore(b, LeaseFamily.IPv6);
        var pools = new[] { new Dhcp6LeasePool(Options, storeA), new Dhcp6LeasePool(Options, storeB) };
        const int Clients = 200;
        var granted = new ConcurrentBag<(string Duid, IPAddress Address)>();

        // Both servers hear every Solicit; each grants what its pool chooses, one in client order, the other in reverse.
        Parallel.For(0, 2, side =>
        {
            var pool = pools[side];
            for (int i = 0; i < Clients; i++)
            {
                int n = side == 0 ? i : Clients - 1 - i;
                string duid = $"00-03-00-01-52-54-00-00-{n >> 8:X2}-{n & 0xff:X2}";
                if (pool.Choose(duid, null, Now) is { } offered && pool.Commit(duid, offered, Now) is { } lease)
                {
                    Assert.Equal(offered, lease.IPAddress);
                    granted.Add((duid, lease.IPAddress));
                }
            }
        });

        // An address granted to one client only; a client granted by both servers got the same address from each.
        Assert.All(granted.GroupBy(g => g.Address), g => Assert.Single(g.Select(x => x.Duid).Distinct()));
        Assert.All(granted.GroupBy(g => g.Duid), g => Assert.Single(g.Select(x => x.Address).Distinct()));
        Assert.Equal(64, granted.Select(g => g.Address).Distinct().Count()); // the whole range, no more

        // The database says the same: 64 active IPv6 leases, each to another client, every one in the range.
        var stored = storeA.Load().Leases.Where(l => l.AddressState == AddressState.Active).ToList();
        Assert.Equal(64, stored.Count);
        Assert.Equal(64, stored.Select(l => l.ClientId).Distinct().Count());
        Assert.All(stored, l => Assert.Equal(System.Net.Sockets.AddressFamily.InterNetworkV6, l.IPAddress.AddressFamily));
        Assert.All(granted, g => Assert.Contains(stored, l => l.ClientId == g.Duid && l.IPAddress.Equals(g.Address)));
    }
}
