using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Storage.Postgres;

/// <summary>The leases of one address family in the shared database; every server opens its own <see cref="PostgresLeaseStore"/>.</summary>
public sealed class PostgresLeaseStorage : ILeaseStorage
{
    private readonly PostgresStore? _store;
    private readonly string? _connectionString;
    private readonly string? _serverName;
    private readonly LeaseFamily _family;

    internal PostgresLeaseStorage(PostgresStore store, LeaseFamily family)
    {
        _store = store;
        _family = family;
        Location = $"postgresql: {store.Location}";
    }

    private PostgresLeaseStorage(string connectionString, string? serverName, LeaseFamily family)
    {
        _connectionString = connectionString;
        _serverName = serverName;
        _family = family;
        Location = "postgresql";
    }

    /// <inheritdoc />
    public string Location { get; private set; }

    /// <summary>
    /// The leases of the database named by <paramref name="connectionString"/>, connected (and migrated) when a server
    /// opens them at its start: <c>Start-PxeDhcpServer -Store</c>. The opened store owns its connections.
    /// </summary>
    public static PostgresLeaseStorage Connect(string connectionString, string? serverName = null, LeaseFamily family = LeaseFamily.IPv4)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        return new PostgresLeaseStorage(connectionString, serverName, family);
    }

    /// <inheritdoc />
    public ILeaseStore Open()
    {
        if (_store is not null)
        {
            return new PostgresLeaseStore(_store, _family);
        }

        var store = PostgresStore.Open(_connectionString!, _serverName);
        Location = $"postgresql: {store.Location}";
        return new PostgresLeaseStore(store, _family, owned: true);
    }

    /// <inheritdoc />
    public LeaseStoreContents Read()
    {
        using var store = Open();
        return store.Load();
    }
}
