namespace PxePowerShell.Engine.Dhcp;

/// <summary>Helpers over <see cref="ClientArchitecture"/>.</summary>
public static class ClientArchitectures
{
    /// <summary>
    /// The architecture a boot file is chosen for: 7 (EFI BC, what x64 firmware sends) and 9 (x64 UEFI)
    /// both boot as <see cref="ClientArchitecture.EfiX64"/>; every other value is itself.
    /// </summary>
    public static ClientArchitecture Normalize(ClientArchitecture architecture) =>
        architecture == ClientArchitecture.EfiBC ? ClientArchitecture.EfiX64 : architecture;

    /// <summary>True for the HTTP-boot architectures (15-20, 23, 24, 26, 28, 30, 38, 40).</summary>
    public static bool IsHttp(ClientArchitecture architecture) => (ushort)architecture switch
    {
        >= 15 and <= 20 => true,
        23 or 24 or 26 or 28 or 30 or 38 or 40 => true,
        _ => false,
    };

    /// <summary>True for UEFI firmware (PXE or HTTP).</summary>
    public static bool IsEfi(ClientArchitecture architecture) => (ushort)architecture switch
    {
        6 or 7 or 8 or 9 or 10 or 11 or 15 or 16 or 17 or 18 or 19 => true,
        >= 25 and <= 30 => true,
        >= 33 and <= 40 => true,
        _ => false,
    };

    /// <summary>The PXE (non-HTTP) architecture an HTTP-boot architecture corresponds to, or itself.</summary>
    public static ClientArchitecture WithoutHttp(ClientArchitecture architecture) => architecture switch
    {
        ClientArchitecture.EfiIA32Http => ClientArchitecture.EfiIA32,
        ClientArchitecture.EfiX64Http => ClientArchitecture.EfiX64,
        ClientArchitecture.EfiBCHttp => ClientArchitecture.EfiX64,
        ClientArchitecture.EfiArm32Http => ClientArchitecture.EfiArm32,
        ClientArchitecture.EfiArm64Http => ClientArchitecture.EfiArm64,
        ClientArchitecture.BiosHttp => ClientArchitecture.Bios,
        ClientArchitecture.Arm32UbootHttp => ClientArchitecture.Arm32Uboot,
        ClientArchitecture.Arm64UbootHttp => ClientArchitecture.Arm64Uboot,
        ClientArchitecture.EfiRiscV32Http => ClientArchitecture.EfiRiscV32,
        ClientArchitecture.EfiRiscV64Http => ClientArchitecture.EfiRiscV64,
        ClientArchitecture.EfiRiscV128Http => ClientArchitecture.EfiRiscV128,
        ClientArchitecture.EfiLoongArch32Http => ClientArchitecture.EfiLoongArch32,
        ClientArchitecture.EfiLoongArch64Http => ClientArchitecture.EfiLoongArch64,
        _ => Normalize(architecture),
    };

    /// <summary>
    /// Parses an architecture name (Bios, EfiX64... case-insensitive) or its option 93 number ("7"); false for anything
    /// else, including numbers no architecture has.
    /// </summary>
    public static bool TryParse(string? text, out ClientArchitecture architecture)
    {
        architecture = default;
        string key = text?.Trim() ?? string.Empty;
        if (key.Length == 0)
        {
            return false;
        }

        if (char.IsDigit(key[0]))
        {
            return ushort.TryParse(key, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
                && Enum.IsDefined(architecture = (ClientArchitecture)number);
        }

        return Enum.TryParse(key, ignoreCase: true, out architecture) && Enum.IsDefined(architecture);
    }
}
