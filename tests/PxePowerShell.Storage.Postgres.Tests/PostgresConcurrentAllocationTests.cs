using System.Collections.Concurrent;
using System.Net;
using Npgsql;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.Dhcp;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>
/// Issue 20: the allocation in one call of <c>pxe_allocate</c> (migration 6), offers that do not wait for the WAL, and a
/// server that allocates for several clients at once (its workers, <see cref="DhcpWorkQueue"/>) instead of one packet at a
/// time — none of which may give one address twice.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresConcurrentAllocationTests(PostgresCluster cluster)
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 4, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly LeaseRange Range = LeaseRange.Of(
        new DhcpServerOptions { StartRange = IPAddress.Parse("10.9.0.10"), EndRange = IPAddress.Parse("10.9.0.49"), SubnetMask = IPAddress.Parse("255.255.255.0") },
        IPAddress.Parse("10.9.0.11"));

    /// <summary>
    /// Full DORA at the store for 400 clients at once through two stores (two servers) from a range of 40 (one excluded):
    /// each client is offered by one server and asks the other for that address, as a client that took the first offer
    /// of two. Offers and acknowledgements race for the same free rows; no address is acknowledged to two clients.
    /// </summary>
    [Fact]
    public void Two_stores_offering_and_acknowledging_for_many_clients_at_once_never_give_one_address_twice()
    {
        string db = cluster.CreateDatabase();
        using var a = PostgresStore.Open(db, "a");
        using var b = PostgresStore.Open(db, "b");
        var stores = new[] { a.Leases, b.Leases };
        var acked = new ConcurrentDictionary<string, IPAddress>();
        int naks = 0;
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 16 }, n =>
        {
            string mac = $"52-54-00-01-{n >> 8:x2}-{n & 0xff:x2}";
            var offer = stores[n % 2].TryAllocate(Range, mac, null, null, Now, TimeSpan.FromMinutes(1), AddressState.Offered);
            if (offer is null)
            {
                return; // the range is exhausted: no offer
            }

            Assert.Equal(AddressState.Offered, offer.AddressState);
            var ack = stores[(n + 1) % 2].TryAllocate(Range, mac, null, offer.IPAddress, Now, Hour, AddressState.Active);
            if (ack is not null && ack.IPAddress.Equals(offer.IPAddress))
            {
                Assert.Equal(AddressState.Active, ack.AddressState);
                Assert.True(acked.TryAdd(mac, ack.IPAddress));
            }
            else
            {
                Interlocked.Increment(ref naks); // the responder NAKs an ACK of another address
            }
        });

        Assert.Equal(0, naks); // every offer was acknowledged by the other server
        Assert.Equal(acked.Count, acked.Values.Distinct().Count()); // no address acknowledged twice
        Assert.DoesNotContain(IPAddress.Parse("10.9.0.11"), acked.Values);
        Assert.Equal(Range.Size - 1, acked.Count); // and the whole range went out
        var active = a.Leases.Load().Leases.Where(l => l.AddressState == AddressState.Active).ToDictionary(l => l.ClientId, l => l.IPAddress);
        Assert.Equal(acked.OrderBy(p => p.Key), active.OrderBy(p => p.Key)); // the database holds exactly what was acknowledged
        Assert.Equal(0L, PostgresCluster.Scalar(db, "SELECT count(*) FROM (SELECT client_id FROM pxe_lease WHERE client_id IS NOT NULL GROUP BY client_id HAVING count(*) > 1) x"));
    }

    [Fact]
    public void Prepare_makes_the_range_s_rows_at_start_and_leaves_no_lease_behind()
    {
        string db = cluster.CreateDatabase();
        using (var a = PostgresStore.Open(db, "a"))
        {
            ((ILeaseAllocator)a.Leases).Prepare(Range);
        }

        Assert.Equal(Range.Size, PostgresCluster.Scalar(db, "SELECT count(*) FROM pxe_lease WHERE client_id IS NULL AND state = 'Free'"));
        Assert.Equal(0L, PostgresCluster.Scalar(db, "SELECT count(*) FROM pxe_lease WHERE client_id IS NOT NULL")); // the rehearsal was rolled back

        // a second server preparing the same range changes nothing, and allocation starts from the lowest free address
        using var b = PostgresStore.Open(db, "b");
        ((ILeaseAllocator)b.Leases).Prepare(Range);
        Assert.Equal(Range.Size, PostgresCluster.Scalar(db, "SELECT count(*) FROM pxe_lease"));
        Assert.Equal(IPAddress.Parse("10.9.0.10"), b.Leases.TryAllocate(Range, "52-54-00-00-00-01", null, null, Now, Hour, AddressState.Active)!.IPAddress);
    }

    [Fact]
    public void An_offer_commits_without_waiting_for_the_disk_and_an_acknowledgement_waits()
    {
        string db = cluster.CreateDatabase();
        using (var store = PostgresStore.Open(db, "a"))
        {
            store.Leases.TryAllocate(Range, "52-54-00-00-00-01", null, null, Now, Hour, AddressState.Active); // the range's rows
        }

        using var connection = new NpgsqlConnection(db + ";Pooling=false");
        connection.Open();
        Execute(connection, "SET synchronous_commit = on"); // a durable session (the test cluster's default is off)
        Assert.Equal("off", SettingAfter(connection, "Offered"));
        Assert.Equal("on", SettingAfter(connection, "Active"));
        Assert.Equal("on", (string?)new NpgsqlCommand("SELECT current_setting('synchronous_commit')", connection).ExecuteScalar()); // only that transaction's

        static string? SettingAfter(NpgsqlConnection c, string state)
        {
            using var tx = c.BeginTransaction();
            using var call = new NpgsqlCommand(
                "SELECT count(*) FROM pxe_allocate('10.9.0.0', '10.9.0.0/24', '10.9.0.10', '10.9.0.49', '{}', $1, NULL, NULL, $2, now(), '1 hour', 'test', NULL)", c, tx);
            call.Parameters.Add(new NpgsqlParameter { Value = "52-54-00-00-00-" + state.Length.ToString("x2", System.Globalization.CultureInfo.InvariantCulture) });
            call.Parameters.Add(new NpgsqlParameter { Value = state });
            Assert.Equal(1L, call.ExecuteScalar());
            string? setting = (string?)new NpgsqlCommand("SELECT current_setting('synchronous_commit')", c, tx).ExecuteScalar();
            tx.Commit();
            return setting;
        }
    }

    /// <summary>
    /// A server over the shared store answers one client while another client's allocation waits in the database (a row
    /// lock the test holds on that client's lease): the receive loop does not wait for the database, and the workers
    /// allocate for several clients at once. Once the lock goes the waiting client gets its offer too.
    /// </summary>
    [Fact]
    public async Task A_server_answers_other_clients_while_one_clients_allocation_waits_on_a_row_lock()
    {
        string db = cluster.CreateDatabase();
        using var client = new LoopbackClient();
        await using var server = LoopbackDhcp.Server(db, "concurrent", client);
        await server.StartAsync();

        var slow = TestPackets.Mac(0x7100);
        int slowWorker = DhcpWorkQueue.WorkerOf(slow, DhcpServer.AllocationWorkers);
        var fast = Enumerable.Range(0x7101, 64).Select(TestPackets.Mac).First(m => DhcpWorkQueue.WorkerOf(m, DhcpServer.AllocationWorkers) != slowWorker);
        var first = await LoopbackDhcp.OfferAsync(client, server, slow, TimeSpan.FromSeconds(10));
        Assert.NotNull(first);

        await using var locker = new NpgsqlConnection(db + ";Pooling=false");
        await locker.OpenAsync();
        await using (var tx = await locker.BeginTransactionAsync())
        {
            await using (var lockRow = new NpgsqlCommand("SELECT count(*) FROM (SELECT 1 FROM pxe_lease WHERE address = $1 FOR UPDATE) x", locker, tx))
            {
                lockRow.Parameters.Add(new NpgsqlParameter { Value = first!.YourAddress, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Inet });
                Assert.Equal(1L, await lockRow.ExecuteScalarAsync());
            }

            long waitingBefore = Waiting(db);
            await client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, slow, 0x7100), server.EndPoints[0].Port); // its allocation now waits for the lock
            Assert.True(await UntilAsync(() => Task.FromResult(Waiting(db) > waitingBefore), TimeSpan.FromSeconds(10)), "the slow client's allocation never waited on the lock");

            var other = await LoopbackDhcp.OfferAsync(client, server, fast, TimeSpan.FromSeconds(10));
            Assert.NotNull(other); // answered while the slow client's transaction waits
            Assert.NotEqual(first.YourAddress, other!.YourAddress);
            await tx.CommitAsync();
        }

        var again = await LoopbackDhcp.OfferAsync(client, server, slow, TimeSpan.FromSeconds(10));
        Assert.Equal(first.YourAddress, again?.YourAddress); // and the waiting client keeps its address
        Assert.Null(server.FaultException);
    }

    /// <summary>Sessions of the database waiting for a lock (pg_stat_activity, read in a session of its own: a fresh snapshot).</summary>
    private static long Waiting(string db) =>
        (long)PostgresCluster.Scalar(db, "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")!;

    private static async Task<bool> UntilAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(20); // polling a condition, bounded by the timeout
        }

        return true;
    }

    private static void Execute(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        cmd.ExecuteNonQuery();
    }
}
