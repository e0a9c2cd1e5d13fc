namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// Durable storage of leases and reservations for a DHCP (or DHCPv6) server, opened by <see cref="ILeaseStorage.Open"/>.
/// Synchronous by design: the lease pool calls it from the receive path and acknowledges a lease only after the call
/// returned. The pool decides which address to offer; the store makes that decision durable. A store shared by several
/// servers must make <see cref="SaveLease"/> conditional (a transaction that refuses an address another client holds
/// unexpired) and throw an <see cref="IOException"/> (the engine's PxeStorageException is one) when it refuses or
/// cannot write: the server then sends nothing for that request and the client retries, so no address is acknowledged
/// twice. Implementations are safe to call from several threads.
/// </summary>
public interface ILeaseStore : IDisposable
{
    /// <summary>The stored leases and reservations, as they were when the store was opened (expired leases included).</summary>
    LeaseStoreContents Load();

    /// <summary>
    /// Stores (adds or replaces) the lease of <see cref="DhcpLease.IPAddress"/>. Durable before return: the server
    /// acknowledges only after this, so a crash right after must not lose it. Throws an
    /// <see cref="IOException"/> when it cannot be stored or is refused (the client then gets no acknowledgement).
    /// </summary>
    void SaveLease(DhcpLease lease);

    /// <summary>Forgets the lease of an address (released, declined or removed); durable before return; no error when there is none.</summary>
    void DeleteLease(System.Net.IPAddress address);

    /// <summary>Stores (adds or replaces) a reservation; durable before return.</summary>
    void SaveReservation(DhcpReservation reservation);

    /// <summary>Forgets the reservation of an address; durable before return; no error when there is none.</summary>
    void DeleteReservation(System.Net.IPAddress address);
}
