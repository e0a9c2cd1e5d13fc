using System.Globalization;
using System.Text.Json.Serialization;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// One thing a client can boot, written once and rendered into every menu format (pxelinux/syslinux, iPXE, GRUB).
/// Paths are boot-namespace paths ("debian-installer/amd64/linux", no leading '/') or absolute http://, https:// or
/// tftp:// URLs. Arguments may use the placeholders <c>{server}</c> (the boot server's address) and <c>{http}</c>
/// (the HTTP base URL without a trailing '/'), replaced when a menu is rendered.
/// </summary>
public sealed record BootEntry
{
    /// <summary>Longest accepted name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The unique, identifier-like name (letters, digits, '.', '_', '-'; starts with a letter or digit). Names compare case-insensitively.</summary>
    public required string Name { get; init; }

    /// <summary>The text shown in menus; the <see cref="Name"/> when null. In pxelinux a '^' marks the hotkey; other formats drop it.</summary>
    public string? Label { get; init; }

    /// <summary>Help text shown under the menu (pxelinux TEXT HELP); may span lines.</summary>
    public string? HelpText { get; init; }

    /// <summary>What the entry boots.</summary>
    public BootEntryKind Kind { get; init; } = BootEntryKind.Linux;

    /// <summary>The platforms the entry applies to.</summary>
    public BootArchitecture Architecture { get; init; } = BootArchitecture.All;

    /// <summary>The loaders (menu formats) the entry appears in.</summary>
    public BootLoader Loader { get; init; } = BootLoader.All;

    /// <summary>The kernel (Linux), hypervisor (Multiboot: xen.gz) or image (Image: memtest86+).</summary>
    public string? Kernel { get; init; }

    /// <summary>Initrd images (Linux), loaded in order.</summary>
    public IReadOnlyList<string> Initrd { get; init; } = [];

    /// <summary>The kernel or hypervisor command line.</summary>
    public string? Arguments { get; init; }

    /// <summary>The modules after the hypervisor (Multiboot): dom0 kernel, its initrd.</summary>
    public IReadOnlyList<MultibootModule> Modules { get; init; } = [];

    /// <summary>The boot program or URL to chain to (Chainload).</summary>
    public string? ChainTarget { get; init; }

    /// <summary>The configuration to include (ConfigInclude): a pxelinux config, an iPXE script or a grub.cfg.</summary>
    public string? ConfigPath { get; init; }

    /// <summary>True when this entry is the menu's default for its platforms (one per platform and client scope).</summary>
    public bool IsDefault { get; init; }

    /// <summary>Position in menus (ascending; ties by name).</summary>
    public int Order { get; init; }

    /// <summary>Clients this entry is limited to, by MAC address (normalized aa-bb-cc-dd-ee-ff). Empty with <see cref="Uuids"/> empty: everyone.</summary>
    public IReadOnlyList<string> MacAddresses { get; init; } = [];

    /// <summary>Clients this entry is limited to, by SMBIOS UUID (normalized lower-case 8-4-4-4-12).</summary>
    public IReadOnlyList<string> Uuids { get; init; } = [];

    /// <summary>The text menus show: <see cref="Label"/> or <see cref="Name"/>.</summary>
    [JsonIgnore]
    public string DisplayLabel => string.IsNullOrEmpty(Label) ? Name : Label;

    /// <summary>True when the entry is limited to some clients.</summary>
    [JsonIgnore]
    public bool IsTargeted => MacAddresses.Count > 0 || Uuids.Count > 0;

    /// <summary>True when the entry applies to <paramref name="client"/> (untargeted entries apply to everyone, including unknown clients).</summary>
    public bool AppliesTo(BootClient? client)
    {
        if (!IsTargeted)
        {
            return true;
        }

        if (client is null)
        {
            return false;
        }

        if (client.MacAddress is { } mac)
        {
            foreach (var m in MacAddresses)
            {
                if (string.Equals(m, mac, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        if (client.Uuid is { } uuid)
        {
            foreach (var u in Uuids)
            {
                if (string.Equals(u, uuid, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="name"/> is a valid entry name.</summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || !char.IsAsciiLetterOrDigit(name[0]))
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_' && c != '.')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Normalizes a MAC address given in any common notation (aa:bb:cc:dd:ee:ff, AA-BB-CC-DD-EE-FF, aabb.ccdd.eeff,
    /// aabbccddeeff, or pxelinux's 01-aa-bb-…) to lower-case hyphenated form; false when it is not a 6-byte address.
    /// </summary>
    public static bool TryNormalizeMacAddress(string? value, out string normalized)
    {
        string? text = value?.Trim();
        if (text is { Length: 20 } && text.StartsWith("01-", StringComparison.Ordinal))
        {
            text = text[3..]; // pxelinux's ARP type prefix "01-"
        }

        bool ok = MacAddress.TryNormalize(text, out var mac);
        normalized = mac ?? string.Empty;
        return ok;
    }

    /// <summary>Normalizes a UUID to lower-case 8-4-4-4-12 form (as pxelinux and iPXE print it); false when it does not parse.</summary>
    public static bool TryNormalizeUuid(string? value, out string normalized)
    {
        normalized = string.Empty;
        if (string.IsNullOrWhiteSpace(value) || !Guid.TryParse(value.Trim(), out var guid))
        {
            return false;
        }

        normalized = guid.ToString("D", CultureInfo.InvariantCulture);
        return true;
    }
}
