using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Tests.Storage;

/// <summary>A lease storage in memory, for proving what a server writes goes through the seam and nowhere else.</summary>
internal sealed class InMemoryLeaseStorage : ILeaseStorage, ILeaseStore
{
    private readonly object _gate = new();
    private readonly Dictionary<IPAddress, DhcpLease> _leases = [];
    private readonly Dictionary<IPAddress, DhcpReservation> _reservations = [];

    public int Opened { get; private set; }

    public string Location => "memory";

    public IReadOnlyList<DhcpLease> Leases
    {
        get
        {
            lock (_gate)
            {
                return [.. _leases.Values];
            }
        }
    }

    public ILeaseStore Open()
    {
        lock (_gate)
        {
            Opened++;
            return this;
        }
    }

    public LeaseStoreContents Read() => Load();

    public LeaseStoreContents Load()
    {
        lock (_gate)
        {
            return new LeaseStoreContents([.. _leases.Values], [.. _reservations.Values], 0);
        }
    }

    public void SaveLease(DhcpLease lease)
    {
        lock (_gate)
        {
            _leases[lease.IPAddress] = lease;
        }
    }

    public void DeleteLease(IPAddress address)
    {
        lock (_gate)
        {
            _leases.Remove(address);
        }
    }

    public void SaveReservation(DhcpReservation reservation)
    {
        lock (_gate)
        {
            _reservations[reservation.IPAddress] = reservation;
        }
    }

    public void DeleteReservation(IPAddress address)
    {
        lock (_gate)
        {
            _reservations.Remove(address);
        }
    }

    public void Dispose()
    {
    }
}
