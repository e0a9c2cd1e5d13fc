namespace PxePowerShell.Engine.Boot;

/// <summary>
/// The client platforms a boot entry applies to (a set: combine with |). HTTP-boot clients count as their
/// EFI platform: RFC 4578 option 93 values map as 0 → <see cref="Bios"/>, 6 → <see cref="EfiIA32"/>,
/// 7, 9 and 16 (HTTP) → <see cref="EfiX64"/>, 11 and 19 (HTTP) → <see cref="EfiArm64"/>, 15 (HTTP) → <see cref="EfiIA32"/>
/// (see <see cref="BootArchitectures.FromClientArchitecture"/>).
/// </summary>
[Flags]
public enum BootArchitecture
{
    /// <summary>No platform (invalid for an entry).</summary>
    None = 0,

    /// <summary>x86 BIOS (legacy PXE, pxelinux.0 / lpxelinux.0, undionly.kpxe).</summary>
    Bios = 1,

    /// <summary>32-bit x86 UEFI.</summary>
    EfiIA32 = 2,

    /// <summary>x86-64 UEFI (syslinux.efi, grubnetx64.efi, ipxe.efi), including UEFI HTTP boot.</summary>
    EfiX64 = 4,

    /// <summary>ARM64 UEFI, including UEFI HTTP boot.</summary>
    EfiArm64 = 8,

    /// <summary>Every UEFI platform.</summary>
    Efi = EfiIA32 | EfiX64 | EfiArm64,

    /// <summary>Every platform (the default for a new entry).</summary>
    All = Bios | EfiIA32 | EfiX64 | EfiArm64,
}
