using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Boot;

/// <summary>Parsing and mapping helpers for <see cref="BootArchitecture"/>.</summary>
public static class BootArchitectures
{
    private static readonly BootArchitecture[] SingleValues = Enum.GetValues<BootArchitecture>()
        .Where(static v => v != BootArchitecture.None && ((int)v & ((int)v - 1)) == 0)
        .Order()
        .ToArray();

    // The one mapping between the two enums: a single platform is named after the option 93 architecture it stands for.
    private static readonly Dictionary<ClientArchitecture, BootArchitecture> PlatformOf = SingleValues
        .Select(static p => (Ok: Enum.TryParse(p.ToString(), out ClientArchitecture client) && Enum.IsDefined(client), Client: client, Platform: p))
        .Where(static x => x.Ok)
        .ToDictionary(static x => x.Client, static x => x.Platform);

    /// <summary>
    /// The single platforms (every one-bit value of <see cref="BootArchitecture"/>), in the order menus are generated:
    /// Bios, EfiIA32, EfiX64, EfiArm64, EfiArm32, EfiRiscV64, EfiLoongArch64.
    /// </summary>
    public static IReadOnlyList<BootArchitecture> Singles => SingleValues;

    /// <summary>The names a user can give, for messages: the single platforms, Efi and All.</summary>
    public static string Names { get; } = string.Join(", ", SingleValues) + ", Efi or All";

    /// <summary>
    /// Parses one architecture name, case-insensitively. Accepts the enum names, "All"/"Any", "Efi", every client
    /// architecture name of DHCP option 93 (<see cref="ClientArchitecture"/>) that boots as one of the platforms — the
    /// HTTP-boot names ("EfiX64Http" → EfiX64, "EfiArm64Http" → EfiArm64, "EfiRiscV64Http" → EfiRiscV64, "BiosHttp" → Bios ...) and
    /// "EfiBC" (what x64 firmware sends) — plus the common aliases "x86"/"pc"/"pcbios" (Bios), "x64"/"amd64"/"x86_64"
    /// (EfiX64), "ia32"/"i386" (EfiIA32), "arm64"/"aarch64" (EfiArm64), "arm"/"arm32"/"armhf" (EfiArm32), "riscv64" (EfiRiscV64),
    /// "loongarch64"/"loong64" (EfiLoongArch64).
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
            case "arm":
            case "arm32":
            case "armhf":
                architecture = BootArchitecture.EfiArm32;
                return true;
            case "riscv64":
                architecture = BootArchitecture.EfiRiscV64;
                return true;
            case "loongarch64":
            case "loong64":
                architecture = BootArchitecture.EfiLoongArch64;
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
    /// Maps a client system architecture (DHCP option 93) to the platform whose menus it reads: the platform named after
    /// its PXE architecture (<see cref="ClientArchitectures.WithoutHttp"/>), so an HTTP-boot architecture counts as its PXE
    /// one and 7 (EFI BC) as x64 UEFI; null for architectures no platform stands for (Itanium, RISC-V 32/128, U-Boot,
    /// LoongArch32, ...), which boot from their boot file alone.
    /// </summary>
    public static BootArchitecture? FromClientArchitecture(ClientArchitecture architecture) =>
        PlatformOf.TryGetValue(ClientArchitectures.WithoutHttp(architecture), out var platform) ? platform : null;

    /// <summary>The option 93 (PXE) architecture a single platform stands for; null for a set or None.</summary>
    public static ClientArchitecture? ToClientArchitecture(BootArchitecture platform)
    {
        foreach (var (client, single) in PlatformOf)
        {
            if (single == platform)
            {
                return client;
            }
        }

        return null;
    }

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
