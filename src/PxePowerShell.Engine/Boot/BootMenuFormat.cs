namespace PxePowerShell.Engine.Boot;

/// <summary>The menu formats that can be rendered or exported.</summary>
public enum BootMenuFormat
{
    /// <summary>pxelinux.cfg for BIOS pxelinux.0 / lpxelinux.0.</summary>
    Pxelinux,

    /// <summary>pxelinux.cfg for UEFI syslinux.efi (same grammar; multiboot entries are left out, mboot.c32 is BIOS-only).</summary>
    Syslinux,

    /// <summary>An iPXE script (boot.ipxe).</summary>
    Ipxe,

    /// <summary>A GRUB grub.cfg.</summary>
    Grub,
}
