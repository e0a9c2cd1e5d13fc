using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Storage.Postgres;

/// <summary>The leases of one address family in the shared database; every server opens its own <see cref="PostgresLeaseStore"/>.</summary>
public sealed class PostgresLeaseStorage : ILeaseStorage
{
    private readonly PostgresStore _store;
    private readonly LeaseFamily _family;

    internal PostgresLeaseStorage(PostgresStore store, LeaseFamily family)
    {
        _store = store;
        _family = family;
    }

    /// <inheritdoc />
    public string Location => $"postgresql: {_store.Location}";

    /// <inheritdoc />
    public ILeaseStore Open() => new PostgresLeaseStore(_store, _family);

    /// <inheritdoc />
    public LeaseStoreContents Read() => new PostgresLeaseStore(_store, _family).Load();
}
