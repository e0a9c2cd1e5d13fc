namespace PxePowerShell.Engine.Dhcp;

/// <summary>Client system architecture (DHCP option 93): RFC 4578 and the IANA processor architecture type registry.</summary>
public enum ClientArchitecture : ushort
{
    /// <summary>x86 BIOS (PC/AT).</summary>
    Bios = 0,

    /// <summary>NEC/PC98.</summary>
    NecPc98 = 1,

    /// <summary>Itanium (EFI).</summary>
    Itanium = 2,

    /// <summary>DEC Alpha.</summary>
    DecAlpha = 3,

    /// <summary>Arc x86.</summary>
    ArcX86 = 4,

    /// <summary>Intel Lean Client.</summary>
    IntelLeanClient = 5,

    /// <summary>x86 UEFI (IA32).</summary>
    EfiIA32 = 6,

    /// <summary>EFI byte code in RFC 4578, x64 UEFI in practice (OVMF and most x64 firmware send 7).</summary>
    EfiBC = 7,

    /// <summary>EFI XScale.</summary>
    EfiXScale = 8,

    /// <summary>x64 UEFI (dnsmasq's X86-64_EFI).</summary>
    EfiX64 = 9,

    /// <summary>ARM 32-bit UEFI.</summary>
    EfiArm32 = 10,

    /// <summary>ARM 64-bit UEFI.</summary>
    EfiArm64 = 11,

    /// <summary>PowerPC Open Firmware.</summary>
    PowerPCOpenFirmware = 12,

    /// <summary>PowerPC ePAPR.</summary>
    PowerPCePapr = 13,

    /// <summary>POWER OPAL v3.</summary>
    PowerOpalV3 = 14,

    /// <summary>x86 UEFI HTTP boot.</summary>
    EfiIA32Http = 15,

    /// <summary>x64 UEFI HTTP boot.</summary>
    EfiX64Http = 16,

    /// <summary>EBC UEFI HTTP boot.</summary>
    EfiBCHttp = 17,

    /// <summary>ARM 32-bit UEFI HTTP boot.</summary>
    EfiArm32Http = 18,

    /// <summary>ARM 64-bit UEFI HTTP boot.</summary>
    EfiArm64Http = 19,

    /// <summary>x86 BIOS HTTP boot.</summary>
    BiosHttp = 20,

    /// <summary>ARM 32-bit U-Boot.</summary>
    Arm32Uboot = 21,

    /// <summary>ARM 64-bit U-Boot.</summary>
    Arm64Uboot = 22,

    /// <summary>ARM 32-bit U-Boot HTTP boot.</summary>
    Arm32UbootHttp = 23,

    /// <summary>ARM 64-bit U-Boot HTTP boot.</summary>
    Arm64UbootHttp = 24,

    /// <summary>RISC-V 32-bit UEFI.</summary>
    EfiRiscV32 = 25,

    /// <summary>RISC-V 32-bit UEFI HTTP boot.</summary>
    EfiRiscV32Http = 26,

    /// <summary>RISC-V 64-bit UEFI.</summary>
    EfiRiscV64 = 27,

    /// <summary>RISC-V 64-bit UEFI HTTP boot.</summary>
    EfiRiscV64Http = 28,

    /// <summary>RISC-V 128-bit UEFI.</summary>
    EfiRiscV128 = 29,

    /// <summary>RISC-V 128-bit UEFI HTTP boot.</summary>
    EfiRiscV128Http = 30,

    /// <summary>s390 basic.</summary>
    S390Basic = 31,

    /// <summary>s390 extended.</summary>
    S390Extended = 32,

    /// <summary>MIPS 32-bit UEFI.</summary>
    EfiMips32 = 33,

    /// <summary>MIPS 64-bit UEFI.</summary>
    EfiMips64 = 34,

    /// <summary>Sunway 32-bit UEFI.</summary>
    EfiSunway32 = 35,

    /// <summary>Sunway 64-bit UEFI.</summary>
    EfiSunway64 = 36,

    /// <summary>LoongArch 32-bit UEFI.</summary>
    EfiLoongArch32 = 37,

    /// <summary>LoongArch 32-bit UEFI HTTP boot.</summary>
    EfiLoongArch32Http = 38,

    /// <summary>LoongArch 64-bit UEFI.</summary>
    EfiLoongArch64 = 39,

    /// <summary>LoongArch 64-bit UEFI HTTP boot.</summary>
    EfiLoongArch64Http = 40,

    /// <summary>ARM rpiboot.</summary>
    ArmRpiboot = 41,
}
