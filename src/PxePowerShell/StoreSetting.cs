using System.Runtime.CompilerServices;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell;

/// <summary>
/// The one place the cmdlets name the PostgreSQL store, so that its assembly (and Npgsql) load only when a -Store
/// setting is given: the embedded default never loads them.
/// </summary>
internal static class StoreSetting
{
    /// <summary>The leases of the database named by <paramref name="connectionString"/>, connected when the server starts.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ILeaseStorage Leases(string connectionString, string serverName, Engine.Storage.LeaseFamily family = Engine.Storage.LeaseFamily.IPv4) =>
        Storage.Postgres.PostgresLeaseStorage.Connect(connectionString, serverName, family);

    /// <summary>
    /// The storage of the database named by <paramref name="connectionString"/> for one server (Start-PxeServer -Store,
    /// the configuration's Store key): opened and migrated now, the client inventory in <paramref name="dataDirectory"/>.
    /// </summary>
    /// <exception cref="Engine.PxeStorageException">The setting is invalid, the database unreachable, or its schema newer.</exception>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static Engine.Storage.IPxeStorage Open(string connectionString, string serverName, string dataDirectory) =>
        Storage.Postgres.PostgresStorage.Open(connectionString, dataDirectory, serverName);
}
