namespace PxePowerShell.Engine.Boot;

/// <summary>What a boot entry boots.</summary>
public enum BootEntryKind
{
    /// <summary>A Linux kernel with initrds and a command line.</summary>
    Linux,

    /// <summary>A multiboot chain: a hypervisor (Xen) plus modules (dom0 kernel, initrd), via mboot.c32 / multiboot2.</summary>
    Multiboot,

    /// <summary>A single image loaded like a kernel, without initrd (memtest86+).</summary>
    Image,

    /// <summary>Another boot program or URL (undionly.kpxe, ipxe.efi, http://…/boot.ipxe).</summary>
    Chainload,

    /// <summary>Boot from the local disk.</summary>
    LocalBoot,

    /// <summary>Includes another loader's configuration (pxelinux CONFIG, iPXE chain to a script, GRUB configfile).</summary>
    ConfigInclude,
}
