using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using PxePowerShell.Storage.Postgres.Tests;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// High availability of full DHCP from the cmdlets (docs/fleet.md): Start-PxeServer's -HaPeers, -HaHeartbeatDelay and
/// -HaMaxResponseDelay and the same keys of its configuration file, Start-PxeDhcpServer's parameters, all checked by the
/// engine's one validation with the same ErrorIds; a composed server in a group over a throwaway PostgreSQL cluster and
/// its state as Get-PxeServer shows it.
/// </summary>
public sealed class HighAvailabilityCmdletTests(ModuleHost host, PostgresCluster cluster) : IClassFixture<ModuleHost>, IClassFixture<PostgresCluster>, IDisposable
{
    private const string NoDatabase = "'Host=/nonexistent;Database=pxe'";
    private readonly string _files = Directory.CreateTempSubdirectory("pxeps-ha-").FullName;

    public void Dispose() => Directory.Delete(_files, recursive: true);

    [Theory]
    [InlineData("-HaPeers mt-ha,b", "SharedStoreRequired", "HaPeers", "-HaPeers needs Store")]
    [InlineData("-HaHeartbeatDelay 00:00:02", "InvalidParameter", "HaHeartbeatDelay", "-HaHeartbeatDelay sets the heartbeat of a high-availability group")]
    [InlineData("-HaMaxResponseDelay 00:00:05", "InvalidParameter", "HaMaxResponseDelay", "-HaMaxResponseDelay sets the heartbeat")]
    [InlineData("-HaPeers a,b -Store " + NoDatabase, "InvalidParameter", "HaPeers", "does not name this server 'mt-ha'")]
    [InlineData("-HaPeers mt-ha,MT-HA -Store " + NoDatabase, "InvalidParameter", "HaPeers", "names a server twice")]
    [InlineData("-HaPeers mt-ha,b -Store " + NoDatabase + " -HaHeartbeatDelay 0", "InvalidParameter", "HaHeartbeatDelay", "must be positive")]
    [InlineData("-HaPeers mt-ha,b -Store " + NoDatabase + " -HaMaxResponseDelay -00:00:01", "InvalidParameter", "HaMaxResponseDelay", "must be positive")]
    [InlineData("-HaPeers mt-ha,b -Store " + NoDatabase + " -HaHeartbeatDelay 00:00:03", "InvalidParameter", "HaMaxResponseDelay", "must be longer than HaHeartbeatDelay 00:00:03")]
    public void Each_setting_that_cannot_apply_is_the_same_ErrorRecord_from_Start_PxeServer_and_Start_PxeDhcpServer(string parameters, string errorId, string setting, string says)
    {
        var v = new Dictionary<string, object?> { ["root"] = ModuleHost.SampleRoot };
        string server = $"Start-PxeServer -Root $root -Dhcp -Range 127.0.0.50,127.0.0.60 -Interface lo -Port {FreeUdpPort()} -TftpPort 0 -ConflictCheckTimeout 0 -Name mt-ha {parameters}";
        string dhcp = $"Start-PxeDhcpServer -Range 127.0.0.50,127.0.0.60 -Interface lo -Port {FreeUdpPort()} -Name mt-ha {parameters}";
        foreach (string command in new[] { server, dhcp, server + " -WhatIf" })
        {
            var error = host.Invoke(command, v).SingleError(errorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Contains(says, error.Exception.Message, StringComparison.Ordinal);
            Assert.NotNull(error.TargetObject); // the value given
            // The engine's one validation refused it, naming the setting (no raw .NET exception underneath).
            var refusal = Enumerable.Repeat(error.Exception, 1).Concat(error.Exception.InnerException is { } inner ? [inner] : []).Single(e => e.GetType().Name == "PxeConfigurationException");
            Assert.Equal(setting, refusal.GetType().GetProperty("Key")!.GetValue(refusal));
        }

        Assert.Empty(host.Invoke("Get-PxeServer -Name 'mt-ha*'").Output);
    }

    [Theory]
    [InlineData("HaPeers = @('mt-ha', 'b')", "SharedStoreRequired", "HaPeers needs Store")]
    [InlineData("HaHeartbeatDelay = '00:00:02'", "InvalidParameter", "HaHeartbeatDelay sets the heartbeat")]
    [InlineData("HaPeers = @('a', 'b'); Store = " + NoDatabase, "InvalidParameter", "does not name this server 'mt-ha'")]
    [InlineData("HaPeers = @('mt-ha', 'b'); Store = " + NoDatabase + "; HaHeartbeatDelay = '00:00:00'", "InvalidParameter", "HaHeartbeatDelay 00:00:00 must be positive")]
    [InlineData("HaPeers = @('mt-ha', 'b'); Store = " + NoDatabase + "; HaHeartbeatDelay = 3; HaMaxResponseDelay = 2", "InvalidParameter", "must be longer than HaHeartbeatDelay")]
    [InlineData("HaPeers = @('mt-ha', 'b'); Store = " + NoDatabase + "; DhcpMode = 'ProxyDhcp'", "InvalidParameter", "needs DhcpMode Dhcp")]
    public void A_configuration_file_with_the_same_mistake_is_the_same_error_in_psd1_and_json(string keys, string errorId, string says)
    {
        string psd1 = Path.Combine(_files, "ha.psd1");
        File.WriteAllText(psd1, $"@{{ Name = 'mt-ha'; Root = '{ModuleHost.SampleRoot}'; {(keys.Contains("DhcpMode", StringComparison.Ordinal) ? string.Empty : "DhcpMode = 'Dhcp';")} RangeStart = '127.0.0.50'; RangeEnd = '127.0.0.60'; Interfaces = @('lo'); DhcpPort = {FreeUdpPort()}; TftpPort = 0; ConflictCheckTimeout = 0; {keys} }}");
        string json = Path.Combine(_files, "ha.json");
        var v = new Dictionary<string, object?> { ["psd1"] = psd1, ["json"] = json };
        host.Invoke("Import-PowerShellDataFile $psd1 | ConvertTo-Json | Set-Content $json", v).AssertNoErrors();
        foreach (string file in new[] { "$psd1", "$json" })
        {
            var error = host.Invoke($"Start-PxeServer -ConfigurationPath {file}", v).SingleError(errorId);
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Contains(says, error.Exception.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("-Ha", error.Exception.Message.Split(':')[0], StringComparison.Ordinal); // a key of the file, not a parameter
        }

        // A parameter completes the file, and the two are checked as one: -Store where the file has none.
        if (errorId == "SharedStoreRequired")
        {
            host.Invoke($"Start-PxeServer -ConfigurationPath $psd1 -Store {NoDatabase} -WhatIf", v).AssertNoErrors();
        }

        Assert.Empty(host.Invoke("Get-PxeServer -Name 'mt-ha*'").Output);
    }

    [Fact]
    public async Task Start_PxeServer_runs_its_DHCP_part_in_the_group_and_Get_PxeServer_and_its_metrics_show_the_buckets_it_answers_and_the_peers_it_sees()
    {
        string db = cluster.CreateDatabase();
        var v = new Dictionary<string, object?> { ["root"] = ModuleHost.SampleRoot, ["db"] = db };
        const string Group = "-HaPeers mt-ha-a,mt-ha-b -HaHeartbeatDelay 00:00:00.2 -HaMaxResponseDelay 00:00:01";
        try
        {
            host.Invoke($"Start-PxeServer -Root $root -Dhcp -Range 127.0.0.50,127.0.0.60 -SubnetMask 255.255.255.0 -Interface lo -Port {FreeUdpPort()} -TftpPort 0 -Http -HttpPort 0 -ConflictCheckTimeout 0 -Store $db {Group} -Name mt-ha-a", v).AssertNoErrors();
            var alone = Status("mt-ha-a", ".Dhcp");
            Assert.Equal(("PartnerDown", 256), ((string)alone.Properties["State"].Value.ToString()!, (int)alone.Properties["Buckets"].Value));
            Assert.Null(host.Invoke("(Get-PxeServer -Name mt-ha-a).GetStatistics().Dhcp.HighAvailability.Peers[0].HeartbeatAge").Output.Single());

            host.Invoke($"Start-PxeDhcpServer -Range 127.0.0.50,127.0.0.60 -SubnetMask 255.255.255.0 -Interface lo -Port {FreeUdpPort()} -Store $db {Group} -Name mt-ha-b", v).AssertNoErrors();
            Assert.Equal("LoadBalancing 128 mt-ha-b", Describe("mt-ha-b", string.Empty)); // it read mt-ha-a's heartbeat at its start
            Assert.True(SpinWait.SpinUntil(() => Describe("mt-ha-a", ".Dhcp") == "LoadBalancing 128 mt-ha-a", TimeSpan.FromSeconds(10)), Describe("mt-ha-a", ".Dhcp"));

            string table = string.Join("\n", host.Invoke("(Get-PxeServer -Name mt-ha-a).GetStatistics().Dhcp.HighAvailability | Format-Table | Out-String -Width 120").AssertNoErrors().Output);
            Assert.Contains("LoadBalancing", table, StringComparison.Ordinal);
            Assert.Contains("mt-ha-b alive", table, StringComparison.Ordinal);
            string peers = string.Join("\n", host.Invoke("(Get-PxeServer -Name mt-ha-a).GetStatistics().Dhcp.HighAvailability.Peers | Format-Table | Out-String -Width 120").AssertNoErrors().Output);
            Assert.Matches(@"mt-ha-b\s+True\s+\S+\s+128", peers);

            // The same state for a monitoring system, at /-/metrics of the HTTP part.
            int http = (int)host.Invoke("(Get-PxeServer -Name mt-ha-a).Http.EndPoints[0].Port").AssertNoErrors().Output.Single().BaseObject;
            using var web = new HttpClient();
            string metrics = await web.GetStringAsync(new Uri($"http://127.0.0.1:{http}/-/metrics"));
            Assert.Contains("pxe_dhcp_ha_partner_down{server=\"mt-ha-a\"} 0\n", metrics, StringComparison.Ordinal);
            Assert.Contains("pxe_dhcp_ha_buckets{server=\"mt-ha-a\"} 128\n", metrics, StringComparison.Ordinal);
            Assert.Contains("pxe_dhcp_ha_peer_up{server=\"mt-ha-a\",peer=\"mt-ha-b\"} 1\n", metrics, StringComparison.Ordinal);
            Assert.Contains("pxe_dhcp_ha_heartbeat_failures_total{server=\"mt-ha-a\"} 0\n", metrics, StringComparison.Ordinal);

            // mt-ha-b stops: mt-ha-a takes its buckets at its next heartbeat.
            host.Invoke("Stop-PxeServer -Name mt-ha-b").AssertNoErrors();
            Assert.True(SpinWait.SpinUntil(() => Describe("mt-ha-a", ".Dhcp") == "PartnerDown 256 mt-ha-a,mt-ha-b", TimeSpan.FromSeconds(10)), Describe("mt-ha-a", ".Dhcp"));
            Assert.Equal(0L, host.Invoke("(Get-PxeServer -Name mt-ha-a).GetStatistics().Dhcp.HeartbeatFailures").Output.Single().BaseObject);
            metrics = await web.GetStringAsync(new Uri($"http://127.0.0.1:{http}/-/metrics"));
            Assert.Contains("pxe_dhcp_ha_partner_down{server=\"mt-ha-a\"} 1\n", metrics, StringComparison.Ordinal);
            Assert.Contains("pxe_dhcp_ha_peer_up{server=\"mt-ha-a\",peer=\"mt-ha-b\"} 0\n", metrics, StringComparison.Ordinal);
        }
        finally
        {
            host.Invoke("Get-PxeServer -Name 'mt-ha-*' | Stop-PxeServer");
            host.Invoke("Get-PxeServer -Name 'mt-ha-*' | Stop-PxeServer").AssertNoErrors(); // twice: stops are idempotent
        }
    }

    private PSObject Status(string server, string part) =>
        host.Invoke($"(Get-PxeServer -Name {server}).GetStatistics(){part}.HighAvailability").AssertNoErrors().Output.Single();

    private string Describe(string server, string part) =>
        host.Invoke($"$h = (Get-PxeServer -Name {server}).GetStatistics(){part}.HighAvailability; '{{0}} {{1}} {{2}}' -f $h.State, $h.Buckets, ($h.Scopes -join ',')").AssertNoErrors().Output.Single().ToString();

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Any, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }
}
