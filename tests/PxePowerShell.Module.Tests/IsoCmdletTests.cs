using System.Diagnostics;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// The brief's pipeline: Mount-PxeIso an Arch-shaped image (built here with xorriso) → New-PxeBootEntry → TFTP fetch of
/// the kernel from the mount point with curl → Get/Copy-PxeIsoItem → Dismount-PxeIso, and the error ids.
/// </summary>
[Collection(DataDirectoryCollection.Name)]
public sealed class IsoCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pxeps-iso-").FullName;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pxeps-iso-data-" + Guid.NewGuid().ToString("N"));

    private InvocationResult Run(string script, IDictionary<string, object?>? variables = null) =>
        host.Invoke($"$env:PXEPOWERSHELL_DATA = '{_data}'\n{script}", variables);

    private string ArchIso(out byte[] kernel)
    {
        string tree = Path.Combine(_dir, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "arch", "boot", "x86_64"));
        kernel = new byte[123_457];
        new Random(42).NextBytes(kernel);
        File.WriteAllBytes(Path.Combine(tree, "arch", "boot", "x86_64", "vmlinuz-linux"), kernel);
        File.WriteAllText(Path.Combine(tree, "arch", "boot", "x86_64", "initramfs-linux.img"), "initramfs");
        File.WriteAllText(Path.Combine(tree, "arch", "version"), "2026.11.01");
        string iso = Path.Combine(_dir, "archlinux-2026.11.01-x86_64.iso");
        var psi = new ProcessStartInfo("xorriso") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-as", "mkisofs", "-quiet", "-R", "-J", "-V", "ARCH_202611", "-o", iso, tree })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        p.WaitForExit(60_000);
        Assert.Equal(0, p.ExitCode);
        return iso;
    }

    [Fact]
    public void Mount_propose_entry_serve_by_TFTP_list_copy_and_dismount()
    {
        string iso = ArchIso(out var kernel);
        var v = new Dictionary<string, object?> { ["iso"] = iso, ["root"] = _dir, ["out"] = Path.Combine(_dir, "copied") };
        var mount = Run("$iso = Mount-PxeIso $iso -MountPoint mt-arch; $iso", v).AssertNoErrors();
        var m = mount.Output.Single();
        Assert.Equal("Arch Linux", m.Properties["Distribution"].Value);
        Assert.Equal("ARCH_202611", m.Properties["VolumeLabel"].Value);
        Assert.Equal("RockRidge", m.Properties["FileSystem"].Value);
        Assert.Contains(mount.Warnings, w => w.Contains("-Http", StringComparison.Ordinal));
        try
        {
            // The output pipes into New-PxeBootEntry: kernel and initrd found automatically.
            var entry = Run("Get-PxeIso mt-arch | New-PxeBootEntry -Default", v).AssertNoErrors().Output.Single();
            Assert.Equal("mt-arch", entry.Properties["Name"].Value);
            Assert.Equal("mt-arch/arch/boot/x86_64/vmlinuz-linux", entry.Properties["Kernel"].Value);
            Assert.True((bool)entry.Properties["IsDefault"].Value);
            string menu = (string)Run("Get-PxeBootMenu -Format Ipxe -HttpBaseUri http://10.0.0.1:8080/", v).AssertNoErrors().Output.Single().BaseObject;
            Assert.Contains("archiso_http_srv=http://10.0.0.1:8080/mt-arch/", menu, StringComparison.Ordinal);

            // A TFTP server started after the mount serves the image's files.
            var server = Run("Start-PxeTftpServer -Root $root -Address 127.0.0.1 -Port 0 -Name mt-iso-tftp -NoBootMenu", v).AssertNoErrors().Output.Single();
            int port = ((System.Net.IPEndPoint)((System.Collections.IEnumerable)server.Properties["EndPoints"].Value).Cast<object>().Select(e => e is System.Management.Automation.PSObject p ? p.BaseObject : e).Single()).Port;
            string fetched = Path.Combine(_dir, "fetched");
            Assert.Equal(0, ExternalProcess.Run("curl", $"-s --max-time 20 -o {fetched} tftp://127.0.0.1:{port}/mt-arch/arch/boot/x86_64/vmlinuz-linux").ExitCode);
            Assert.Equal(kernel, File.ReadAllBytes(fetched));

            var items = Run("Get-PxeIsoItem -MountPoint mt-arch -Path arch -Recurse", v).AssertNoErrors().Output;
            Assert.Contains(items, i => (string)i.Properties["NamespacePath"].Value == "mt-arch/arch/boot/x86_64/vmlinuz-linux" && (long)i.Properties["Length"].Value == kernel.Length);
            var copied = Run("Copy-PxeIsoItem -MountPoint mt-arch -Path arch/boot -Destination $out -Recurse -PassThru", v).AssertNoErrors().Output;
            Assert.Equal(2, copied.Count);
            Assert.Equal(kernel, File.ReadAllBytes(Path.Combine(_dir, "copied", "x86_64", "vmlinuz-linux")));
            Run("Copy-PxeIsoItem mt-arch arch/version $out", v).AssertNoErrors();
            Assert.Equal("2026.11.01", File.ReadAllText(Path.Combine(_dir, "copied", "version")).Trim());
            Run("Copy-PxeIsoItem mt-arch arch/version $out", v).SingleError("FileExists");

            // -WhatIf keeps it; Dismount stops serving it at once.
            Run("Dismount-PxeIso mt-arch -WhatIf", v).AssertNoErrors();
            Assert.Single(Run("Get-PxeIso mt-arch", v).AssertNoErrors().Output);
            Run("Get-PxeIso mt-arch | Dismount-PxeIso", v).AssertNoErrors();
            Assert.NotEqual(0, ExternalProcess.Run("curl", $"-s --max-time 20 -o {fetched} tftp://127.0.0.1:{port}/mt-arch/arch/boot/x86_64/vmlinuz-linux").ExitCode);
            Run("Get-PxeIso mt-arch", v).SingleError("MountPointNotFound");
        }
        finally
        {
            Run("Get-PxeIso -MountPoint 'mt-*' | Dismount-PxeIso; Get-PxeServer -Name 'mt-iso*' | Stop-PxeServer; Remove-PxeBootEntry -Name mt-arch -ErrorAction SilentlyContinue", v);
        }
    }

    private int TftpPort(string name, IDictionary<string, object?> v) =>
        Convert.ToInt32(Run($"(Get-PxeServer {name}).EndPoints[0].Port", v).AssertNoErrors().Output.Single().BaseObject);

    /// <summary>curl's exit code fetching <paramref name="path"/> from the TFTP server on <paramref name="port"/> into <paramref name="file"/>.</summary>
    private static int CurlTftp(int port, string path, string file) =>
        ExternalProcess.Run("curl", $"-s --max-time 20 -o {file} tftp://127.0.0.1:{port}/{path}").ExitCode;

    private static string[] Servers(System.Management.Automation.PSObject mount) =>
        ((System.Collections.IEnumerable)mount.Properties["Servers"].Value).Cast<object>().Select(s => s.ToString()!).ToArray();

    [Fact]
    public void Mount_with_Server_is_served_by_that_server_only_also_after_it_restarts()
    {
        const int NotFound = 68; // curl: CURLE_TFTP_NOTFOUND
        const string Kernel = "mt-scoped/arch/boot/x86_64/vmlinuz-linux";
        string iso = ArchIso(out var kernel);
        string fetched = Path.Combine(_dir, "fetched");
        var v = new Dictionary<string, object?> { ["iso"] = iso, ["root"] = _dir };
        try
        {
            Run("""
                $a = Start-PxeTftpServer -Root $root -Address 127.0.0.1 -Port 0 -Name mt-iso-a -NoBootMenu
                $b = Start-PxeTftpServer -Root $root -Address 127.0.0.1 -Port 0 -Name mt-iso-b -NoBootMenu
                """, v).AssertNoErrors();
            var mount = Run("Mount-PxeIso $iso -MountPoint mt-scoped -Server MT-ISO-A", v).AssertNoErrors().Output.Single();
            Assert.Equal(["mt-iso-a"], Servers(mount));

            Assert.Equal(0, CurlTftp(TftpPort("mt-iso-a", v), Kernel, fetched));
            Assert.Equal(kernel, File.ReadAllBytes(fetched));
            Assert.Equal(NotFound, CurlTftp(TftpPort("mt-iso-b", v), Kernel, fetched));

            // Server objects work too (here from Get-PxeServer); an unscoped mount is served by both.
            var other = Run("Mount-PxeIso $iso -MountPoint mt-other -Server (Get-PxeServer mt-iso-b)", v).AssertNoErrors().Output.Single();
            Assert.Equal(["mt-iso-b"], Servers(other));
            Assert.Empty(Servers(Run("Mount-PxeIso $iso -MountPoint mt-everywhere", v).AssertNoErrors().Output.Single()));
            Assert.Equal(0, CurlTftp(TftpPort("mt-iso-b", v), "mt-other/arch/version", fetched));
            Assert.Equal(NotFound, CurlTftp(TftpPort("mt-iso-a", v), "mt-other/arch/version", fetched));
            Assert.Equal(0, CurlTftp(TftpPort("mt-iso-a", v), "mt-everywhere/arch/version", fetched));

            // Get-PxeIso shows the scope and filters by server.
            Assert.Equal(["mt-iso-a"], Servers(Run("Get-PxeIso mt-scoped", v).AssertNoErrors().Output.Single()));
            var forB = Run("Get-PxeIso -Server mt-iso-b -MountPoint 'mt-*'", v).AssertNoErrors().Output.Select(m => (string)m.Properties["MountPoint"].Value).ToList();
            Assert.Equal(["mt-other", "mt-everywhere"], forB);
            var forA = Run("Get-PxeIso -Server $a -MountPoint 'mt-*'", v).AssertNoErrors().Output.Select(m => (string)m.Properties["MountPoint"].Value).ToList();
            Assert.Equal(["mt-scoped", "mt-everywhere"], forA);
            Run("Get-PxeIso -Server mt-no-such", v).SingleError("ServerNotFound");

            // One image per mount point, whatever the servers; an unknown server mounts nothing.
            Run("Mount-PxeIso $iso -MountPoint mt-scoped -Server mt-iso-b", v).SingleError("MountPointInUse");
            var unknown = Run("Mount-PxeIso $iso -MountPoint mt-unknown -Server mt-iso-a, mt-no-such", v).SingleError("ServerNotFound");
            Assert.Equal("mt-no-such", unknown.TargetObject);
            Assert.Empty(Run("Get-PxeIso -MountPoint mt-unknown*", v).AssertNoErrors().Output);
            Run("Mount-PxeIso $iso -MountPoint mt-whatif -Server mt-iso-a -WhatIf", v).AssertNoErrors();
            Assert.Empty(Run("Get-PxeIso -MountPoint mt-whatif*", v).AssertNoErrors().Output);

            // Stopped and started again under the same name, the server serves its image again; the other still does not.
            Run("Stop-PxeServer mt-iso-a; $a = Start-PxeTftpServer -Root $root -Address 127.0.0.1 -Port 0 -Name mt-iso-a -NoBootMenu", v).AssertNoErrors();
            Assert.Equal(0, CurlTftp(TftpPort("mt-iso-a", v), Kernel, fetched));
            Assert.Equal(kernel, File.ReadAllBytes(fetched));
            Assert.Equal(NotFound, CurlTftp(TftpPort("mt-iso-b", v), Kernel, fetched));

            // Dismount-PxeIso as before: gone from its server.
            Run("Dismount-PxeIso mt-scoped", v).AssertNoErrors();
            Assert.Equal(NotFound, CurlTftp(TftpPort("mt-iso-a", v), Kernel, fetched));
        }
        finally
        {
            Run("Get-PxeIso -MountPoint 'mt-*' | Dismount-PxeIso; Get-PxeServer -Name 'mt-iso*' | Stop-PxeServer", v);
        }
    }

    [Fact]
    public void A_mount_scoped_to_a_PXE_server_is_exported_with_it_and_mounted_again_from_the_configuration()
    {
        string iso = ArchIso(out var kernel);
        string config = Path.Combine(_dir, "pxe.json");
        string fetched = Path.Combine(_dir, "fetched");
        var v = new Dictionary<string, object?> { ["iso"] = iso, ["root"] = _dir, ["config"] = config };
        try
        {
            Run("""
                $null = Start-PxeServer -NoDhcp -Root $root -Address 127.0.0.1 -TftpPort 0 -NoBootMenu -Name mt-iso-pxe
                $null = Start-PxeTftpServer -Root $root -Address 127.0.0.1 -Port 0 -Name mt-iso-tftp -NoBootMenu
                $null = Mount-PxeIso $iso -MountPoint mt-pxe -Server mt-iso-pxe
                $null = Mount-PxeIso $iso -MountPoint mt-elsewhere -Server mt-iso-tftp
                $null = Mount-PxeIso $iso -MountPoint mt-shared
                Export-PxeConfiguration -Path $config -Name mt-iso-pxe
                Stop-PxeServer mt-iso-pxe
                Dismount-PxeIso mt-pxe
                """, v).AssertNoErrors();

            // The configuration carries the images this server serves, the scoped one with its scope.
            string json = File.ReadAllText(config);
            Assert.Contains("\"MountPoint\": \"mt-pxe\"", json, StringComparison.Ordinal);
            Assert.Contains("\"MountPoint\": \"mt-shared\"", json, StringComparison.Ordinal);
            Assert.DoesNotContain("mt-elsewhere", json, StringComparison.Ordinal);
            Assert.Contains("\"Servers\": [", json, StringComparison.Ordinal);

            Run("$null = Start-PxeServer -ConfigurationPath $config -TftpPort 0", v).AssertNoErrors();
            Assert.Equal(["mt-iso-pxe"], Servers(Run("Get-PxeIso mt-pxe", v).AssertNoErrors().Output.Single()));
            int port = Convert.ToInt32(Run("(Get-PxeServer mt-iso-pxe).Tftp.EndPoints[0].Port", v).AssertNoErrors().Output.Single().BaseObject);
            Assert.Equal(0, CurlTftp(port, "mt-pxe/arch/boot/x86_64/vmlinuz-linux", fetched));
            Assert.Equal(kernel, File.ReadAllBytes(fetched));
        }
        finally
        {
            Run("Get-PxeIso -MountPoint 'mt-*' | Dismount-PxeIso; Get-PxeServer -Name 'mt-iso*' | Stop-PxeServer", v);
        }
    }

    [Fact]
    public void Bad_images_and_mount_points_are_errors_with_stable_ids()
    {
        string text = Path.Combine(_dir, "notes.iso");
        File.WriteAllText(text, new string('x', 70_000));
        var v = new Dictionary<string, object?> { ["text"] = text, ["missing"] = Path.Combine(_dir, "missing.iso") };
        Run("Mount-PxeIso $missing", v).SingleError("IsoNotFound");
        var invalid = Run("Mount-PxeIso $text -MountPoint mt-bad", v).SingleError("InvalidIsoImage");
        Assert.Contains("is it an ISO image", invalid.Exception.Message, StringComparison.Ordinal);
        Run("Mount-PxeIso $text -MountPoint '../up'", v).SingleError("InvalidParameter");
        Run("Get-PxeIsoItem -MountPoint mt-none", v).SingleError("MountPointNotFound");
        Run("Dismount-PxeIso mt-none", v).SingleError("MountPointNotFound");

        string iso = ArchIso(out _);
        v["iso"] = iso;
        try
        {
            Run("Mount-PxeIso $iso -MountPoint mt-twice", v).AssertNoErrors();
            Run("Mount-PxeIso $iso -MountPoint mt-twice", v).SingleError("MountPointInUse");
            Run("Get-PxeIsoItem -MountPoint mt-twice -Path no/such/file", v).SingleError("IsoItemNotFound");
        }
        finally
        {
            Run("Dismount-PxeIso 'mt-*'", v);
        }
    }

    public void Dispose()
    {
        host.Invoke($"$env:PXEPOWERSHELL_DATA = '{ModuleHost.DefaultDataDirectory}'; $null = Get-PxeClient -MacAddress '*'");
        Directory.Delete(_dir, recursive: true);
        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }
}
