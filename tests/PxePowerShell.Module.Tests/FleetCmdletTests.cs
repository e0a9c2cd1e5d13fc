using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using PxePowerShell.Storage.Postgres.Tests;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// Get-PxeClient, Get-PxeLease and Get-PxeEvent -Store (docs/fleet.md): from a session with no server, the whole fleet's
/// clients, leases and events as two nodes recorded them in one PostgreSQL database (a throwaway cluster), each with the
/// node that recorded it; an unreachable database, a malformed setting and a newer schema are ErrorRecords.
/// </summary>
public sealed class FleetCmdletTests(ModuleHost host, PostgresCluster cluster) : IClassFixture<ModuleHost>, IClassFixture<PostgresCluster>
{
    [Fact]
    public void The_three_cmdlets_read_both_nodes_clients_leases_and_events_from_the_database_alone()
    {
        string db = cluster.CreateDatabase();
        var store = new Dictionary<string, object?> { ["store"] = db };
        Assert.Empty(host.Invoke("Get-PxeClient -Store $store", store).AssertNoErrors().Output); // creates the schema
        PostgresCluster.Scalar(db, """
            INSERT INTO pxe_client (mac, ip, architecture, first_seen, last_seen, boot_count, server) VALUES
                ('52-54-00-00-00-01', '10.9.0.11', 'EfiX64', now() - interval '1 hour', now(), 2, 'node-b'),
                ('52-54-00-00-00-02', '10.9.0.12', 'Bios', now() - interval '1 hour', now() - interval '30 minutes', 1, 'node-a');
            INSERT INTO pxe_lease (address, scope, client_id, state, expiry, server) VALUES
                ('10.9.0.11', '10.9.0.0', '52-54-00-00-00-01', 'Active', now() + interval '1 hour', 'node-b'),
                ('10.9.0.12', '10.9.0.0', '52-54-00-00-00-02', 'Active', now() + interval '1 hour', 'node-a'),
                ('10.9.0.13', '10.9.0.0', NULL, 'Free', NULL, 'node-a');
            INSERT INTO pxe_event (time, kind, server, node, protocol, mac, ip_address) VALUES
                (now() - interval '50 minutes', 'DhcpAck', 'dhcp-a', 'node-a', 'Dhcp', '52-54-00-00-00-02', '10.9.0.12'),
                (now() - interval '10 minutes', 'DhcpAck', 'dhcp-b', 'node-b', 'Dhcp', '52-54-00-00-00-01', '10.9.0.11'),
                (now() - interval '9 minutes', 'TransferCompleted', 'tftp-b', 'node-b', 'Tftp', NULL, NULL);
            SELECT 1
            """);

        var clients = host.Invoke("Get-PxeClient -Store $store | ForEach-Object { '{0} {1}' -f $_.MacAddress, $_.Server }", store).AssertNoErrors().Output;
        Assert.Equal(["52-54-00-00-00-01 node-b", "52-54-00-00-00-02 node-a"], clients.Select(o => o.ToString()));
        Assert.Equal("52-54-00-00-00-02", Assert.Single(host.Invoke("(Get-PxeClient -Store $store -Architecture bios).MacAddress", store).AssertNoErrors().Output).ToString());
        host.Invoke("Get-PxeClient -Store $store -MacAddress 52:54:00:00:00:09", store).SingleError("ClientNotFound");

        var leases = host.Invoke("Get-PxeLease -Store $store | ForEach-Object { '{0} {1} {2}' -f $_.IPAddress, $_.ClientId, $_.Server }", store).AssertNoErrors().Output;
        Assert.Equal(["10.9.0.11 52-54-00-00-00-01 node-b", "10.9.0.12 52-54-00-00-00-02 node-a"], leases.Select(o => o.ToString()));
        Assert.Equal("10.9.0.12", Assert.Single(host.Invoke("(Get-PxeLease -Store $store -MacAddress 52:54:00:00:00:02).IPAddress.ToString()", store).AssertNoErrors().Output).ToString());

        var events = host.Invoke("Get-PxeEvent -Store $store | ForEach-Object { '{0} {1} {2}' -f $_.Kind, $_.Server, $_.Node }", store).AssertNoErrors().Output;
        Assert.Equal(["DhcpAck dhcp-a node-a", "DhcpAck dhcp-b node-b", "TransferCompleted tftp-b node-b"], events.Select(o => o.ToString()));
        Assert.Equal(["dhcp-b"], host.Invoke("(Get-PxeEvent -Store $store -Kind DhcpAck -Newest 1).Server", store).AssertNoErrors().Output.Select(o => o.ToString()));
        Assert.Equal(["tftp-b"], host.Invoke("(Get-PxeEvent -Store $store -Server tftp-*).Server", store).AssertNoErrors().Output.Select(o => o.ToString()));
    }

    [Fact]
    public void An_unreachable_database_a_malformed_setting_and_a_newer_schema_are_ErrorRecords_of_every_reader()
    {
        int closed;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        string newer = cluster.CreateDatabase();
        Assert.Empty(host.Invoke("Get-PxeLease -Store $store", new Dictionary<string, object?> { ["store"] = newer }).AssertNoErrors().Output);
        PostgresCluster.Scalar(newer, "INSERT INTO pxe_schema_version (version, name) VALUES (999, '0999_from_the_future')");

        foreach (string reader in new[] { "Get-PxeClient", "Get-PxeLease", "Get-PxeEvent" })
        {
            var down = host.Invoke($"{reader} -Store 'Host=127.0.0.1;Port={closed};Database=pxe;Username=pxe;Password=hunter2;Timeout=5'").SingleError("StoreUnreachable");
            Assert.Equal(ErrorCategory.ResourceUnavailable, down.CategoryInfo.Category);
            Assert.DoesNotContain("hunter2", down.Exception.Message + down.TargetObject, StringComparison.Ordinal);

            Assert.Equal(ErrorCategory.InvalidData, host.Invoke($"{reader} -Store 'Hots=db;Database=pxe'").SingleError("InvalidStoreSetting").CategoryInfo.Category);
            var tooNew = host.Invoke($"{reader} -Store $store", new Dictionary<string, object?> { ["store"] = newer }).SingleError("StoreSchemaTooNew");
            Assert.Contains("999", tooNew.Exception.Message, StringComparison.Ordinal);
        }

        Assert.Equal(ErrorCategory.InvalidArgument, host.Invoke("Get-PxeEvent -Store 'Host=db;Database=pxe' -Wait").SingleError("InvalidParameter").CategoryInfo.Category);
    }
}
