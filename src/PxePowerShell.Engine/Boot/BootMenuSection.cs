using System.Collections.Immutable;

namespace PxePowerShell.Engine.Boot;

/// <summary>
/// One distinct menu of a dispatching script (iPXE, GRUB): the menu and every (client, platform) key that gets it.
/// Keys read "&lt;client&gt;-&lt;platform&gt;", the client being "default", "m-aa-bb-cc-dd-ee-ff" or "u-&lt;uuid&gt;".
/// </summary>
/// <param name="Number">The section's number (0 for the first), used to keep labels unique.</param>
/// <param name="Keys">The dispatch keys that select this section.</param>
/// <param name="Menu">The menu (its Client and Architecture are those of the first key).</param>
internal sealed record BootMenuSection(int Number, ImmutableArray<string> Keys, BootMenu Menu)
{
    /// <summary>
    /// Plans the sections of a dispatching script for <paramref name="format"/>: one per distinct menu over every client
    /// that some entry targets (plus unknown clients) and every platform in <paramref name="platformKeys"/>.
    /// </summary>
    public static IReadOnlyList<BootMenuSection> Plan(
        BootConfiguration configuration,
        BootMenuFormat format,
        IReadOnlyList<(BootArchitecture Architecture, string Key)> platformKeys,
        bool includeUuids)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(platformKeys);
        var sections = new List<(string Content, List<string> Keys, BootMenu Menu)>();
        foreach (var (clientKey, client) in Clients(configuration, includeUuids))
        {
            foreach (var (architecture, platformKey) in platformKeys)
            {
                var menu = BootMenu.Select(configuration, format, architecture, client);
                string content = menu.ContentKey;
                string key = clientKey + "-" + platformKey;
                int found = sections.FindIndex(s => s.Content == content && SameBehaviour(s.Menu, menu));
                if (found >= 0)
                {
                    sections[found].Keys.Add(key);
                }
                else
                {
                    sections.Add((content, [key], menu));
                }
            }
        }

        var result = new List<BootMenuSection>(sections.Count);
        for (int i = 0; i < sections.Count; i++)
        {
            result.Add(new BootMenuSection(i, [.. sections[i].Keys], sections[i].Menu));
        }

        return result;
    }

    /// <summary>The client keys of a configuration: "default" first, then each targeted UUID and MAC address.</summary>
    public static IReadOnlyList<(string Key, BootClient? Client)> Clients(BootConfiguration configuration, bool includeUuids)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var list = new List<(string, BootClient?)> { ("default", null) };
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (includeUuids)
        {
            foreach (var entry in configuration.Entries)
            {
                foreach (var uuid in entry.Uuids)
                {
                    if (seen.Add("u-" + uuid))
                    {
                        list.Add(("u-" + uuid.ToLowerInvariant(), new BootClient(null, uuid)));
                    }
                }
            }
        }

        foreach (var entry in configuration.Entries)
        {
            foreach (var mac in entry.MacAddresses)
            {
                if (seen.Add("m-" + mac))
                {
                    list.Add(("m-" + mac.ToLowerInvariant(), new BootClient(mac)));
                }
            }
        }

        return list;
    }

    /// <summary>Local boot renders differently on BIOS and UEFI, so menus holding it are only shared within one side.</summary>
    private static bool SameBehaviour(BootMenu a, BootMenu b)
    {
        bool differs = (a.Architecture == BootArchitecture.Bios) != (b.Architecture == BootArchitecture.Bios);
        if (!differs)
        {
            return true;
        }

        foreach (var entry in a.Entries)
        {
            if (entry.Kind == BootEntryKind.LocalBoot)
            {
                return false;
            }

            if (entry.Kind == BootEntryKind.Linux && entry.Initrd.Count > 0)
            {
                return false; // iPXE adds initrd= for UEFI kernels
            }
        }

        return true;
    }
}
