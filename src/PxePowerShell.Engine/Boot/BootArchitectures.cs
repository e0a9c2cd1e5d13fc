namespace PxePowerShell.Engine.Boot;

/// <summary>Parsing and mapping helpers for <see cref="BootArchitecture"/>.</summary>
public static class BootArchitectures
{
    /// <summary>The single platforms, in the order menus are generated.</summary>
    public static IReadOnlyList<BootArchitecture> Singles { get; } =
        [BootArchitecture.Bios, BootArchitecture.EfiIA32, BootArchitecture.EfiX64, BootArchitecture.EfiArm64];

    /// <summary>
    /// Parses one architecture name, case-insensitively. Accepts the enum names, "All"/"Any", "Efi", and the
    /// HTTP-boot names of the DHCP layer ("EfiX64Http" → EfiX64, "EfiArm64Http" → EfiArm64, "EfiIA32Http" → EfiIA32),
    /// plus the common aliases "x86"/"pc" (Bios), "x64"/"amd64"/"x86_64" (EfiX64), "ia32"/"i386" (EfiIA32), "arm64"/"aarch64" (EfiArm64).
    /// </summary>
    public static bool TryParse(string? name, out BootArchitecture architecture)
    {
        architecture = BootArchitecture.None;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        switch (name.Trim().ToLowerInvariant())
        {
            case "bios":
            case "pc":
            case "x86":
            case "pcbios":
                architecture = BootArchitecture.Bios;
                return true;
            case "efiia32":
            case "efiia32http":
            case "ia32":
            case "i386":
                architecture = BootArchitecture.EfiIA32;
                return true;
            case "efix64":
            case "efix64http":
            case "efibc":
            case "x64":
            case "amd64":
            case "x86_64":
                architecture = BootArchitecture.EfiX64;
                return true;
            case "efiarm64":
            case "efiarm64http":
            case "arm64":
            case "aarch64":
                architecture = BootArchitecture.EfiArm64;
                return true;
            case "efi":
                architecture = BootArchitecture.Efi;
                return true;
            case "all":
            case "any":
                architecture = BootArchitecture.All;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Parses a list of names (or a comma-separated string) into a set; false names the first unknown one.</summary>
    public static bool TryParse(IEnumerable<string> names, out BootArchitecture architecture, out string? unknown)
    {
        ArgumentNullException.ThrowIfNull(names);
        architecture = BootArchitecture.None;
        unknown = null;
        foreach (var raw in names)
        {
            foreach (var part in (raw ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!TryParse(part, out var one))
                {
                    unknown = part;
                    return false;
                }

                architecture |= one;
            }
        }

        return architecture != BootArchitecture.None;
    }

    /// <summary>
    /// Maps an RFC 4578 client system architecture (DHCP option 93) to a platform; null for values no menu serves
    /// (Itanium, ARM32, RISC-V, …).
    /// </summary>
    public static BootArchitecture? FromClientArchitecture(ushort value) => value switch
    {
        0 => BootArchitecture.Bios,
        6 or 15 => BootArchitecture.EfiIA32,
        7 or 9 or 16 => BootArchitecture.EfiX64,
        11 or 19 => BootArchitecture.EfiArm64,
        _ => null,
    };

    /// <summary>The single platforms contained in <paramref name="set"/>.</summary>
    public static IEnumerable<BootArchitecture> Split(BootArchitecture set)
    {
        foreach (var single in Singles)
        {
            if ((set & single) != 0)
            {
                yield return single;
            }
        }
    }
}
