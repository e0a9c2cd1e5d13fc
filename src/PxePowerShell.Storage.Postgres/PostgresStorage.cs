using PxePowerShell.Engine;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Iso;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Storage.Postgres;

/// <summary>
/// The storage seam over a shared PostgreSQL database (docs/fleet.md): leases and reservations of both families, the
/// boot entries, each server's ISO mount table, the fleet's one client inventory and its events, all in the database.
/// </summary>
/// <param name="store">The opened database; owned (disposed) by this storage.</param>
/// <param name="local">The embedded storage of this server's data directory (nothing of the seam is kept there; disposed with this).</param>
public sealed class PostgresStorage(PostgresStore store, IPxeStorage local) : IPxeStorage
{
    private readonly PostgresLeaseStorage _leases = new(store, LeaseFamily.IPv4);
    private readonly PostgresLeaseStorage _leases6 = new(store, LeaseFamily.IPv6);

    /// <inheritdoc />
    public string Description => $"postgresql: {store.Location} as {store.ServerName}";

    /// <inheritdoc />
    public IBootEntryStorage BootEntries { get; } = new PostgresBootEntryStorage(store);

    /// <inheritdoc />
    public IIsoMountStorage IsoMounts { get; } = new PostgresIsoMountStorage(store);

    /// <summary>The fleet's events (<c>pxe_event</c>), written through by the host's hub.</summary>
    public PostgresEventStore EventStore { get; } = new(store);

    /// <inheritdoc />
    public IEventStore? Events => EventStore;

    /// <summary>The database.</summary>
    public PostgresStore Store => store;

    /// <summary>Opens the database named by <paramref name="connectionString"/> (migrating it) with the client inventory in <paramref name="dataDirectory"/>.</summary>
    /// <exception cref="PxeStorageException">The setting is invalid, the database unreachable, or its schema newer than this module's.</exception>
    public static PostgresStorage Open(string connectionString, string dataDirectory, string? serverName = null) =>
        new(PostgresStore.Open(connectionString, serverName), new EmbeddedStorage(dataDirectory));

    /// <inheritdoc />
    public ILeaseStorage Leases(LeaseFamily family) => family == LeaseFamily.IPv6 ? _leases6 : _leases;

    /// <inheritdoc />
    public IClientStore OpenClients() => new PostgresClientStore(store);

    /// <inheritdoc />
    public void Dispose()
    {
        store.Dispose();
        local.Dispose();
    }
}
