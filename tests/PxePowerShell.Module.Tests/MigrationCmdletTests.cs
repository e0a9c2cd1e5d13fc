using System.Diagnostics;

namespace PxePowerShell.Module.Tests;

/// <summary>Moving real setups over: Debian's netboot grub.cfg, entries checked against a root with mounted images, partial downloads.</summary>
[Collection(DataDirectoryCollection.Name)]
public sealed class MigrationCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>, IDisposable
{
    private const string DebianNetboot = "/usr/lib/debian-installer/images/12/amd64/text";
    private readonly string _work = Directory.CreateTempSubdirectory("pxeps-migrate-").FullName;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "pxeps-migrate-data-" + Guid.NewGuid().ToString("N"));

    private InvocationResult Run(string script) => host.Invoke($"$env:PXEPOWERSHELL_DATA = '{_data}'; $work = '{_work}'\n{script}");

    private string ArchIso(int kernelBytes)
    {
        string tree = Path.Combine(_work, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "arch", "boot", "x86_64"));
        var kernel = new byte[kernelBytes];
        new Random(7).NextBytes(kernel);
        File.WriteAllBytes(Path.Combine(tree, "arch", "boot", "x86_64", "vmlinuz-linux"), kernel);
        File.WriteAllText(Path.Combine(tree, "arch", "boot", "x86_64", "initramfs-linux.img"), "initramfs");
        string iso = Path.Combine(_work, "arch.iso");
        var psi = new ProcessStartInfo("xorriso") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-as", "mkisofs", "-quiet", "-R", "-J", "-V", "ARCH", "-o", iso, tree })
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        Assert.True(p.WaitForExit(60_000));
        Assert.Equal(0, p.ExitCode);
        return iso;
    }

    [Fact]
    public void ConvertFrom_PxeGrubConfig_imports_Debians_netboot_GRUB_menu_whose_files_are_all_in_the_tree()
    {
        string cfg = Path.Combine(DebianNetboot, "debian-installer", "amd64", "grub", "grub.cfg");
        Assert.True(File.Exists(cfg), $"{cfg} is missing: apt-get install debian-installer-12-netboot-amd64");
        var imported = Run($"ConvertFrom-PxeGrubConfig '{cfg}' | New-PxeBootEntry -Root '{DebianNetboot}' -Strict").AssertNoErrors();
        Assert.Empty(imported.Warnings);
        Assert.Equal(26, imported.Output.Count);
        string menu = Run("Get-PxeBootMenu -Format Grub").AssertNoErrors().Output.Single().ToString();
        Assert.Contains("debian-installer/amd64/linux", menu, StringComparison.Ordinal);
        Assert.Contains("Advanced options ... / ... Expert install", menu, StringComparison.Ordinal);

        Run("ConvertFrom-PxeGrubConfig -Path $work/none.cfg").SingleError("ConfigurationNotFound");
        File.WriteAllText(Path.Combine(_work, "grub.cfg"), "menuentry 'x' {\n  loopback loop /x.iso\n  linux (loop)/vmlinuz\n}\n");
        var warned = Run("ConvertFrom-PxeGrubConfig $work/grub.cfg").AssertNoErrors();
        Assert.Empty(warned.Output);
        Assert.Contains(warned.Warnings, w => w.Contains("grub.cfg:2: 'loopback' is not a command", StringComparison.Ordinal));
    }

    [Fact]
    public void New_PxeBootEntry_Root_sees_the_mounted_images_beside_the_directory()
    {
        string iso = ArchIso(10_000);
        string root = Directory.CreateDirectory(Path.Combine(_work, "root")).FullName;
        Run($"Mount-PxeIso '{iso}' -MountPoint mig-arch | Out-Null").AssertNoErrors();
        try
        {
            var created = Run($"New-PxeBootEntry -Name arch -Kernel mig-arch/arch/boot/x86_64/vmlinuz-linux -Initrd mig-arch/arch/boot/x86_64/initramfs-linux.img -Root '{root}' -Strict").AssertNoErrors();
            Assert.Single(created.Output);
            Assert.Empty(created.Warnings);
            Run($"New-PxeBootEntry -Name missing -Kernel mig-arch/arch/boot/nothing -Root '{root}' -Strict").SingleError("KernelNotFound");
        }
        finally
        {
            Run("Dismount-PxeIso mig-arch").AssertNoErrors();
        }
    }

    [Fact]
    public void Mount_PxeIso_refuses_a_truncated_image_with_IsoTruncated()
    {
        string iso = ArchIso(4 << 20);
        string cut = Path.Combine(_work, "cut.iso");
        File.WriteAllBytes(cut, File.ReadAllBytes(iso)[..(100 * 1024)]);
        var error = Run($"Mount-PxeIso '{cut}' -MountPoint mig-cut").SingleError("IsoTruncated");
        Assert.Contains("truncated", error.Exception.Message, StringComparison.Ordinal);
        Assert.Empty(Run("Get-PxeIso").AssertNoErrors().Output);
    }

    [Fact]
    public void Start_PxeServer_warns_when_the_roots_own_pxelinux_menu_shadows_the_generated_one()
    {
        string root = Directory.CreateDirectory(Path.Combine(_work, "netboot")).FullName;
        File.WriteAllText(Path.Combine(root, "pxelinux.0"), "pxelinux");
        File.WriteAllText(Path.Combine(root, "linux"), "kernel");
        Directory.CreateDirectory(Path.Combine(root, "pxelinux.cfg"));
        File.WriteAllText(Path.Combine(root, "pxelinux.cfg", "default"), "DEFAULT install\nLABEL install\n  KERNEL linux\n");
        Run($"New-PxeBootEntry -Name mig-shadow -Kernel linux -Root '{root}' | Out-Null").AssertNoErrors();

        string Start() => $"Start-PxeServer -Root '{root}' -NoDhcp -Address 127.0.0.1 -TftpPort 0 -Name mt-shadow | Out-Null; Stop-PxeServer mt-shadow";
        var shadowed = Run(Start()).AssertNoErrors();
        Assert.Contains(
            "The root has its own pxelinux.cfg, which is served instead of the menu generated from the 1 boot entries: clients that read it do not see them. Move it away to serve the generated menu.",
            shadowed.Warnings);

        // What docs/examples/debian-netboot.ps1 does: the tree's own menu moved aside, the generated one is served.
        Directory.Move(Path.Combine(root, "pxelinux.cfg"), Path.Combine(root, "pxelinux.cfg.orig"));
        var clear = Run(Start()).AssertNoErrors();
        Assert.DoesNotContain(clear.Warnings, w => w.Contains("pxelinux.cfg", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        host.Invoke($"$env:PXEPOWERSHELL_DATA = '{ModuleHost.DefaultDataDirectory}'");
        foreach (var directory in new[] { _work, _data })
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }
}
