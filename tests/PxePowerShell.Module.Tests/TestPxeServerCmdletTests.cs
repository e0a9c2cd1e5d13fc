using System.Diagnostics;
using System.Security.Cryptography;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// Test-PxeServer in the runspace against a proxyDHCP server (the engine's, started in the runspace on the module's
/// event hub) and Start-PxeTftpServer, both on the host end of a veth pair whose other end lives in a network
/// namespace this test creates; the simulator sends from the same interface (bound to it).
/// </summary>
[Collection(DataDirectoryCollection.Name)]
public sealed class TestPxeServerCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>, IDisposable
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pxeps-testpxe-" + Guid.NewGuid().ToString("N"));
    private readonly string _root = Directory.CreateTempSubdirectory("pxeps-testpxe-root-").FullName;
    private VethLab? _lab;

    private InvocationResult Run(string script, IDictionary<string, object?>? variables = null) =>
        host.Invoke($"$env:PXEPOWERSHELL_DATA = '{_data}'\n{script}", variables);

    public void Dispose()
    {
        host.Invoke("Get-PxeServer -Name 'mt-sim*' | Stop-PxeServer");
        host.Invoke($"$env:PXEPOWERSHELL_DATA = '{ModuleHost.DefaultDataDirectory}'; $null = Get-PxeClient -MacAddress '*'");
        _lab?.Dispose();

        foreach (var dir in new[] { _data, _root })
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

    [Fact]
    public void Test_PxeServer_boots_a_simulated_client_through_proxyDHCP_and_TFTP_and_Get_PxeClient_shows_it()
    {
        var lab = _lab = new VethLab("pxm", "10.201");
        var boot = RandomNumberGenerator.GetBytes(70_000);
        File.WriteAllBytes(Path.Combine(_root, "pxelinux.0"), boot);
        Directory.CreateDirectory(Path.Combine(_root, "pxelinux.cfg"));
        File.WriteAllText(Path.Combine(_root, "pxelinux.cfg", "default"), "DEFAULT local\nLABEL local\n  LOCALBOOT 0\n");
        int port = Random.Shared.Next(20000, 40000);
        string mac = "02-5a-" + lab.Id[..2] + "-" + lab.Id[2..4] + "-" + lab.Id[4..6] + "-01";
        var variables = new Dictionary<string, object?> { ["root"] = _root, ["iface"] = lab.HostInterface, ["port"] = port, ["server"] = lab.ServerAddress, ["mac"] = mac };

        var setup = Run("""
            $null = Get-PxeClient   # opens the inventory and its observer on the module's events
            $tftp = Start-PxeTftpServer -Root $root -Address $server -Port 0 -Name mt-sim-tftp -NoBootMenu
            $null = Start-PxeProxyDhcp -Interface $iface -Port $port -PxePort ($port + 1) -ClientPort ($port + 2) -BootFile @{ Bios = 'pxelinux.0' } -Name mt-sim-proxy
            $tftp.EndPoints[0].Port
            """, variables).AssertNoErrors();
        int tftpPort = Convert.ToInt32(setup.Output[^1].BaseObject);
        variables["tftpPort"] = tftpPort;

        var watch = Stopwatch.StartNew();
        var result = Run(
            "Test-PxeServer -Interface $iface -Port $port -PxePort ($port + 1) -ClientPort ($port + 2) -TftpPort $tftpPort -MacAddress $mac -Architecture Bios -Timeout 00:00:04 -Detailed",
            variables).AssertNoErrors();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), watch.Elapsed.ToString());
        var summary = SuccessfulSummary(result);
        Assert.Equal("pxelinux.0", summary.Properties["BootFile"].Value);
        Assert.Equal(lab.ServerAddress, summary.Properties["BootServer"].Value.ToString());
        Assert.Equal((long)boot.Length, Convert.ToInt64(summary.Properties["Bytes"].Value));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(boot)).ToLowerInvariant(), summary.Properties["BootFileSha256"].Value);
        Assert.Equal("pxelinux.cfg/default", summary.Properties["MenuFile"].Value);
        Assert.Equal(
            ["Discover", "ProxyOffer", "Request4011", "ProxyAck", "TftpBootFile", "TftpMenu"],
            result.Output.Skip(1).Select(s => s.Properties["Step"].Value.ToString()));

        // The servers' events fed the inventory: the simulated client is there, with its architecture and boot file.
        PxePowerShell.Module.Tests.InvocationResult? client = null;
        Assert.True(ExternalProcess.WaitUntil(() => (client = Run("Get-PxeClient -MacAddress $mac", variables)).Output.Count == 1, TimeSpan.FromSeconds(10)), "the simulated client is not in the inventory");
        var record = client!.Output.Single();
        Assert.Equal(mac, record.Properties["MacAddress"].Value);
        Assert.Equal("Bios", record.Properties["Architecture"].Value.ToString());

        // -Quiet: just $true.
        var quiet = Run(
            "Test-PxeServer -Interface $iface -Port $port -PxePort ($port + 1) -ClientPort ($port + 2) -TftpPort $tftpPort -MacAddress $mac -NoDownload -Quiet",
            variables).AssertNoErrors();
        Assert.True((bool)quiet.Output.Single().BaseObject);
    }

    [Fact]
    public void Start_PxeServer_SecureBoot_hands_uefi_x64_the_signed_chain_that_Test_PxeServer_follows_to_the_grub_menu()
    {
        var lab = _lab = new VethLab("pxs", "10.202");
        File.WriteAllText(Path.Combine(_root, "vmlinuz"), "kernel");
        int port = Random.Shared.Next(20000, 40000);
        string mac = "02-5b-" + lab.Id[..2] + "-" + lab.Id[2..4] + "-" + lab.Id[4..6] + "-01";
        var variables = new Dictionary<string, object?> { ["root"] = _root, ["iface"] = lab.HostInterface, ["port"] = port, ["mac"] = mac };

        var started = Run("""
            New-PxeBootEntry -Name linux -Kernel vmlinuz -Arguments quiet -Default | Out-Null
            $s = Start-PxeServer -Root $root -Interface $iface -Port $port -PxePort ($port + 1) -ClientPort ($port + 2) -TftpPort 0 -SecureBoot -ConflictCheckTimeout 0 -Name mt-sim-sb
            $s.Tftp.EndPoints[0].Port
            """, variables).AssertNoErrors();
        Assert.Contains(started.Warnings, w => w.StartsWith("Secure Boot beside a router (proxyDHCP)", StringComparison.Ordinal));
        variables["tftpPort"] = Convert.ToInt32(started.Output[^1].BaseObject);

        var result = Run(
            "Test-PxeServer -Interface $iface -Port $port -PxePort ($port + 1) -ClientPort ($port + 2) -TftpPort $tftpPort -MacAddress $mac -Architecture EfiX64 -Timeout 00:00:04 -Detailed",
            variables).AssertNoErrors();
        var summary = SuccessfulSummary(result);
        Assert.Equal("secureboot/shimx64.efi", summary.Properties["BootFile"].Value);
        Assert.Equal(Convert.ToHexString(SHA256.HashData(File.ReadAllBytes("/usr/lib/shim/shimx64.efi.signed"))).ToLowerInvariant(), summary.Properties["BootFileSha256"].Value);
        Assert.Equal("grub/grub.cfg", summary.Properties["MenuFile"].Value);
        Assert.Equal(
            ["Discover", "ProxyOffer", "Request4011", "ProxyAck", "TftpBootFile", "TftpSecondStage", "TftpMenu"],
            result.Output.Skip(1).Select(s => s.Properties["Step"].Value.ToString()));

        var missing = Run("Start-PxeServer -Root $root -NoDhcp -TftpPort 0 -SecureBootPath $root/no-such-dir -Name mt-sim-sb2", variables);
        Assert.Contains("no-such-dir", missing.SingleError("SecureBootFilesNotFound").Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Start_PxeServer_hands_uefi_http_boot_clients_the_EfiX64Http_file_over_HTTP_that_Test_PxeServer_downloads()
    {
        var lab = _lab = new VethLab("pxh", "10.203");
        var ipxe = RandomNumberGenerator.GetBytes(50_000);
        File.WriteAllBytes(Path.Combine(_root, "snponly.efi"), ipxe);
        int port = Random.Shared.Next(20000, 40000);
        string mac = "02-5c-" + lab.Id[..2] + "-" + lab.Id[2..4] + "-" + lab.Id[4..6] + "-01";
        var variables = new Dictionary<string, object?> { ["root"] = _root, ["iface"] = lab.HostInterface, ["port"] = port, ["mac"] = mac };

        // docs/cmdlets/Start-PxeServer.md, Example 7 (with test ports).
        var started = Run("""
            $s = Start-PxeServer -ProxyDhcp -Root $root -Interface $iface -Port $port -PxePort ($port + 1) -ClientPort ($port + 2) -TftpPort 0 -Http -HttpPort 0 -BootFile @{ EfiX64Http = 'snponly.efi' } -ConflictCheckTimeout 0 -Name mt-sim-http
            $s.Http.EndPoints[0].Port
            """, variables).AssertNoErrors();
        int httpPort = Convert.ToInt32(started.Output[^1].BaseObject);

        var result = Run(
            "Test-PxeServer -Interface $iface -Port $port -PxePort ($port + 1) -ClientPort ($port + 2) -MacAddress $mac -Architecture EfiX64Http -Timeout 00:00:04 -Detailed",
            variables).AssertNoErrors();
        var summary = SuccessfulSummary(result);
        Assert.Equal($"http://{lab.ServerAddress}:{httpPort}/snponly.efi", summary.Properties["BootFile"].Value);
        Assert.Equal((long)ipxe.Length, Convert.ToInt64(summary.Properties["Bytes"].Value));
        Assert.Equal(Convert.ToHexString(SHA256.HashData(ipxe)).ToLowerInvariant(), summary.Properties["BootFileSha256"].Value);
        Assert.Equal("HttpBootFile", result.Output[^1].Properties["Step"].Value.ToString());
    }

    [Fact]
    public void No_proxy_offer_is_a_failed_result_not_an_error_and_Quiet_returns_false()
    {
        var lab = _lab = new VethLab("pxm", "10.201");
        int port = Random.Shared.Next(20000, 40000);
        var variables = new Dictionary<string, object?> { ["iface"] = lab.HostInterface, ["port"] = port };
        var result = Run("Test-PxeServer -Interface $iface -Port $port -ClientPort ($port + 2) -Timeout 00:00:01", variables).AssertNoErrors();
        var summary = result.Output.Single();
        Assert.False((bool)summary.Properties["Success"].Value);
        Assert.Equal("ProxyOffer: no proxy offer within 1 s", summary.Properties["Error"].Value);

        var quiet = Run("Test-PxeServer -Interface $iface -Port $port -ClientPort ($port + 2) -Timeout 00:00:01 -Quiet", variables).AssertNoErrors();
        Assert.False((bool)quiet.Output.Single().BaseObject);
    }

    [Fact]
    public void Invalid_MAC_and_architecture_are_errors_with_stable_ids()
    {
        var mac = Run("Test-PxeServer -MacAddress 'not-a-mac'");
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, mac.SingleError("InvalidMacAddress").CategoryInfo.Category);
        Assert.Empty(mac.Output);
        var arch = Run("Test-PxeServer -Architecture Pdp11");
        Assert.Contains("EfiX64", arch.SingleError("UnknownArchitecture").Exception.Message, StringComparison.Ordinal);
        Assert.Empty(arch.Output);
    }

    /// <summary>-Detailed output: the summary (first object), asserted successful; the failure message lists every step.</summary>
    private static System.Management.Automation.PSObject SuccessfulSummary(InvocationResult result)
    {
        var summary = result.Output[0];
        string steps = string.Join(" | ", result.Output.Skip(1).Select(s => $"{s.Properties["Step"].Value} {s.Properties["Success"].Value} {s.Properties["Detail"].Value}{s.Properties["Error"].Value}"));
        Assert.True((bool)summary.Properties["Success"].Value, steps);
        return summary;
    }
}
