using System.Collections.Immutable;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// The menu one client sees on one platform in one format: the entries that apply (platform, loader, client targeting,
/// what the loader can boot on that platform), in order, with the default and the menu settings.
/// </summary>
/// <param name="Title">The menu title.</param>
/// <param name="Timeout">Time before the default boots; zero waits for ever.</param>
/// <param name="Prompt">pxelinux PROMPT flag.</param>
/// <param name="Format">The format the menu is for.</param>
/// <param name="Architecture">The single platform the menu is for.</param>
/// <param name="Client">The client the menu is for; null for the menu of unknown clients.</param>
/// <param name="Entries">The entries, in menu order.</param>
/// <param name="Default">The default entry, or null (the first entry is highlighted).</param>
public sealed record BootMenu(
    string Title,
    TimeSpan Timeout,
    bool Prompt,
    BootMenuFormat Format,
    BootArchitecture Architecture,
    BootClient? Client,
    ImmutableArray<BootEntry> Entries,
    BootEntry? Default)
{
    /// <summary>
    /// Chooses the menu for <paramref name="client"/> (null: unknown clients, who see only untargeted entries) on
    /// <paramref name="architecture"/> (a single platform) in <paramref name="format"/>. A client sees the untargeted
    /// entries plus those targeted at it; a targeted default wins over the general one.
    /// </summary>
    public static BootMenu Select(BootConfiguration configuration, BootMenuFormat format, BootArchitecture architecture, BootClient? client = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (!BootArchitectures.Singles.Contains(architecture))
        {
            throw new ArgumentException($"A menu is chosen for one platform, not '{architecture}'.", nameof(architecture));
        }

        var loader = LoaderOf(format);
        var chosen = new List<BootEntry>();
        foreach (var entry in configuration.Entries)
        {
            if ((entry.Architecture & architecture) != 0
                && (entry.Loader & loader) != 0
                && entry.AppliesTo(client)
                && CanBoot(entry, format, architecture)
                && IsWellFormed(entry))
            {
                chosen.Add(entry);
            }
        }

        chosen.Sort(static (a, b) =>
        {
            int byOrder = a.Order.CompareTo(b.Order);
            return byOrder != 0 ? byOrder : StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name);
        });

        BootEntry? general = null;
        BootEntry? targeted = null;
        foreach (var entry in chosen)
        {
            if (!entry.IsDefault)
            {
                continue;
            }

            if (entry.IsTargeted)
            {
                targeted ??= entry;
            }
            else
            {
                general ??= entry;
            }
        }

        var settings = configuration.Settings;
        return new BootMenu(settings.Title, settings.Timeout, settings.Prompt, format, architecture, client, [.. chosen], targeted ?? general);
    }

    /// <summary>The loader whose entries a format shows.</summary>
    public static BootLoader LoaderOf(BootMenuFormat format) => format switch
    {
        BootMenuFormat.Pxelinux or BootMenuFormat.Syslinux => BootLoader.Pxelinux,
        BootMenuFormat.Ipxe => BootLoader.Ipxe,
        BootMenuFormat.Grub => BootLoader.Grub,
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>
    /// True when the loader behind <paramref name="format"/> can boot the entry's kind on <paramref name="architecture"/>:
    /// multiboot needs mboot.c32 (pxelinux on BIOS only), iPXE's multiboot (BIOS only) or GRUB's multiboot2;
    /// pxelinux.cfg served to BIOS clients is never shown to syslinux.efi and the other way round, and platforms without a
    /// syslinux.efi (ARM32, RISC-V, LoongArch) have empty syslinux menus.
    /// </summary>
    public static bool CanBoot(BootEntry entry, BootMenuFormat format, BootArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (format == BootMenuFormat.Pxelinux && architecture != BootArchitecture.Bios)
        {
            return false;
        }

        if (format == BootMenuFormat.Syslinux && !BootMenuLayout.HasSyslinuxEfi(architecture))
        {
            return false;
        }

        if (entry.Kind == BootEntryKind.Multiboot)
        {
            return format == BootMenuFormat.Grub || architecture == BootArchitecture.Bios;
        }

        return true;
    }

    /// <summary>An entry with shape errors (a hand-edited file) is left out of menus rather than rendered half.</summary>
    private static bool IsWellFormed(BootEntry entry)
    {
        foreach (var issue in BootEntryValidator.CheckShape(entry))
        {
            if (issue.Severity == BootIssueSeverity.Error)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A key that is equal for menus that render the same (same entries, same default).</summary>
    internal string ContentKey
    {
        get
        {
            var builder = new System.Text.StringBuilder();
            builder.Append(Default?.Name).Append('|');
            foreach (var entry in Entries)
            {
                builder.Append(entry.Name).Append(',');
            }

            return builder.ToString();
        }
    }
}
