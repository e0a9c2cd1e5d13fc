namespace PxePowerShell.Engine.Boot;

/// <summary>
/// Where generated menus live, in the boot namespace (served live) and below an export directory (written by
/// Export-PxeBootMenu) alike. syslinux.efi reads pxelinux.cfg/ next to itself, so UEFI menus sit beside the
/// syslinux.efi copies in efi64/ and efi32/ (the layout of the syslinux distribution).
/// </summary>
public static class BootMenuLayout
{
    /// <summary>pxelinux.cfg for BIOS pxelinux.0 / lpxelinux.0 in the root.</summary>
    public const string Pxelinux = "pxelinux.cfg";

    /// <summary>pxelinux.cfg for efi64/syslinux.efi (x86-64 UEFI).</summary>
    public const string SyslinuxEfi64 = "efi64/pxelinux.cfg";

    /// <summary>pxelinux.cfg for efi32/syslinux.efi (IA32 UEFI).</summary>
    public const string SyslinuxEfi32 = "efi32/pxelinux.cfg";

    /// <summary>The iPXE script.</summary>
    public const string IpxeScript = "boot.ipxe";

    /// <summary>The GRUB configuration (grubnetx64.efi's prefix is usually /grub).</summary>
    public const string GrubConfig = "grub/grub.cfg";

    /// <summary>
    /// True for the UEFI platforms this layout has a syslinux.efi directory for; the others (ARM32, RISC-V, LoongArch)
    /// have no syslinux build and read GRUB and iPXE menus only.
    /// </summary>
    public static bool HasSyslinuxEfi(BootArchitecture architecture) =>
        architecture is BootArchitecture.EfiIA32 or BootArchitecture.EfiX64 or BootArchitecture.EfiArm64;

    /// <summary>The pxelinux.cfg directory for a syslinux.efi platform (BIOS: the root's pxelinux.cfg).</summary>
    public static string SyslinuxDirectory(BootArchitecture architecture) => architecture switch
    {
        BootArchitecture.EfiIA32 => SyslinuxEfi32,
        BootArchitecture.EfiX64 => SyslinuxEfi64,
        BootArchitecture.EfiArm64 => "efiarm64/pxelinux.cfg",
        BootArchitecture.Bios => Pxelinux,
        _ => throw new ArgumentOutOfRangeException(nameof(architecture), architecture, $"No syslinux.efi reads menus for {architecture}; it boots GRUB or iPXE."),
    };
}
