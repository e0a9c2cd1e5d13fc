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
    public static ILeaseStorage Leases(string connectionString, string serverName) =>
        Storage.Postgres.PostgresLeaseStorage.Connect(connectionString, serverName);
}
