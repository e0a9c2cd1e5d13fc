using System.Management.Automation;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// Start-PxeServer on the sample root: proxyDHCP on the host end of a veth pair in a namespace this test creates, TFTP and
/// HTTP beside it; Test-PxeServer boots simulated clients through it; the configuration is exported, the server restarted
/// from the file, and the inventory still knows the client.
/// </summary>
[Collection(DataDirectoryCollection.Name)]
public sealed class StartPxeServerCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>, IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pxeps-all-" + Guid.NewGuid().ToString("N"));
    private readonly string _files = Directory.CreateTempSubdirectory("pxeps-all-files-").FullName;
    private VethLab? _lab;

    private InvocationResult Run(string script, IDictionary<string, object?>? variables = null) =>
        host.Invoke($"$env:PXEPOWERSHELL_DATA = '{_data}'\n{script}", variables);

    [Theory]
    [InlineData("-HttpPort 0")]
    [InlineData("-HttpPort $httpPort")]
    public void A_busy_tftp_port_is_named_with_its_part_not_the_http_port(string http)
    {
        // Before: "port 0 is already in use" (or the HTTP port): the first port of the configuration, not the one that failed.
        using var blocker = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        int port = ((System.Net.IPEndPoint)blocker.Client.LocalEndPoint!).Port;
        var v = new Dictionary<string, object?> { ["root"] = ModuleHost.SampleRoot, ["httpPort"] = Random.Shared.Next(20000, 40000) };
        var error = Run($"Start-PxeServer -Root $root -NoDhcp -Address 127.0.0.1 -TftpPort {port} -Http {http} -Name mt-all-busy", v).SingleError("PortInUse");
        Assert.Contains($"The TFTP part of the PXE server cannot listen: port {port} is already in use", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(Run("Get-PxeServer -Name 'mt-all-busy*'").Output);
    }

    [Fact]
    public void The_sample_root_boots_simulated_BIOS_and_iPXE_clients_and_survives_a_restart_from_its_exported_file()
    {
        var lab = _lab = new VethLab("pxa", "10.202");
        int port = Random.Shared.Next(20000, 40000);
        string mac = "02-5b-" + lab.Id[..2] + "-" + lab.Id[2..4] + "-" + lab.Id[4..6] + "-01";
        string config = Path.Combine(_files, "lab.psd1");
        var v = new Dictionary<string, object?>
        {
            ["root"] = ModuleHost.SampleRoot, ["iface"] = lab.HostInterface, ["port"] = port, ["mac"] = mac, ["config"] = config,
        };

        var started = Run("""
            $null = Get-PxeClient
            Start-PxeServer -Root $root -Interface $iface -Port $port -PxePort ($port + 1) -ClientPort ($port + 2) -TftpPort 0 -Http -HttpPort 0 -BootFile @{ Bios = 'hello.txt' } -IpxeScript boot.ipxe -Name mt-all
            """, v).AssertNoErrors().Output.Single();
        Assert.Equal("Pxe", started.Properties["Role"].Value);
        Assert.Equal(lab.ServerAddress, started.Properties["ServerAddress"].Value.ToString());
        string httpUrl = (string)started.Properties["HttpBootUrl"].Value;
        Assert.StartsWith($"http://{lab.ServerAddress}:", httpUrl, StringComparison.Ordinal);
        v["tftpPort"] = TftpPort();

        // A BIOS client: proxy offer, 4011, the boot file over TFTP from the sample root.
        var bios = Run("Test-PxeServer -Interface $iface -Port $port -PxePort ($port + 1) -ClientPort ($port + 2) -TftpPort $tftpPort -MacAddress $mac -Architecture Bios -Timeout 00:00:04", v).AssertNoErrors().Output.Single();
        Assert.True((bool)bios.Properties["Success"].Value, (string?)bios.Properties["Error"].Value);
        Assert.Equal("hello.txt", bios.Properties["BootFile"].Value);

        // An iPXE client: sent to the sample iPXE menu over this server's HTTP part.
        var ipxe = Run("Test-PxeServer -Interface $iface -Port $port -ClientPort ($port + 2) -TftpPort $tftpPort -MacAddress $mac -Architecture EfiX64 -Ipxe -Timeout 00:00:04", v).AssertNoErrors().Output.Single();
        Assert.True((bool)ipxe.Properties["Success"].Value, (string?)ipxe.Properties["Error"].Value);
        Assert.Equal(httpUrl + "boot.ipxe", ipxe.Properties["BootFile"].Value);
        Assert.Equal(new FileInfo(Path.Combine(ModuleHost.SampleRoot, "boot.ipxe")).Length, Convert.ToInt64(ipxe.Properties["Bytes"].Value));

        Assert.True(ExternalProcess.WaitUntil(() => Run("Get-PxeClient -MacAddress $mac", v).Output.Count == 1, TimeSpan.FromSeconds(10)), "the simulated client is not in the inventory");
        var events = Run("Get-PxeEvent -Server mt-all", v).AssertNoErrors().Output.Select(e => e.Properties["Kind"].Value.ToString()).ToList();
        Assert.Contains("ProxyOffer", events);
        Assert.Contains("TransferCompleted", events);

        // The boot trace: the BIOS firmware's proxy exchange and TFTP transfer, then iPXE's continuing the same boot over HTTP.
        var trace = Run("Get-PxeClient -MacAddress $mac | Get-PxeBootTrace", v).AssertNoErrors().Output.Single();
        var steps = ((System.Collections.IEnumerable)trace.Properties["Steps"].Value).Cast<object>().Select(PSObject.AsPSObject).ToList();
        Assert.Equal(
            ["ProxyOffer", "ProxyAck", "TransferCompleted", "ProxyOffer", "TransferCompleted"],
            steps.Select(s => s.Properties["Kind"].Value.ToString()).Where(k => k is not "TransferStarted"));
        Assert.Equal(["hello.txt", "boot.ipxe"], ((IEnumerable<string>)trace.Properties["FilesLoaded"].Value).ToArray());
        Assert.Equal("Loaded", trace.Properties["Outcome"].Value.ToString());
        Assert.Contains("boot.ipxe", (string)trace.Properties["StoppedAt"].Value, StringComparison.Ordinal);
        var tftp = steps.First(s => s.Properties["Kind"].Value.ToString() == "TransferCompleted");
        Assert.Equal("Tftp", tftp.Properties["Protocol"].Value.ToString());
        Assert.NotNull(tftp.Properties["BlockSize"].Value);
        Assert.NotNull(tftp.Properties["BytesPerSecond"].Value);
        Assert.Equal("iPXE", steps.Last(s => s.Properties["Kind"].Value.ToString() == "ProxyOffer").Properties["UserClass"].Value);

        var lastSeen = (DateTimeOffset)Run("(Get-PxeClient -MacAddress $mac).LastSeen", v).AssertNoErrors().Output.Single().BaseObject;

        // Export, stop, reopen the inventory, start again from the file: same server, same client.
        Run("Export-PxeConfiguration -Path $config -Name mt-all; Stop-PxeServer mt-all", v).AssertNoErrors();
        string text = File.ReadAllText(config);
        Assert.Contains("Name = 'mt-all'", text, StringComparison.Ordinal);
        Assert.Contains("Http = $true", text, StringComparison.Ordinal);
        Assert.Empty(Run("Get-PxeServer -Name mt-all", v).Output);
        host.Invoke($"$env:PXEPOWERSHELL_DATA = '{ModuleHost.DefaultDataDirectory}'; $null = Get-PxeClient -MacAddress '*'");

        var restarted = Run("Start-PxeServer -ConfigurationPath $config", v).AssertNoErrors().Output.Single();
        Assert.Equal("mt-all", restarted.Properties["Name"].Value);
        Assert.Equal(mac, Run("Get-PxeClient -MacAddress $mac", v).AssertNoErrors().Output.Single().Properties["MacAddress"].Value);
        v["tftpPort"] = TftpPort();
        var again = Run("Test-PxeServer -Interface $iface -Port $port -PxePort ($port + 1) -ClientPort ($port + 2) -TftpPort $tftpPort -MacAddress $mac -Architecture Bios -Quiet", v).AssertNoErrors();
        Assert.True((bool)again.Output.Single().BaseObject);
        Assert.True(
            ExternalProcess.WaitUntil(() => (DateTimeOffset)Run("(Get-PxeClient -MacAddress $mac).LastSeen", v).Output.Single().BaseObject > lastSeen, TimeSpan.FromSeconds(10)),
            "the restarted server does not record the client");

        int TftpPort() => Convert.ToInt32(Run("(Get-PxeServer mt-all).Tftp.EndPoints[0].Port", v).AssertNoErrors().Output.Single().BaseObject);
    }

    [Fact]
    public void Json_configuration_with_parameters_overriding_it_and_Wait_writes_events_until_stopped()
    {
        string json = Path.Combine(_files, "pxe.json");
        File.WriteAllText(json, $$"""{ "Root": "{{ModuleHost.SampleRoot}}", "DhcpMode": "None", "Addresses": [ "127.0.0.1" ], "TftpPort": 1, "Name": "from-file" }""");
        using var running = host.Start($"Start-PxeServer -ConfigurationPath '{json}' -TftpPort 0 -Name mt-all-wait -Wait | ForEach-Object {{ $_ }}");
        var started = running.WaitForOutput(o => o.Properties["Kind"]?.Value?.ToString() == "ServerStarted", TimeSpan.FromSeconds(20));
        Assert.Equal("mt-all-wait", started.Properties["Server"].Value);
        string endpoint = (string)started.Properties["Reason"].Value;
        int port = int.Parse(endpoint[(endpoint.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.NotEqual(1, port);

        string output = Path.Combine(_files, "hello.txt");
        var curl = ExternalProcess.Run("curl", $"-s --max-time 20 -o {output} tftp://127.0.0.1:{port}/hello.txt");
        Assert.Equal(0, curl.ExitCode);
        Assert.Equal(File.ReadAllBytes(Path.Combine(ModuleHost.SampleRoot, "hello.txt")), File.ReadAllBytes(output));
        var completed = running.WaitForOutput(o => o.Properties["Kind"]?.Value?.ToString() == "TransferCompleted", TimeSpan.FromSeconds(20));
        Assert.Equal("hello.txt", completed.Properties["Path"].Value);

        running.Stop(TimeSpan.FromSeconds(20));
        Assert.Empty(host.Invoke("Get-PxeServer -Name mt-all-wait").Output);
        using var probe = new System.Net.Sockets.UdpClient(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, port));
    }

    [Theory]
    [InlineData("missing.psd1", null, "ConfigurationNotFound")]
    [InlineData("bad.psd1", "@{ Root = (Get-Date) }", "InvalidConfiguration")]
    [InlineData("unknown.psd1", "@{ Root = '/tmp'; TftpPorts = 69 }", "InvalidConfiguration")]
    [InlineData("syntax.psd1", "@{ Root = '/tmp'", "InvalidConfiguration")]
    [InlineData("bad.json", "{ \"Http\": \"maybe\" }", "InvalidConfiguration")]
    public void Bad_configuration_files_are_errors_with_stable_ids(string name, string? content, string errorId)
    {
        string path = Path.Combine(_files, name);
        if (content is not null)
        {
            File.WriteAllText(path, content);
        }

        var result = host.Invoke($"Start-PxeServer -ConfigurationPath '{path}' -Name mt-all-bad");
        var error = result.SingleError(errorId);
        Assert.Contains(path, error.Exception.Message, StringComparison.Ordinal);
        if (name == "unknown.psd1")
        {
            Assert.Contains("'TftpPorts' is not a setting", error.Exception.Message, StringComparison.Ordinal);
        }

        Assert.Empty(host.Invoke("Get-PxeServer -Name mt-all-bad").Output);
    }

    [Fact]
    public void A_psd1_written_by_Export_PxeConfiguration_reads_back_the_same_through_the_PowerShell_parser()
    {
        string path = Path.Combine(_files, "full.psd1");
        var output = host.Invoke("""
            $c = [PxePowerShell.Engine.Configuration.PxeConfigurationFile]::ParseJson('{ "Name": "x", "Root": "/srv/it''s", "DhcpMode": "Dhcp", "Range": ["10.9.0.10","10.9.0.20"], "Prompt": "it''s ‘‘here’’ $env:HOME", "BootFiles": { "Bios": "undionly.kpxe", "EfiX64": "ipxe.efi" }, "Menu": [ "Install", { "Label": "Rescue", "Bios": "r.0" } ], "Reservations": [ { "IPAddress": "10.9.0.5", "MacAddress": "52:54:00:aa:bb:cc", "Name": "pc" } ], "LeaseDuration": "02:00:00", "Http": true, "HttpPort": 8080, "Mounts": [ { "Path": "/isos/arch.iso", "MountPoint": "arch" } ] }')
            $c | Export-PxeConfiguration -Path $path
            [PxePowerShell.Engine.Configuration.PxeConfigurationFile]::ToJson($c)
            $ast = [System.Management.Automation.Language.Parser]::ParseFile($path, [ref]$null, [ref]$null)
            $table = $ast.Find({ param($a) $a -is [System.Management.Automation.Language.HashtableAst] }, $false).SafeGetValue()
            [PxePowerShell.Engine.Configuration.PxeConfigurationFile]::ToJson([PxePowerShell.Engine.Configuration.PxeConfigurationValues]::FromValues($table, $null))
            """, new Dictionary<string, object?> { ["path"] = path }).AssertNoErrors().Output;
        Assert.Equal(2, output.Count);
        Assert.Equal(output[0].BaseObject, output[1].BaseObject);
        string text = File.ReadAllText(path);
        Assert.Contains("Root = '/srv/it''s'", text, StringComparison.Ordinal);
        Assert.Contains("Prompt = 'it''s ‘‘here’’ $env:HOME'", text, StringComparison.Ordinal);

        // Start-PxeServer reads the same file (checked without starting anything).
        host.Invoke("Start-PxeServer -ConfigurationPath $path -Root $root -Name mt-all-psd1 -WhatIf", new Dictionary<string, object?> { ["path"] = path, ["root"] = ModuleHost.SampleRoot }).AssertNoErrors();
        Assert.Empty(host.Invoke("Get-PxeServer -Name mt-all-psd1").Output);
    }

    [Fact]
    public void Export_without_a_running_server_or_with_a_wrong_input_is_an_error()
    {
        string path = Path.Combine(_files, "none.psd1");
        host.Invoke($"Export-PxeConfiguration -Path '{path}' -Name no-such-server").SingleError("ServerNotFound");
        host.Invoke($"42 | Export-PxeConfiguration -Path '{path}'").SingleError("InvalidParameter");
        Assert.False(File.Exists(path));
    }

    public void Dispose()
    {
        host.Invoke("Get-PxeServer -Name 'mt-all*' | Stop-PxeServer");
        host.Invoke($"$env:PXEPOWERSHELL_DATA = '{ModuleHost.DefaultDataDirectory}'; $null = Get-PxeClient -MacAddress '*'");
        _lab?.Dispose();

        foreach (var dir in new[] { _data, _files })
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
