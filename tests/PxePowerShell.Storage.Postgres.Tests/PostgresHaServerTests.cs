using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.Dhcp;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>
/// A full-DHCP server of a high-availability group over a real database and real sockets (loopback); the test plays its
/// peer by writing the peer's heartbeat in the same database.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHaServerTests(PostgresCluster cluster)
{
    private static readonly string[] Names = ["pxe-a", "pxe-b"];

    [Fact]
    public async Task A_server_leaves_a_live_peers_clients_alone_and_answers_them_once_the_peer_leaves()
    {
        string db = cluster.CreateDatabase();
        using var peer = PostgresStore.Open(db, "pxe-b");
        peer.Leases.Heartbeat("pxe-b", Names);
        using var client = new LoopbackClient();
        await using var server = new DhcpServer("pxe-a", new DhcpServerOptions
        {
            Interfaces = ["lo"],
            Port = 0,
            ClientPort = client.Port,
            StartRange = IPAddress.Parse("127.0.0.50"),
            EndRange = IPAddress.Parse("127.0.0.99"),
            SubnetMask = IPAddress.Parse("255.255.255.0"),
            LeaseStorage = PostgresLeaseStorage.Connect(db, "pxe-a"),
            HighAvailability = new DhcpHaOptions { ServerName = "pxe-a", Peers = Names, HeartbeatDelay = TimeSpan.FromMilliseconds(200), MaxResponseDelay = TimeSpan.FromSeconds(60) },
        });
        await server.StartAsync();
        int port = server.EndPoints[0].Port;
        var ours = Enumerable.Range(1, 100).Select(TestPackets.Mac).First(m => LoadBalanceHash.Of(m) % 2 == 0); // pxe-a's buckets
        var theirs = Enumerable.Range(1, 100).Select(TestPackets.Mac).First(m => LoadBalanceHash.Of(m) % 2 == 1); // pxe-b's

        // pxe-b heartbeats (its beat is younger than the 60 s max-response-delay): its client gets nothing from pxe-a.
        await client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, theirs, 1), port);
        Assert.True(SpinWait.SpinUntil(() => server.GetStatistics().LeftToPeers == 1, TimeSpan.FromSeconds(5)), "the peer's client was not left to it");
        await client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, ours, 2), port);
        var offer = await client.ReceiveAsync();
        Assert.Equal((DhcpMessageType.Offer, 2u), (offer.MessageType, offer.TransactionId)); // the only reply: none for the peer's client

        // pxe-b stops (and says so): at pxe-a's next heartbeat its clients are pxe-a's.
        peer.Leases.Leave("pxe-b");
        DhcpMessage? taken = null;
        for (int attempt = 0; attempt < 20 && taken is null; attempt++)
        {
            await client.SendAsync(TestPackets.Request(DhcpMessageType.Discover, theirs, 3), port); // the client retries
            try
            {
                taken = await client.ReceiveAsync(TimeSpan.FromMilliseconds(500));
            }
            catch (OperationCanceledException)
            {
                // not yet: pxe-a has not read the heartbeats since
            }
        }

        Assert.Equal(DhcpMessageType.Offer, taken?.MessageType);
        Assert.Equal(0, server.GetStatistics().HeartbeatFailures);
        await server.StopAsync();
        Assert.True((double)PostgresCluster.Scalar(db, "SELECT extract(epoch FROM now() - beat)::float8 FROM pxe_heartbeat WHERE server = 'pxe-a'")! > 3600, "a stopped server must leave the group");
    }
}
