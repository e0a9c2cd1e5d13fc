using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// Allocation as one store operation, so that several servers sharing a store never lease one address twice: the
/// client's reservation, else its current or previous address in the range, else the requested address, else a free
/// one, chosen and written in one step (one database transaction for a shared store). The embedded default is
/// <see cref="PoolLeaseAllocator"/>, the in-memory <see cref="LeasePool"/> of one server.
/// </summary>
public interface ILeaseAllocator
{
    /// <summary>
    /// Gives <paramref name="clientId"/> an address of <paramref name="range"/> in state <paramref name="state"/>
    /// (Offered for a DISCOVER, Active for a REQUEST) until <paramref name="now"/> + <paramref name="duration"/>,
    /// durably before returning (an offer may be recorded without waiting for the disk: a crash may forget an offer, never
    /// an acknowledged lease); null when the range is exhausted. Safe to call from several threads at once.
    /// </summary>
    DhcpLease? TryAllocate(LeaseRange range, string clientId, string? hostName, IPAddress? requested, DateTimeOffset now, TimeSpan duration, AddressState state);

    /// <summary>
    /// Makes ready what allocating from <paramref name="range"/> needs (a shared store: the range's rows), so that a
    /// server does it as it starts rather than at its first client; nothing by default.
    /// </summary>
    void Prepare(LeaseRange range)
    {
    }
}
