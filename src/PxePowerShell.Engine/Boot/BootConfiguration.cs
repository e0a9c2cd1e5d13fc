using System.Collections.Immutable;

namespace PxePowerShell.Engine.Boot;

/// <summary>An immutable snapshot of the boot setup: menu settings and entries. Renderers and menu sources work on snapshots.</summary>
/// <param name="Settings">Menu-wide settings.</param>
/// <param name="Entries">The entries, in stored order.</param>
/// <param name="LastModified">When the setup last changed.</param>
public sealed record BootConfiguration(BootMenuSettings Settings, ImmutableArray<BootEntry> Entries, DateTimeOffset LastModified)
{
    /// <summary>An empty setup.</summary>
    public static BootConfiguration Empty { get; } = new(new BootMenuSettings(), ImmutableArray<BootEntry>.Empty, DateTimeOffset.UnixEpoch);

    /// <summary>A snapshot of <paramref name="entries"/> with default settings.</summary>
    public static BootConfiguration Create(IEnumerable<BootEntry> entries, BootMenuSettings? settings = null, DateTimeOffset? lastModified = null) =>
        new(settings ?? new BootMenuSettings(), entries.ToImmutableArray(), lastModified ?? DateTimeOffset.UnixEpoch);

    /// <summary>The entry named <paramref name="name"/> (case-insensitive), or null.</summary>
    public BootEntry? Find(string name)
    {
        foreach (var entry in Entries)
        {
            if (string.Equals(entry.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>True when some entry is limited to the client with MAC address <paramref name="macAddress"/> (normalized).</summary>
    public bool TargetsMac(string macAddress)
    {
        foreach (var entry in Entries)
        {
            foreach (var mac in entry.MacAddresses)
            {
                if (string.Equals(mac, macAddress, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True when some entry is limited to the client with UUID <paramref name="uuid"/> (normalized).</summary>
    public bool TargetsUuid(string uuid)
    {
        foreach (var entry in Entries)
        {
            foreach (var u in entry.Uuids)
            {
                if (string.Equals(u, uuid, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
