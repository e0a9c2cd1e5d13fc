using System.Collections;
using System.Net;
using System.Text.Json;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Tests.Dhcp;

namespace PxePowerShell.Storage.Postgres.Tests;

/// <summary>
/// Two composed servers of one high-availability group, each configured by its own configuration FILE (the HaPeers,
/// HaHeartbeatDelay and HaMaxResponseDelay keys beside Store) and built by the composition root as Start-PxeServer
/// -ConfigurationPath builds it, on one throwaway database and real sockets (loopback, a port each): they split the
/// clients by RFC 3074 bucket, and when one stops the other answers its clients too.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHaFromFilesTests(PostgresCluster cluster) : IDisposable
{
    private static readonly string[] Names = ["pxe-a", "pxe-b"];
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);
    private readonly string _local = Directory.CreateTempSubdirectory("pxepg-ha-").FullName;

    public void Dispose() => Directory.Delete(_local, recursive: true);

    [Fact]
    public async Task Two_servers_from_their_files_split_the_clients_by_hash_and_one_takes_over_when_the_other_stops()
    {
        string db = cluster.CreateDatabase();
        using var clientA = new LoopbackClient(); // where pxe-a's replies go
        using var clientB = new LoopbackClient(); // where pxe-b's replies go
        using var hostA = Host("pxe-a", db);
        using var hostB = Host("pxe-b", db);
        var a = hostA.CreateServer(Read(WriteFile("pxe-a", db, clientA.Port)));
        var b = hostB.CreateServer(Read(WriteFile("pxe-b", db, clientB.Port)));
        try
        {
            await hostA.StartAsync(a);
            await hostB.StartAsync(b);
            Assert.Equal(Names, a.Configuration.HaPeers);
            int portA = ((DhcpServer)a.Dhcp!).EndPoints[0].Port;
            int portB = ((DhcpServer)b.Dhcp!).EndPoints[0].Port;

            // Both see each other (pxe-b read pxe-a's heartbeat at its start; pxe-a reads pxe-b's at its next beat).
            Assert.True(SpinWait.SpinUntil(() => new[] { a, b }.All(s => Ha(s) is { State: DhcpHaState.LoadBalancing, Buckets: 128 }), Patience), $"{Ha(a)} / {Ha(b)}");

            // Three clients of each bucket half; every DISCOVER goes to both servers, as a broadcast would.
            var macs = Enumerable.Range(1, 200).Select(TestPackets.Mac).ToList();
            var ofA = macs.Where(m => LoadBalanceHash.Of(m) % 2 == 0).Take(3).ToList(); // "pxe-a" sorts first: the even buckets
            var ofB = macs.Where(m => LoadBalanceHash.Of(m) % 2 == 1).Take(3).ToList();
            uint xid = 100;
            foreach (var mac in ofA.Concat(ofB))
            {
                xid++;
                await clientA.SendAsync(TestPackets.Request(DhcpMessageType.Discover, mac, xid), portA);
                await clientB.SendAsync(TestPackets.Request(DhcpMessageType.Discover, mac, xid), portB);
            }

            Assert.Equal(ofA.Select(Hex).Order(), (await Offers(clientA, 3)).Order());
            Assert.Equal(ofB.Select(Hex).Order(), (await Offers(clientB, 3)).Order());
            Assert.True(SpinWait.SpinUntil(() => Stats(a).LeftToPeers == 3 && Stats(b).LeftToPeers == 3, Patience), "each server must leave the other's three clients alone");
            Assert.Equal((3L, 3L), (Stats(a).Offers, Stats(b).Offers)); // and offered nothing else

            // pxe-b stops (and leaves the group): at pxe-a's next heartbeat, pxe-b's clients are pxe-a's.
            await b.StopAsync();
            Assert.True(SpinWait.SpinUntil(() => Ha(a) is { State: DhcpHaState.PartnerDown, Buckets: 256 }, Patience), $"{Ha(a)}");
            Assert.Equal(["pxe-a", "pxe-b"], Ha(a)!.Scopes);
            foreach (var mac in ofB)
            {
                await clientA.SendAsync(TestPackets.Request(DhcpMessageType.Discover, mac, ++xid), portA);
            }

            Assert.Equal(ofB.Select(Hex).Order(), (await Offers(clientA, 3)).Order());
            Assert.Equal(3L, Stats(a).LeftToPeers); // no more left to pxe-b
            Assert.Equal(0L, Stats(a).HeartbeatFailures + Stats(b).HeartbeatFailures);
        }
        finally
        {
            await a.StopAsync();
            await b.StopAsync();
            await a.StopAsync(); // stops are idempotent
        }
    }

    /// <summary>One node's configuration file, as an operator writes it (docs/fleet/pxe-a.psd1, in JSON).</summary>
    private string WriteFile(string name, string db, int clientPort)
    {
        string root = Directory.CreateDirectory(Path.Combine(_local, name, "tftp")).FullName;
        string path = Path.Combine(_local, name + ".json");
        File.WriteAllText(path, JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Name"] = name,
            ["Root"] = root,
            ["DhcpMode"] = "Dhcp",
            ["Interfaces"] = new[] { "lo" },
            ["RangeStart"] = "127.0.0.50",
            ["RangeEnd"] = "127.0.0.99",
            ["SubnetMask"] = "255.255.255.0",
            ["DhcpPort"] = 0,
            ["ClientPort"] = clientPort,
            ["Tftp"] = false,
            ["BootMenu"] = false,
            ["ConflictCheckTimeout"] = "00:00:00",
            ["Store"] = db,
            ["HaPeers"] = Names,
            ["HaHeartbeatDelay"] = "00:00:00.2",
            ["HaMaxResponseDelay"] = "00:00:01",
        }));
        return path;
    }

    /// <summary>What Start-PxeServer -ConfigurationPath does with a file and no other parameters: read, then checked as one.</summary>
    private static PxeServerConfiguration Read(string path) => PxeConfigurationParameters.Apply(PxeConfigurationFile.ReadJson(path), new Hashtable());

    private PxeHost Host(string name, string db) => new(new PxeHostOptions
    {
        DataDirectory = Path.Combine(_local, name, "data"),
        OpenStore = (store, server, directory) => PostgresStorage.Open(store, directory, server),
    });

    private static DhcpServerStatistics Stats(PxeServer server) => server.GetStatistics().Dhcp!;

    private static DhcpHaStatus? Ha(PxeServer server) => Stats(server).HighAvailability;

    private static string Hex(byte[] mac) => Convert.ToHexString(mac);

    private static async Task<List<string>> Offers(LoopbackClient client, int count)
    {
        var macs = new List<string>();
        while (macs.Count < count)
        {
            var offer = await client.ReceiveAsync(Patience);
            Assert.Equal(DhcpMessageType.Offer, offer.MessageType);
            macs.Add(Convert.ToHexString(offer.ClientHardwareAddress.AsSpan(0, 6)));
        }

        return macs;
    }
}
