using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Engine.Storage;

/// <summary>
/// The storage seam: everything the engine keeps between runs (leases and reservations, boot entries, the client
/// inventory with the boot traces the events feed it, the ISO mount table, the events) is reached only through the stores this
/// gives. <see cref="EmbeddedStorage"/> (journal, JSON and SQLite files in a data directory) is the default; a shared
/// database implements this interface to let several servers share one state. The provider is owned by one
/// PxeHost and disposed with it; failures of the storage underneath reach callers as
/// <see cref="PxeStorageException"/> (or an <see cref="IOException"/> of the lease path), never as a type of the
/// storage library.
/// </summary>
public interface IPxeStorage : IDisposable
{
    /// <summary>What this is, for messages and Get-PxeServer (<c>embedded: /var/lib/pxepowershell</c>); never a secret such as a password.</summary>
    string Description { get; }

    /// <summary>The leases and reservations of one address family. Cheap; the same object for the same family.</summary>
    ILeaseStorage Leases(LeaseFamily family);

    /// <summary>
    /// Opens the client inventory; the caller owns the result and disposes it. Throws <see cref="PxeStorageException"/>
    /// when it cannot be opened (an unreadable file, a database that is down or has a newer schema).
    /// </summary>
    IClientStore OpenClients();

    /// <summary>Where the boot entries live. Cheap; the same object every time.</summary>
    IBootEntryStorage BootEntries { get; }

    /// <summary>Where the ISO mount table is kept. Cheap; the same object every time.</summary>
    IIsoMountStorage IsoMounts { get; }

    /// <summary>
    /// Where the events are kept beyond the host's in-memory history, or null when they are not (the embedded
    /// default: <see cref="EventHub"/>'s <see cref="MemoryEventStore"/> of <c>EventHistorySize</c> events). The host's
    /// hub writes a store given here through a background writer (a failing store costs counted drops, never a blocked
    /// server) and <c>Get-PxeEvent</c> reads it. Owned by this storage; the same object every time.
    /// </summary>
    IEventStore? Events { get; }
}
