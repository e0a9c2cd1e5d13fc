namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// A lease store shared by several servers that also keeps their heartbeats (the PostgreSQL store's <c>pxe_heartbeat</c>):
/// what a high-availability group (<see cref="DhcpHaOptions"/>) needs from it. Implemented beside
/// <see cref="ILeaseAllocator"/> by the <see cref="ILeaseStore"/> a server opens.
/// </summary>
public interface IHaHeartbeatStore
{
    /// <summary>
    /// Records that <paramref name="server"/> is up now (by the store's clock) and returns, for each of
    /// <paramref name="peers"/> that has ever heartbeated, the age of its last heartbeat by that same clock.
    /// </summary>
    /// <exception cref="PxeStorageException">The store could not be reached or refused the write.</exception>
    IReadOnlyDictionary<string, TimeSpan> Heartbeat(string server, IReadOnlyList<string> peers);

    /// <summary>Marks <paramref name="server"/> as gone (a server that stops): its peers take its clients at their next heartbeat.</summary>
    /// <exception cref="PxeStorageException">The store could not be reached or refused the write.</exception>
    void Leave(string server);
}
