using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Engine.Storage;

/// <summary>
/// The default storage, with nothing to configure: files in one data directory, as the module has always kept them —
/// <c>leases/leases.journal</c> and <c>leases6/leases.journal</c> (checksummed journals, fsync'd per change),
/// <c>boot-entries.json</c>, <c>clients.db</c> (SQLite) and <c>mounts.json</c>. Nothing is opened until a store is.
/// </summary>
public sealed class EmbeddedStorage : IPxeStorage
{
    /// <summary>The directory of the DHCPv4 lease journal inside the data directory.</summary>
    public const string LeasesDirectoryName = "leases";

    /// <summary>The directory of the DHCPv6 lease journal inside the data directory.</summary>
    public const string Leases6DirectoryName = "leases6";

    /// <summary>The ISO mount table's file name inside the data directory.</summary>
    public const string IsoMountsFileName = "mounts.json";

    private readonly JournalLeaseStorage _leases;
    private readonly JournalLeaseStorage _leases6;

    /// <summary>The storage in <paramref name="dataDirectory"/> (created, owner-only, when a store first writes).</summary>
    public EmbeddedStorage(string dataDirectory)
        : this(dataDirectory, null)
    {
    }

    /// <summary>
    /// The storage in <paramref name="dataDirectory"/>, with the one lease journal of both families in
    /// <paramref name="leaseDirectory"/> when given: where a DHCP or DHCPv6 server started with its own -DataDirectory
    /// keeps it (Get-PxeLease -DataDirectory reads such a directory).
    /// </summary>
    public EmbeddedStorage(string dataDirectory, string? leaseDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataDirectory);
        DataDirectory = Path.GetFullPath(dataDirectory);
        _leases = new JournalLeaseStorage(leaseDirectory ?? Path.Combine(DataDirectory, LeasesDirectoryName));
        _leases6 = leaseDirectory is null ? new JournalLeaseStorage(Path.Combine(DataDirectory, Leases6DirectoryName)) : _leases;
        BootEntries = new JsonBootEntryStorage(Path.Combine(DataDirectory, BootEntryStore.DefaultFileName));
        IsoMounts = new JsonIsoMountStorage(Path.Combine(DataDirectory, IsoMountsFileName));
    }

    /// <summary>The data directory.</summary>
    public string DataDirectory { get; }

    /// <inheritdoc />
    public string Description => "embedded: " + DataDirectory;

    /// <inheritdoc />
    public IBootEntryStorage BootEntries { get; }

    /// <inheritdoc />
    public IIsoMountStorage IsoMounts { get; }

    /// <summary>None: the events stay in the host's in-memory history (<see cref="MemoryEventStore"/>), as they always have.</summary>
    public IEventStore? Events => null;

    /// <inheritdoc />
    public ILeaseStorage Leases(LeaseFamily family) => family == LeaseFamily.IPv6 ? _leases6 : _leases;

    /// <inheritdoc />
    public IClientStore OpenClients()
    {
        try
        {
            PxeDataDirectory.Ensure(DataDirectory);
        }
        catch (Exception ex) when (EmbeddedClientStore.Translate(ex) is { } translated)
        {
            throw translated;
        }

        return EmbeddedClientStore.Open(DataDirectory);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing held: every store opened from here is owned (and disposed) by whoever opened it.
    }
}
