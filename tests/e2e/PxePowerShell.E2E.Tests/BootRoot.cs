namespace PxePowerShell.E2E.Tests;

/// <summary>
/// The TFTP/HTTP root every scenario boots from, built once from Debian packages: pxelinux.0 and its modules, syslinux.efi
/// (efi64/), iPXE's snponly.efi, the machine's Debian kernel, a busybox initramfs whose /init prints the kernel's marker= argument on the
/// serial console and powers off, and memtest86+.
/// </summary>
public sealed class BootRoot : IDisposable
{
    /// <summary>What /init prints before the marker.</summary>
    public const string MarkerPrefix = "PXEPOWERSHELL-E2E-MARKER";

    /// <summary>Builds the root.</summary>
    public BootRoot()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("pxe-e2e-root-").FullName;
        string bios = "/usr/lib/syslinux/modules/bios";
        Copy("/usr/lib/PXELINUX/pxelinux.0", "pxelinux.0");
        foreach (var module in new[] { "ldlinux.c32", "menu.c32", "libutil.c32" })
        {
            Copy(Path.Combine(bios, module), module);
        }

        Copy("/usr/lib/SYSLINUX.EFI/efi64/syslinux.efi", "efi64/syslinux.efi");
        foreach (var module in new[] { "ldlinux.e64", "menu.c32", "libutil.c32" })
        {
            Copy(Path.Combine("/usr/lib/syslinux/modules/efi64", module), Path.Combine("efi64", module));
        }

        string kernel = System.IO.Directory.GetFiles("/boot", "vmlinuz-*").OrderDescending().FirstOrDefault()
            ?? throw new InvalidOperationException("no /boot/vmlinuz-*: install linux-image-amd64");
        Copy(kernel, "vmlinuz");
        Copy("/boot/memtest86+x64.bin", "memtest86+x64.bin");
        Copy("/usr/lib/grub/x86_64-efi-signed/grubnetx64.efi.signed", "grubx64.efi"); // GRUB for PXE over IPv6 (Ipv6BootTests)
        Copy("/usr/lib/ipxe/snponly.efi", "snponly.efi"); // what UEFI HTTP boot loads: iPXE over the firmware's SNP

        string initramfs = System.IO.Directory.CreateTempSubdirectory("pxe-e2e-initramfs-").FullName;
        foreach (var dir in new[] { "bin", "proc", "dev", "sys" })
        {
            System.IO.Directory.CreateDirectory(Path.Combine(initramfs, dir));
        }

        File.Copy("/bin/busybox", Path.Combine(initramfs, "bin", "busybox"));
        File.WriteAllText(Path.Combine(initramfs, "init"), $"""
            #!/bin/busybox sh
            /bin/busybox mount -t proc proc /proc
            /bin/busybox mount -t devtmpfs dev /dev 2>/dev/null
            /bin/busybox echo "{MarkerPrefix} $(/bin/busybox grep -o 'marker=[^ ]*' /proc/cmdline)" > /dev/console
            /bin/busybox poweroff -f

            """.Replace("\r", string.Empty, StringComparison.Ordinal));
        Shell.Run("chmod", $"755 {Path.Combine(initramfs, "init")}");
        Shell.Run("sh", $"-c \"cd '{initramfs}' && find . | cpio -o -H newc 2>/dev/null | gzip -1 > '{Path.Combine(Directory, "initrd.img")}'\"");
        Shell.Run("chmod", $"-R a+rX {Directory}"); // the reference dnsmasq reads it as nobody
        System.IO.Directory.Delete(initramfs, recursive: true);
    }

    /// <summary>The root directory.</summary>
    public string Directory { get; }

    private void Copy(string from, string to)
    {
        string target = Path.Combine(Directory, to);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Copy(from, target);
    }

    /// <inheritdoc />
    public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);
}
