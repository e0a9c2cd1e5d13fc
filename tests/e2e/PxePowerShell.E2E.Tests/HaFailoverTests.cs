using System.Net;
using Npgsql;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Storage.Postgres.Tests;

namespace PxePowerShell.E2E.Tests;

/// <summary>
/// High availability on one segment (docs/fleet.md, issue 20 items 4 and 5): two full-DHCP servers of the module (pxeps,
/// Start-PxeDhcpServer -Store -HaPeers) in two namespaces on one bridge, one throwaway PostgreSQL reached by both over its
/// Unix socket, 2,000 scripted clients doing DORA from a third namespace; one server is killed with SIGKILL mid-run.
/// </summary>
public sealed class HaFailoverTests
{
    private const int ClientCount = 2000;
    private static readonly string[] Names = ["pxe-a", "pxe-b"];

    [E2EFact]
    public async Task Kill_9_of_one_peer_mid_run_the_survivor_takes_its_buckets_in_time_and_no_address_is_leased_twice()
    {
        using var cluster = new PostgresCluster();
        string database = cluster.CreateDatabase();
        using var lab = new HaLab();
        var work = Directory.CreateTempSubdirectory("pxe-ha-");
        try
        {
            await RunAsync(lab, database, work.FullName);
        }
        finally
        {
            lab.Dispose(); // the servers die before their data directories go
            work.Delete(recursive: true);
        }
    }

    private static async Task RunAsync(HaLab lab, string database, string work)
    {
        var servers = new Shell.Background[2];
        for (int i = 0; i < 2; i++)
        {
            servers[i] = StartServer(lab, i, database, work);
        }

        for (int i = 0; i < 2; i++)
        {
            servers[i].WaitForLine(l => l.StartsWith("READY", StringComparison.Ordinal), TimeSpan.FromSeconds(120), $"{Names[i]} start");
        }

        // Each server has heartbeated (and so read the other's heartbeat) since the other joined: both split the buckets.
        Assert.True(
            SpinWait.SpinUntil(
                () => PostgresCluster.Scalar(database, "SELECT count(*) = 2 AND bool_and(x.beat > y.first_beat + interval '500 ms') FROM pxe_heartbeat x JOIN pxe_heartbeat y ON x.server <> y.server") is true,
                TimeSpan.FromSeconds(30)),
            "the two servers did not both heartbeat");

        using var clients = new DoraClients(lab, ClientCount);
        var run = clients.RunAsync(window: 64, deadline: TimeSpan.FromSeconds(100));

        // Kill pxe-a once both servers have acknowledged a good share, while clients are still starting.
        var a = IPAddress.Parse(lab.ServerAddress(0));
        var b = IPAddress.Parse(lab.ServerAddress(1));
        Assert.True(
            SpinWait.SpinUntil(() => clients.Acks.Count(x => x.Server.Equals(a)) >= ClientCount / 8 && clients.Acks.Count(x => x.Server.Equals(b)) >= ClientCount / 8, TimeSpan.FromSeconds(60)),
            $"both servers did not answer: {clients.Acks.Count(x => x.Server.Equals(a))} ACKs from pxe-a, {clients.Acks.Count(x => x.Server.Equals(b))} from pxe-b\n{servers[0].Output}\n{servers[1].Output}");
        servers[0].Kill();
        var killedAt = clients.Now;
        await run;

        var acks = clients.Acks;
        var before = acks.Where(x => x.At < killedAt).ToList();
        var after = acks.Where(x => x.At > killedAt).ToList();
        Assert.True(acks.Count == ClientCount, $"{ClientCount - acks.Count} of {ClientCount} clients got no ACK\n{servers[1].Output}");

        // Both answered before the kill, each only the clients of its own buckets (bucket b to the (b mod 2)-th name).
        Assert.All(before, x => Assert.Equal(Home(clients, x.Client) == 0 ? a : b, x.Server));

        // After it, the survivor answered the dead one's clients too, the first of them within the documented bound:
        // max-response-delay + one client retry (+ the exchange itself), from the moment of the kill.
        Assert.DoesNotContain(after, x => x.Server.Equals(a) && x.At > killedAt + TimeSpan.FromSeconds(1));
        var takenOver = after.Where(x => Home(clients, x.Client) == 0 && x.Server.Equals(b)).OrderBy(x => x.At).ToList();
        Assert.True(takenOver.Count > ClientCount / 8, $"the survivor answered only {takenOver.Count} of pxe-a's clients after the kill");
        var bound = DhcpHaOptions.DefaultMaxResponseDelay + DoraClients.Retry + TimeSpan.FromSeconds(1);
        Assert.True(takenOver[0].At - killedAt <= bound, $"the first of pxe-a's clients was answered by pxe-b {(takenOver[0].At - killedAt).TotalSeconds:0.0} s after the kill (bound {bound.TotalSeconds} s)");

        // Every client got one address, no address went to two clients, and the database says the same.
        Assert.Equal(ClientCount, acks.Select(x => x.Address).Distinct().Count());
        var leases = ActiveLeases(database);
        Assert.Equal(ClientCount, leases.Count);
        foreach (var (client, address, _, _) in acks)
        {
            Assert.Equal(address, leases[BitConverter.ToString(clients.Macs[client])]);
        }
    }

    /// <summary>pxeps in server namespace <paramref name="i"/>: Start-PxeDhcpServer over the shared database, in a group of two.</summary>
    private static Shell.Background StartServer(HaLab lab, int i, string database, string work)
    {
        string script = Path.Combine(work, $"{Names[i]}.ps1");
        File.WriteAllText(script, $$"""
            $server = Start-PxeDhcpServer -Range {{lab.Prefix}}.1.0, {{lab.Prefix}}.12.255 -SubnetMask 255.255.240.0 -Interface eth0 -LeaseTime 01:00:00 -Store '{{database}}' -Name {{Names[i]}} -HaPeers {{string.Join(',', Names)}}
            "READY $($server.Name)"
            $server.Completion.Wait()
            """);
        string pxeps = Path.Combine(FirmwareLab.RepoRoot, "src", "PxePowerShell.Host", "bin", FirmwareLab.BuildConfiguration, "net10.0", "pxeps.dll");
        return lab.StartInServer(i, $"dotnet {pxeps} -File {script}", new Dictionary<string, string>
        {
            ["PXEPOWERSHELL_DATA"] = Path.Combine(work, Names[i]),
            ["DOTNET_NOLOGO"] = "1",
        });
    }

    /// <summary>Which peer's bucket a client is in: 0 for pxe-a, 1 for pxe-b (names in order, bucket mod 2).</summary>
    private static int Home(DoraClients clients, int client) => LoadBalanceHash.Of(clients.Macs[client]) % 2;

    /// <summary>The Active leases in the database by client: each client at most one row (the query fails the test on a second).</summary>
    private static Dictionary<string, IPAddress> ActiveLeases(string database)
    {
        var leases = new Dictionary<string, IPAddress>(StringComparer.OrdinalIgnoreCase);
        using var connection = new NpgsqlConnection(database + ";Pooling=false");
        connection.Open();
        using var cmd = new NpgsqlCommand("SELECT client_id, host(address) FROM pxe_lease WHERE state = 'Active'", connection);
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            Assert.True(leases.TryAdd(reader.GetString(0), IPAddress.Parse(reader.GetString(1))), $"{reader.GetString(0)} holds two addresses");
        }

        return leases;
    }
}
