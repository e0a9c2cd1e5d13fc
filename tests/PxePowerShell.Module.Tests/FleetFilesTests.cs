using System.Text.Json;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// The operators' files of docs/fleet/: the nodes' configuration files go through Start-PxeServer's own reader, the
/// compose file is valid YAML with PostgreSQL and two nodes wired to those files, the systemd template passes
/// systemd-analyze verify, and the Prometheus scrape configuration passes promtool.
/// </summary>
public sealed class FleetFilesTests(ModuleHost host) : IClassFixture<ModuleHost>
{
    private static readonly string Fleet = Path.Combine(ModuleHost.RepoRoot, "docs", "fleet");

    [Theory]
    [InlineData("pxe-a", "10.0.5.2")]
    [InlineData("pxe-b", "10.0.5.3")]
    public void Each_node_configuration_is_read_by_Start_PxeServer_and_says_what_the_docs_say(string node, string address)
    {
        string path = Path.Combine(Fleet, node + ".psd1");
        var v = new Dictionary<string, object?> { ["path"] = path, ["root"] = ModuleHost.SampleRoot };
        host.Invoke("Start-PxeServer -ConfigurationPath $path -Root $root -WhatIf", v).AssertNoErrors();
        Assert.Empty(host.Invoke($"Get-PxeServer -Name {node}").Output);

        // Renamed on the command line, the node is no longer one of its group's peers: refused before anything starts.
        var renamed = host.Invoke("Start-PxeServer -ConfigurationPath $path -Root $root -Name mt-fleet -WhatIf", v).SingleError("InvalidParameter");
        Assert.Contains("does not name this server 'mt-fleet'", renamed.Exception.Message, StringComparison.Ordinal);

        var c = host.Invoke(
            """
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($path, [ref]$null, [ref]$null)
            $table = $ast.Find({ param($a) $a -is [System.Management.Automation.Language.HashtableAst] }, $false).SafeGetValue()
            [PxePowerShell.Engine.Configuration.PxeConfigurationValues]::FromValues($table, $null)
            """,
            v).AssertNoErrors().Output.Single();
        string Setting(string name) => string.Join(",", c.Properties[name].Value is System.Collections.IEnumerable list and not string ? list.Cast<object>() : [c.Properties[name].Value]);
        Assert.Equal(node, Setting("Name"));
        Assert.Equal("Dhcp", Setting("DhcpMode"));
        Assert.Equal(address, Setting("Addresses"));
        Assert.Equal("10.0.5.100", Setting("RangeStart"));
        Assert.Equal("10.0.5.200", Setting("RangeEnd"));
        Assert.Equal("True", Setting("Http"));
        Assert.Equal("8080", Setting("HttpPort"));
        Assert.Equal("True", Setting("Metrics"));

        // One high-availability group over the one database: both nodes named, this one among them, Kea's default delays.
        Assert.Equal("pxe-a,pxe-b", Setting("HaPeers"));
        Assert.Equal("00:00:01", Setting("HaHeartbeatDelay"));
        Assert.Equal("00:00:03", Setting("HaMaxResponseDelay"));
        Assert.StartsWith("Host=postgres;", Setting("Store"), StringComparison.Ordinal);
        v["c"] = c;
        var ha = host.Invoke("$c.HighAvailability() | ForEach-Object { '{0} {1} {2} {3}' -f $_.ServerName, ($_.Peers -join ','), $_.HeartbeatDelay, $_.MaxResponseDelay }", v).AssertNoErrors().Output.Single();
        Assert.Equal($"{node} pxe-a,pxe-b 00:00:01 00:00:03", ha.ToString());
    }

    [Fact]
    public void The_two_nodes_name_the_same_group_and_the_same_database_and_sit_on_one_segment()
    {
        var nodes = new[] { "pxe-a", "pxe-b" }.Select(node => host.Invoke(
            """
            $table = Import-PowerShellDataFile $path
            '{0}|{1}|{2}|{3}' -f $table.Name, ($table.HaPeers -join ','), $table.Store, ($table.RangeStart + '-' + $table.RangeEnd)
            """,
            new Dictionary<string, object?> { ["path"] = Path.Combine(Fleet, node + ".psd1") }).AssertNoErrors().Output.Single().ToString().Split('|')).ToList();
        Assert.Equal(["pxe-a", "pxe-b"], nodes.Select(n => n[0]));
        Assert.All(nodes, n => Assert.Equal(nodes[0][1..], n[1..])); // peers, Store and range alike
        Assert.Equal(nodes.Select(n => n[0]), nodes[0][1].Split(','));

        // The group hears the same broadcasts: both nodes on the compose file's one boot network, the database its "postgres".
        var services = ComposeServices();
        Assert.All(nodes, n => Assert.True(services.GetProperty(n[0]).GetProperty("networks").TryGetProperty("boot", out _)));
        Assert.Contains("Host=postgres;", nodes[0][2], StringComparison.Ordinal);
        Assert.True(services.TryGetProperty("postgres", out _));
    }

    [Fact]
    public void The_compose_file_runs_postgres_and_two_nodes_on_their_own_configuration_files()
    {
        var services = ComposeServices();
        Assert.Equal(["postgres", "pxe-a", "pxe-b"], services.EnumerateObject().Select(s => s.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal("postgres:15", services.GetProperty("postgres").GetProperty("image").GetString());
        var build = services.GetProperty("pxe-a").GetProperty("build");
        Assert.True(File.Exists(Path.Combine(Fleet, build.GetProperty("context").GetString()!, build.GetProperty("dockerfile").GetString()!)));
        foreach (string node in new[] { "pxe-a", "pxe-b" })
        {
            var service = services.GetProperty(node);
            Assert.Equal("service_healthy", service.GetProperty("depends_on").GetProperty("postgres").GetProperty("condition").GetString());
            string command = service.GetProperty("command")[0].GetString()!;
            Assert.Contains($"Start-PxeServer -ConfigurationPath /etc/pxepowershell/{node}.psd1 -Wait", command, StringComparison.Ordinal);
            Assert.Contains("$$_", command, StringComparison.Ordinal); // compose would replace a lone $_ with an empty variable
            string mount = service.GetProperty("volumes").EnumerateArray().Select(m => m.GetString()!).Single(m => m.EndsWith(".psd1:ro", StringComparison.Ordinal));
            Assert.Equal($"./{node}.psd1:/etc/pxepowershell/{node}.psd1:ro", mount);
            Assert.True(File.Exists(Path.Combine(Fleet, node + ".psd1")));
        }
    }

    [Fact]
    public void The_systemd_template_passes_systemd_analyze_verify()
    {
        string unit = File.ReadAllText(Path.Combine(Fleet, "systemd", "pxepowershell@.service"));
        Assert.Contains("Start-PxeServer -ConfigurationPath /etc/pxepowershell/%i.psd1 -Wait", unit, StringComparison.Ordinal);
        Assert.Contains("After=network-online.target postgresql.service", unit, StringComparison.Ordinal);
        string dir = Directory.CreateTempSubdirectory("pxeps-unit-").FullName;
        try
        {
            // pwsh is not installed here: the one change is a stub at the same place in the command line (verify checks it is executable).
            string pwsh = Path.Combine(dir, "pwsh");
            File.WriteAllText(pwsh, "#!/bin/sh\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(pwsh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }

            File.WriteAllText(Path.Combine(dir, "pxepowershell@.service"), unit.Replace("ExecStart=/usr/bin/pwsh ", $"ExecStart={pwsh} ", StringComparison.Ordinal));
            var (exit, output, error) = ExternalProcess.Run("systemd-analyze", $"verify {Path.Combine(dir, "pxepowershell@pxe-a.service")}");
            Assert.True(exit == 0 && error.Length == 0, output + error);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void The_unit_the_image_and_the_benchmark_run_the_server_with_the_runtime_settings_deployment_md_names()
    {
        // docs/deployment.md lists the settings; the systemd unit, the image (hence the compose nodes) and the DHCP benchmark
        // (which measures what is shipped) set exactly those.
        string deployment = File.ReadAllText(Path.Combine(ModuleHost.RepoRoot, "docs", "deployment.md"));
        string[] settings = ["DOTNET_TieredCompilation=0", "DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0"];
        string unit = File.ReadAllText(Path.Combine(Fleet, "systemd", "pxepowershell@.service"));
        string image = File.ReadAllText(Path.Combine(Fleet, "Dockerfile"));
        string bench = File.ReadAllText(Path.Combine(ModuleHost.RepoRoot, "bench", "dhcp", "perfdhcp.sh"));
        foreach (string setting in settings)
        {
            Assert.Contains(setting, deployment, StringComparison.Ordinal);
            Assert.Contains("Environment=" + setting + "\n", unit, StringComparison.Ordinal);
            Assert.Matches(@"(?m)^ENV .*\b" + System.Text.RegularExpressions.Regex.Escape(setting) + @"\b", image);
            Assert.Contains(setting, bench, StringComparison.Ordinal);
        }

        Assert.Equal(settings.Length, System.Text.RegularExpressions.Regex.Matches(unit, @"(?m)^Environment=DOTNET_").Count);
    }

    [Fact]
    public void The_prometheus_scrape_configuration_passes_promtool()
    {
        var (exit, output, error) = ExternalProcess.Run("promtool", $"check config {Path.Combine(Fleet, "prometheus.yml")}");
        Assert.True(exit == 0, output + error);
        Assert.Contains("metrics_path: /-/metrics", File.ReadAllText(Path.Combine(Fleet, "prometheus.yml")), StringComparison.Ordinal);
    }

    /// <summary>The compose file's services, read with PyYAML (python3-yaml) as a JSON element.</summary>
    private static JsonElement ComposeServices()
    {
        var (exit, json, error) = ExternalProcess.Run(
            "/usr/bin/python3",
            $"-c \"import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))\" {Path.Combine(Fleet, "compose.yaml")}");
        Assert.True(exit == 0, error);
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("services").Clone();
    }
}
