namespace PxePowerShell.Engine.Boot;

/// <summary>The boot loaders (menu formats) an entry appears in (a set: combine with |).</summary>
[Flags]
public enum BootLoader
{
    /// <summary>No loader.</summary>
    None = 0,

    /// <summary>pxelinux.0 / lpxelinux.0 (BIOS) and syslinux.efi (UEFI): pxelinux.cfg files.</summary>
    Pxelinux = 1,

    /// <summary>iPXE scripts.</summary>
    Ipxe = 2,

    /// <summary>GRUB grub.cfg.</summary>
    Grub = 4,

    /// <summary>Every loader (the default).</summary>
    All = Pxelinux | Ipxe | Grub,
}
