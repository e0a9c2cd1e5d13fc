using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Boot;

/// <summary>Parsing and mapping helpers for <see cref="BootArchitecture"/>.</summary>
public static class BootArchitectures
{
    /// <summary>The single platforms, in the order menus are generated.</summary>
    public static IReadOnlyList<BootArchitecture> Singles { get; } =
        [BootArchitecture.Bios, BootArchitecture.EfiIA32, BootArchitecture.EfiX64, BootArchitecture.EfiArm64];

    /// <summary>
    /// Parses one architecture name, case-insensitively. Accepts the enum names, "All"/"Any", "Efi", every client
    /// architecture name of DHCP option 93 (<see cref="ClientArchitecture"/>) that boots as one of the platforms — the
    /// HTTP-boot names ("EfiX64Http" → EfiX64, "EfiArm64Http" → EfiArm64, "EfiIA32Http" → EfiIA32, "BiosHttp" → Bios) and
    /// "EfiBC" (what x64 firmware sends) — plus the common aliases "x86"/"pc"/"pcbios" (Bios), "x64"/"amd64"/"x86_64"
    /// (EfiX64), "ia32"/"i386" (EfiIA32), "arm64"/"aarch64" (EfiArm64).
    /// </summary>
    public static bool TryParse(string? name, out BootArchitecture architecture)
    {
        architecture = BootArchitecture.None;
        if (string.IsNullOrWhiteSpace(name))
        {
            return false;
        }

        string key = name.Trim();
        switch (key.ToLowerInvariant())
        {
            case "pc":
            case "x86":
            case "pcbios":
                architecture = BootArchitecture.Bios;
                return true;
            case "ia32":
            case "i386":
                architecture = BootArchitecture.EfiIA32;
                return true;
            case "x64":
            case "amd64":
            case "x86_64":
                architecture = BootArchitecture.EfiX64;
                return true;
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
        }

        // Names only: an option 93 number is a wire value, not a platform name.
        if (char.IsAsciiLetter(key[0]) && ClientArchitectures.TryParse(key, out var client) && FromClientArchitecture(client) is { } platform)
        {
            architecture = platform;
            return true;
        }

        return false;
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
    /// Maps a client system architecture (DHCP option 93) to the platform whose menus it reads: an HTTP-boot architecture
    /// as its PXE one, 7 (EFI BC) as x64 UEFI; null for architectures no generated menu serves (Itanium, ARM32, RISC-V,
    /// LoongArch, ...), which boot from their boot file alone.
    /// </summary>
    public static BootArchitecture? FromClientArchitecture(ClientArchitecture architecture) => ClientArchitectures.WithoutHttp(architecture) switch
    {
        ClientArchitecture.Bios => BootArchitecture.Bios,
        ClientArchitecture.EfiIA32 => BootArchitecture.EfiIA32,
        ClientArchitecture.EfiX64 => BootArchitecture.EfiX64,
        ClientArchitecture.EfiArm64 => BootArchitecture.EfiArm64,
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
