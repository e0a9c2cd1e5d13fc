using System.Collections.Concurrent;
using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.Dhcp;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>Two full-DHCP responders (two servers on one segment) over one database: DORA through both at once.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresDhcpResponderTests(PostgresCluster cluster)
{
    private static readonly IPAddress ServerA = IPAddress.Parse("10.9.0.1");
    private static readonly IPAddress ServerB = IPAddress.Parse("10.9.0.2");

    [Fact]
    public void Two_servers_answering_every_client_at_once_acknowledge_each_address_to_one_client()
    {
        string db = cluster.CreateDatabase();
        var options = new DhcpServerOptions { StartRange = IPAddress.Parse("10.9.0.10"), EndRange = IPAddress.Parse("10.9.0.73"), SubnetMask = IPAddress.Parse("255.255.255.0") };
        using var a = PostgresStore.Open(db, "a");
        using var b = PostgresStore.Open(db, "b");
        var responders = new[] { (Server: ServerA, Responder: new DhcpLeaseResponder(options, a.Leases)), (Server: ServerB, Responder: new DhcpLeaseResponder(options, b.Leases)) };
        foreach (var (server, responder) in responders)
        {
            responder.Exclude(server);
        }

        const int Clients = 300;
        var acked = new ConcurrentDictionary<string, IPAddress>();
        var naks = 0;
        Parallel.For(0, Clients, new ParallelOptions { MaxDegreeOfParallelism = 8 }, n =>
        {
            var mac = TestPackets.Mac(n + 1);
            var discover = TestPackets.Request(DhcpMessageType.Discover, mac, (uint)n);
            // both servers hear the broadcast; the client takes the first offer (alternating, as the race goes)
            var offers = responders.Select(r => (r.Server, Offer: r.Responder.Respond(discover, r.Server))).Where(o => o.Offer.Reply is not null).ToList();
            if (offers.Count == 0)
            {
                return;
            }

            Assert.Single(offers.Select(o => o.Offer.Reply!.YourAddress).Distinct()); // both offer the client the same address
            var (chosen, offer) = offers[n % offers.Count];
            var request = TestPackets.Request(DhcpMessageType.Request, mac, (uint)n)
                .With(DhcpOptionCode.RequestedAddress, offer.Reply!.YourAddress)
                .With(DhcpOptionCode.ServerIdentifier, chosen);
            var answers = responders.Select(r => r.Responder.Respond(request, r.Server)).ToList();
            var ack = Assert.Single(answers, x => x.Kind == PxeEventKind.DhcpAck || x.Reply?.MessageType == DhcpMessageType.Nak);
            if (ack.Kind == PxeEventKind.DhcpAck)
            {
                Assert.True(acked.TryAdd(MacAddress.NormalizeHardwareAddress(BitConverter.ToString(mac)), ack.Reply!.YourAddress));
            }
            else
            {
                Interlocked.Increment(ref naks);
            }
        });

        Assert.Equal(0, naks);
        Assert.Equal(64, acked.Count); // the whole range, each address once
        Assert.Equal(acked.Count, acked.Values.Distinct().Count());
        var stored = a.Leases.Load().Leases.Where(l => l.AddressState == AddressState.Active).ToList();
        Assert.Equal(64, stored.Count);
        Assert.All(stored, l => Assert.Equal(acked[l.ClientId], l.IPAddress)); // the database agrees with what the clients were told
    }

    [Fact]
    public void While_the_database_is_unreachable_nothing_is_offered_or_acknowledged_and_serving_resumes_after()
    {
        string db = cluster.CreateDatabase();
        string name = db[(db.LastIndexOf('=') + 1)..];
        var options = new DhcpServerOptions { StartRange = IPAddress.Parse("10.9.0.10"), EndRange = IPAddress.Parse("10.9.0.73"), SubnetMask = IPAddress.Parse("255.255.255.0") };
        using var store = PostgresStore.Open(db + ";Pooling=false", "a");
        var responder = new DhcpLeaseResponder(options, store.Leases);
        var mac = TestPackets.Mac(1);
        var offer = responder.Respond(TestPackets.Request(DhcpMessageType.Discover, mac, 1), ServerA);
        Assert.Equal(PxeEventKind.DhcpOffer, offer.Kind);

        string admin = $"Host={cluster.Host};Username=postgres;Database=postgres";
        PostgresCluster.Scalar(admin, $"ALTER DATABASE {name} ALLOW_CONNECTIONS false");
        try
        {
            var request = TestPackets.Request(DhcpMessageType.Request, mac, 1).With(DhcpOptionCode.RequestedAddress, offer.Reply!.YourAddress).With(DhcpOptionCode.ServerIdentifier, ServerA);
            var refused = responder.Respond(request, ServerA);
            Assert.Equal(PxeEventKind.Ignored, refused.Kind); // no ACK the database did not record: the client retries
            Assert.Null(refused.Reply);
            Assert.Contains("lease store", refused.Reason, StringComparison.Ordinal);
            Assert.Null(responder.Respond(TestPackets.Request(DhcpMessageType.Discover, TestPackets.Mac(2), 2), ServerA).Reply);
        }
        finally
        {
            PostgresCluster.Scalar(admin, $"ALTER DATABASE {name} ALLOW_CONNECTIONS true");
        }

        Assert.DoesNotContain(store.Leases.Load().Leases, l => l.AddressState == AddressState.Active);
        var retried = responder.Respond(TestPackets.Request(DhcpMessageType.Request, mac, 1).With(DhcpOptionCode.RequestedAddress, offer.Reply!.YourAddress).With(DhcpOptionCode.ServerIdentifier, ServerA), ServerA);
        Assert.Equal(PxeEventKind.DhcpAck, retried.Kind);
        Assert.Equal(offer.Reply.YourAddress, Assert.Single(store.Leases.Load().Leases).IPAddress);
    }
}
