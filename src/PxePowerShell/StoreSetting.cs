using System.Runtime.CompilerServices;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Storage.Postgres;

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
        PostgresLeaseStorage.Connect(connectionString, serverName);

    /// <summary>The fleet's clients in the database named by <paramref name="connectionString"/>, each with the node that last saw it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IReadOnlyList<ClientRecord> Clients(string connectionString, ClientQuery query)
    {
        using var store = PostgresStore.Open(connectionString);
        using var clients = new PostgresClientStore(store);
        return clients.Query(query);
    }

    /// <summary>The fleet's DHCPv4 and DHCPv6 leases in the database, each with the server that recorded it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static (IReadOnlyList<(DhcpLease Lease, string? Server)> V4, IReadOnlyList<(DhcpLease Lease, string? Server)> V6) Leases(string connectionString)
    {
        using var store = PostgresStore.Open(connectionString);
        return (store.Leases.LoadWithServers(), store.Leases6.LoadWithServers());
    }

    /// <summary>The fleet's events in the database that match <paramref name="query"/>, each with the node that recorded it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IReadOnlyList<PxeEvent> Events(string connectionString, PxeEventQuery query)
    {
        using var store = PostgresStore.Open(connectionString);
        using var events = new PostgresEventStore(store);
        return events.Query(query);
    }
}
