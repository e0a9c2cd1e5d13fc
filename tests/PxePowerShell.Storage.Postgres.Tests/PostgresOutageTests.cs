using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Services;
using PxePowerShell.Engine.Tests.Dhcp;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>
/// The database-outage behaviour of docs/fleet.md (issue 20, item 5): PostgreSQL stopped under a full-DHCP server in
/// the middle of its traffic. While it is down nothing is acknowledged (the database did not record it), every request
/// is a counted drop, no exception leaves the server and a stop still finishes; once it is back the same server serves
/// again without a restart, and the database holds every lease that was acknowledged.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOutageTests(PostgresCluster cluster)
{
    [Fact]
    public async Task A_full_dhcp_server_survives_a_database_outage_mid_traffic_and_acknowledges_only_what_the_database_holds()
    {
        string db = cluster.CreateDatabase();
        using var client = new LoopbackClient();
        using var spareClient = new LoopbackClient();
        await using var server = LoopbackDhcp.Server(db, "outage", client);
        await using var spare = LoopbackDhcp.Server(db, "outage-spare", spareClient);
        await server.StartAsync();
        await spare.StartAsync();
        using var events = server.Events.Subscribe();

        var acked = new ConcurrentDictionary<string, IPAddress>();
        var ackedDuringOutage = 0;
        var outage = 0; // 1 while the database is down
        using var stopTraffic = new CancellationTokenSource();
        int next = 0;
        var traffic = Task.Run(async () =>
        {
            while (!stopTraffic.IsCancellationRequested)
            {
                // DORA for one client after another, as a rack booting; each may fail (the database is down) and is retried later.
                int n = Interlocked.Increment(ref next) % 40;
                var mac = TestPackets.Mac(0x5200 + n);
                var offer = await LoopbackDhcp.OfferAsync(client, server, mac, TimeSpan.FromMilliseconds(300));
                if (offer is null)
                {
                    continue;
                }

                var ack = await LoopbackDhcp.ExchangeAsync(client, server, xid => TestPackets.Request(DhcpMessageType.Request, mac, xid).With(DhcpOptionCode.RequestedAddress, offer.YourAddress).With(DhcpOptionCode.ServerIdentifier, IPAddress.Loopback), TimeSpan.FromMilliseconds(300));
                if (ack?.MessageType == DhcpMessageType.Ack)
                {
                    acked[MacAddress.NormalizeHardwareAddress(BitConverter.ToString(mac))] = ack.YourAddress;
                    if (Volatile.Read(ref outage) == 1)
                    {
                        Interlocked.Increment(ref ackedDuringOutage);
                    }
                }
            }
        });

        try
        {
            Assert.True(await Until(() => acked.Count >= 10, TimeSpan.FromSeconds(30)), "no traffic before the outage");
            cluster.Stop(immediate: false); // fast: what was committed (asynchronously, in this test cluster) is kept
            Volatile.Write(ref outage, 1);
            long ignoredAtStop = server.Statistics.Ignored;

            // Down: requests are dropped and counted, each drop says why; nothing is acknowledged; the server keeps running.
            Assert.True(await Until(() => server.Statistics.Ignored >= ignoredAtStop + 10, TimeSpan.FromSeconds(30)), "the server did not count drops while the database was down");
            var drop = await LoopbackClient.WaitForAsync(events, e => e.Kind == PxeEventKind.Ignored && e.Reason?.Contains("lease store", StringComparison.Ordinal) == true, TimeSpan.FromSeconds(10));
            Assert.Contains("PostgreSQL at", drop.Reason, StringComparison.Ordinal);
            Assert.Equal(0, Volatile.Read(ref ackedDuringOutage));
            Assert.Equal(PxeServerState.Running, server.State);
            Assert.Null(server.FaultException);

            // A stop while the database is down still finishes, and cleanly.
            var stopping = Stopwatch.StartNew();
            await spare.StopAsync().WaitAsync(TimeSpan.FromSeconds(15));
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(15));
            Assert.Null(spare.FaultException);
            await spare.StopAsync().WaitAsync(TimeSpan.FromSeconds(5)); // and a second stop returns too

            // Back: the same server leases again, without a restart.
            cluster.Start();
            Volatile.Write(ref outage, 0);
            long acksBefore = server.Statistics.Acks;
            Assert.True(await Until(() => server.Statistics.Acks >= acksBefore + 5, TimeSpan.FromSeconds(30)), "the server did not serve again after the database came back");
        }
        finally
        {
            stopTraffic.Cancel();
            await traffic;
            if (cluster.IsStopped)
            {
                cluster.Start();
            }
        }

        // Every acknowledged lease is in the database, for that client; no address was acknowledged to two clients.
        Assert.Equal(acked.Count, acked.Values.Distinct().Count());
        using var check = PostgresStore.Open(db + ";Pooling=false", "check");
        var stored = check.Leases.Load().Leases.Where(l => l.AddressState == AddressState.Active).ToDictionary(l => l.ClientId, l => l.IPAddress);
        Assert.All(acked, pair => Assert.Equal(pair.Value, stored.GetValueOrDefault(pair.Key)));
        Assert.Equal(PxeServerState.Running, server.State);
        Assert.Null(server.FaultException);
    }

    private static async Task<bool> Until(Func<bool> condition, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(20); // polling a condition, bounded by the timeout
        }

        return true;
    }
}
