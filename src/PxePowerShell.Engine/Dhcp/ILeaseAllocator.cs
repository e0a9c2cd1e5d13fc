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
    /// durably before returning; null when the range is exhausted.
    /// </summary>
    DhcpLease? TryAllocate(LeaseRange range, string clientId, string? hostName, IPAddress? requested, DateTimeOffset now, TimeSpan duration, AddressState state);
}
