namespace PxePowerShell.Engine.Dhcp;

/// <summary>Durable storage of leases and reservations for the full DHCP server.</summary>
public interface ILeaseStore : IDisposable
{
    /// <summary>The stored leases and reservations.</summary>
    LeaseStoreContents Load();

    /// <summary>Stores a lease durably before returning (the server acknowledges only after this).</summary>
    void SaveLease(DhcpLease lease);

    /// <summary>Forgets the lease of an address.</summary>
    void DeleteLease(System.Net.IPAddress address);

    /// <summary>Stores a reservation.</summary>
    void SaveReservation(DhcpReservation reservation);

    /// <summary>Forgets a reservation.</summary>
    void DeleteReservation(System.Net.IPAddress address);
}
