using Xunit.Abstractions;

namespace PxePowerShell.E2E.Tests;

/// <summary>
/// Debian's real netboot tree (package debian-installer-12-netboot-amd64) served by the module as it is: BIOS through
/// its own pxelinux menu, UEFI through its own signed shim and GRUB and its grub.cfg, until the installer kernel prints
/// its first line on the serial console. The menus are Debian's; a copy of the tree gets only what a serial-console lab
/// needs: console=ttyS0 instead of quiet on the Install entry (which becomes the default), a one-second timeout instead of waiting for
/// ever, pxelinux's output mirrored on the serial console, and no vga=788 (the guest has no display, and the kernel would
/// wait 30 s at the unknown mode).
/// </summary>
public sealed class DebianNetbootTests(ITestOutputHelper output) : IDisposable
{
    private const string Tree = "/usr/lib/debian-installer/images/12/amd64/text";
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(6);
    private readonly string _root = Directory.CreateTempSubdirectory("pxe-e2e-debian-").FullName;

    // The kernel's first line ("Linux version ..."), or any timestamped kernel line should the banner be cut.
    private static bool KernelLine(string line) =>
        line.Contains("Linux version", StringComparison.Ordinal) || System.Text.RegularExpressions.Regex.IsMatch(line, @"^\[\s*\d+\.\d{6}\] ");

    private string PrepareRoot()
    {
        Assert.True(Directory.Exists(Tree), $"{Tree} is missing: apt-get install debian-installer-12-netboot-amd64");
        Shell.Run("cp", $"-rL {Tree}/. {_root}"); // the tree's links (pxelinux.0, pxelinux.cfg...) as files of the root
        void Edit(string relative, Func<string, string> change)
        {
            string file = Path.Combine(_root, relative);
            string before = File.ReadAllText(file);
            string after = change(before);
            Assert.NotEqual(before, after);
            File.WriteAllText(file, after);
        }

        Edit("pxelinux.cfg/default", t => "serial 0 115200\n" + t.Replace("timeout 0", "timeout 10", StringComparison.Ordinal));
        Edit("debian-installer/amd64/boot-screens/txt.cfg", t => t
            .Replace("menu label ^Install", "menu label ^Install\n\tmenu default", StringComparison.Ordinal)
            .Replace("vga=788 initrd=debian-installer/amd64/initrd.gz --- quiet", "initrd=debian-installer/amd64/initrd.gz console=ttyS0 ---", StringComparison.Ordinal));
        Edit("debian-installer/amd64/grub/grub.cfg", t => "set timeout=1\n" + ReplaceFirst(t, "installer/amd64/linux vga=788 --- quiet", "installer/amd64/linux console=ttyS0 ---"));
        return _root;
    }

    private static string ReplaceFirst(string text, string old, string replacement)
    {
        int at = text.IndexOf(old, StringComparison.Ordinal);
        Assert.True(at >= 0, old);
        return text[..at] + replacement + text[(at + old.Length)..];
    }

    private string Server(FirmwareLab lab, string root) =>
        $"Start-PxeServer -Root '{root}' -Interface eth0 -Name debian -Dhcp -Range {lab.Subnet}.100,{lab.Subnet}.150 " +
        "-BootFile @{ Bios = 'pxelinux.0'; EfiX64 = 'debian-installer/amd64/bootnetx64.efi' } -Wait | " +
        "ForEach-Object { \"EVENT $($_.Protocol) $($_.Kind) $($_.Path) $($_.Error) $($_.Reason)\" }";

    /// <summary>Boots and waits for the kernel line; on failure, the server's events too (which files went out).</summary>
    private static TimeSpan BootToKernel(FirmwareLab lab, Shell.Background server, Firmware firmware)
    {
        try
        {
            return lab.Boot(firmware, KernelLine, BootTimeout, $"Debian installer kernel line ({firmware})").Elapsed;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"{ex.Message}\nServer:\n{server.Output}", ex);
        }
    }

    [E2EFact]
    public void Bios_boots_Debians_netboot_tree_through_its_own_pxelinux_menu_to_the_installer_kernel()
    {
        string root = PrepareRoot();
        using var lab = new FirmwareLab();
        var server = lab.StartPxePowerShell(Server(lab, root));
        var elapsed = BootToKernel(lab, server, Firmware.Bios);
        foreach (var file in new[] { "pxelinux.0", "pxelinux.cfg/default", "debian-installer/amd64/boot-screens/menu.cfg", "debian-installer/amd64/linux", "debian-installer/amd64/initrd.gz" })
        {
            Assert.Contains($"EVENT Tftp TransferCompleted {file} ", server.Output, StringComparison.Ordinal);
        }

        BootTimes.Record(output, "BIOS iPXE ROM, full DHCP, Debian netboot tree's own pxelinux menu", "PxePowerShell", elapsed);
    }

    [E2EFact]
    public void Uefi_boots_Debians_netboot_tree_through_its_own_shim_and_GRUB_to_the_installer_kernel()
    {
        string root = PrepareRoot();
        using var lab = new FirmwareLab();
        var server = lab.StartPxePowerShell(Server(lab, root));
        var elapsed = BootToKernel(lab, server, Firmware.UefiNative);
        foreach (var file in new[] { "debian-installer/amd64/bootnetx64.efi", "debian-installer/amd64/grubx64.efi", "debian-installer/amd64/grub/grub.cfg", "debian-installer/amd64/linux", "debian-installer/amd64/initrd.gz" })
        {
            Assert.Contains($"EVENT Tftp TransferCompleted {file} ", server.Output, StringComparison.Ordinal);
        }

        BootTimes.Record(output, "UEFI OVMF (own PXE), full DHCP, Debian netboot tree's own shim + GRUB", "PxePowerShell", elapsed);
    }

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(_root, recursive: true);
}
