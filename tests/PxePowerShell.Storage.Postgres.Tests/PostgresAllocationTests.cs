using System.Collections.Concurrent;
using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Storage.Postgres.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresAllocationTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly DhcpServerOptions Options = new()
    {
        StartRange = IPAddress.Parse("10.9.0.10"),
        EndRange = IPAddress.Parse("10.9.0.73"),
        SubnetMask = IPAddress.Parse("255.255.255.0"),
        LeaseDuration = Hour,
    };

    private static readonly LeaseRange Range = LeaseRange.Of(Options, IPAddress.Parse("10.9.0.11"));

    [Fact]
    public void Two_servers_allocating_for_thousands_of_clients_at_once_never_lease_an_address_twice()
    {
        string db = cluster.CreateDatabase();
        using var a = PostgresStore.Open(db, "a");
        using var b = PostgresStore.Open(db, "b");
        AssertNoAddressTwice(a.Leases, b.Leases);

        // what the database holds says the same: one row per address, at most one address per client
        Assert.Equal(0L, PostgresCluster.Scalar(db, "SELECT count(*) FROM (SELECT client_id FROM pxe_lease WHERE client_id IS NOT NULL GROUP BY client_id HAVING count(*) > 1) x"));
        Assert.Equal(Range.Size - 1, PostgresCluster.Scalar(db, "SELECT count(*) FROM pxe_lease WHERE state = 'Active'"));
    }

    [Fact]
    public void The_embedded_default_gives_the_same_guarantee_in_one_process()
    {
        var allocator = new PoolLeaseAllocator(new LeasePool(Options, null));
        AssertNoAddressTwice(allocator, allocator);
    }

    [Fact]
    public void A_client_gets_its_address_back_its_reservation_first_and_a_requested_address_when_free()
    {
        string db = cluster.CreateDatabase();
        using var a = PostgresStore.Open(db, "a");
        using var b = PostgresStore.Open(db, "b");

        var offered = a.Leases.TryAllocate(Range, "52:54:00:00:00:01", "node1", null, Now, TimeSpan.FromMinutes(1), AddressState.Offered);
        Assert.Equal(AddressState.Offered, offered!.AddressState);
        var acked = b.Leases.TryAllocate(Range, "52-54-00-00-00-01", null, null, Now, Hour, AddressState.Active);
        Assert.Equal(offered.IPAddress, acked!.IPAddress);
        Assert.Equal("node1", acked.HostName);
        Assert.Equal(Now + Hour, acked.LeaseExpiryTime);

        // an offer to a client that holds a lease does not shorten it
        var again = a.Leases.TryAllocate(Range, "52-54-00-00-00-01", null, null, Now.AddMinutes(5), TimeSpan.FromMinutes(1), AddressState.Offered);
        Assert.Equal(AddressState.Active, again!.AddressState);
        Assert.Equal(Now + Hour, again.LeaseExpiryTime);

        // a requested address, when free; not one another client holds
        var want = IPAddress.Parse("10.9.0.40");
        Assert.Equal(want, a.Leases.TryAllocate(Range, "52-54-00-00-00-02", null, want, Now, Hour, AddressState.Active)!.IPAddress);
        Assert.NotEqual(want, b.Leases.TryAllocate(Range, "52-54-00-00-00-03", null, want, Now, Hour, AddressState.Active)!.IPAddress);

        // the server's own address is never leased; a reservation (even outside the range) wins and is kept from others
        b.Leases.SaveReservation(new DhcpReservation(IPAddress.Parse("10.9.0.200"), "52-54-00-00-00-04", "pinned", TimeSpan.FromHours(12)));
        var reserved = a.Leases.TryAllocate(Range, "52-54-00-00-00-04", null, null, Now, Hour, AddressState.Active);
        Assert.Equal(IPAddress.Parse("10.9.0.200"), reserved!.IPAddress);
        Assert.Equal(AddressState.ActiveReservation, reserved.AddressState);
        Assert.Equal(Now + TimeSpan.FromHours(12), reserved.LeaseExpiryTime);
        b.Leases.SaveReservation(new DhcpReservation(IPAddress.Parse("10.9.0.41"), "52-54-00-00-00-05"));
        for (int i = 0; i < Range.Size; i++)
        {
            var lease = a.Leases.TryAllocate(Range, $"52-54-00-00-01-{i:x2}", null, null, Now, Hour, AddressState.Active);
            Assert.NotEqual(IPAddress.Parse("10.9.0.11"), lease?.IPAddress);
            Assert.NotEqual(IPAddress.Parse("10.9.0.41"), lease?.IPAddress);
        }
    }

    [Fact]
    public void An_expired_or_released_address_goes_to_another_client_and_an_exhausted_range_gives_none()
    {
        string db = cluster.CreateDatabase();
        using var a = PostgresStore.Open(db, "a");
        var small = Range with { EndRange = IPAddress.Parse("10.9.0.12"), Excluded = [] };
        var first = a.Leases.TryAllocate(small, "52-54-00-00-00-01", null, null, Now, Hour, AddressState.Active)!;
        var second = a.Leases.TryAllocate(small, "52-54-00-00-00-02", null, null, Now, Hour, AddressState.Active)!;
        var third = a.Leases.TryAllocate(small, "52-54-00-00-00-03", null, null, Now, Hour, AddressState.Active)!;
        Assert.Equal(3, new[] { first.IPAddress, second.IPAddress, third.IPAddress }.Distinct().Count());
        Assert.Null(a.Leases.TryAllocate(small, "52-54-00-00-00-04", null, null, Now.AddMinutes(30), Hour, AddressState.Active));

        a.Leases.SaveLease(second with { AddressState = AddressState.Expired, LeaseExpiryTime = Now.AddMinutes(30) }); // RELEASE
        Assert.Equal(second.IPAddress, a.Leases.TryAllocate(small, "52-54-00-00-00-04", null, null, Now.AddMinutes(31), Hour, AddressState.Active)!.IPAddress);
        var late = Now.AddHours(2); // first and third have run out
        var reused = a.Leases.TryAllocate(small, "52-54-00-00-00-05", null, null, late, Hour, AddressState.Active)!;
        Assert.Contains(reused.IPAddress, new[] { first.IPAddress, third.IPAddress });
        // a client whose lease ran out and whose address went to someone else gets another one, never two
        var back = a.Leases.TryAllocate(small, reused.IPAddress.Equals(first.IPAddress) ? "52-54-00-00-00-01" : "52-54-00-00-00-03", null, null, late, Hour, AddressState.Active)!;
        Assert.NotEqual(reused.IPAddress, back.IPAddress);
        var live = a.Leases.Load().Leases.Where(l => l.AddressState == AddressState.Active && l.LeaseExpiryTime > late).ToList();
        Assert.Equal(2, live.Count);
        Assert.Equal(2, live.Select(l => l.ClientId).Distinct().Count());
    }

    /// <summary>
    /// Every client of 2,000 asks both allocators (two servers hearing the same broadcast) for an address at the same time,
    /// from a range of 64 (one excluded): each address goes to one client, each client gets one address (the same from both).
    /// </summary>
    private static void AssertNoAddressTwice(ILeaseAllocator a, ILeaseAllocator b)
    {
        const int Clients = 2000;
        var byServer = new[] { new ConcurrentDictionary<string, IPAddress>(), new ConcurrentDictionary<string, IPAddress>() };
        var allocators = new[] { a, b };
        var work = Enumerable.Range(0, 2 * Clients).Select(i => (Server: i % 2, Client: i / 2)).ToArray();
        Parallel.ForEach(work, new ParallelOptions { MaxDegreeOfParallelism = 8 }, item =>
        {
            string mac = $"52-54-00-00-{item.Client >> 8:x2}-{item.Client & 0xff:x2}";
            if (allocators[item.Server].TryAllocate(Range, mac, null, null, Now, Hour, AddressState.Active) is { } lease)
            {
                Assert.True(byServer[item.Server].TryAdd(mac, lease.IPAddress));
            }
        });

        var holders = new Dictionary<IPAddress, string>();
        foreach (var server in byServer)
        {
            foreach (var (mac, address) in server)
            {
                Assert.NotEqual(IPAddress.Parse("10.9.0.11"), address);
                if (holders.TryGetValue(address, out var holder))
                {
                    Assert.Equal(holder, mac); // the same client through the other server
                }
                else
                {
                    holders[address] = mac;
                }
            }
        }

        Assert.Equal(Range.Size - 1, holders.Count); // the whole range went out, minus the excluded address
        Assert.Equal(holders.Count, holders.Values.Distinct().Count());
    }
}
