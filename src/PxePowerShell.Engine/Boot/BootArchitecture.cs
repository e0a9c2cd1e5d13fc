using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// The client platforms a boot entry applies to (a set: combine with |). It is a view of <see cref="ClientArchitecture"/>,
/// not a second vocabulary: each single platform carries the name of the option 93 architecture it stands for, and a
/// client's platform is that of its PXE (non-HTTP) architecture, so 7 (EFI BC) and 16 (HTTP) count as
/// <see cref="EfiX64"/>, 19 as <see cref="EfiArm64"/>, 40 as <see cref="EfiLoongArch64"/> and so on
/// (see <see cref="BootArchitectures.FromClientArchitecture"/>). Every architecture <see cref="BootPolicy"/> serves a
/// boot file for has exactly one platform (a unit test keeps it so).
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

    /// <summary>ARM64 UEFI (grubaa64.efi), including UEFI HTTP boot.</summary>
    EfiArm64 = 8,

    /// <summary>32-bit ARM UEFI (grubarm.efi), including UEFI HTTP boot.</summary>
    EfiArm32 = 16,

    /// <summary>64-bit RISC-V UEFI (grubriscv64.efi), including UEFI HTTP boot.</summary>
    EfiRiscV64 = 32,

    /// <summary>64-bit LoongArch UEFI (grubloongarch64.efi), including UEFI HTTP boot.</summary>
    EfiLoongArch64 = 64,

    /// <summary>Every UEFI platform.</summary>
    Efi = EfiIA32 | EfiX64 | EfiArm64 | EfiArm32 | EfiRiscV64 | EfiLoongArch64,

    /// <summary>Every platform (the default for a new entry).</summary>
    All = Bios | Efi,
}
