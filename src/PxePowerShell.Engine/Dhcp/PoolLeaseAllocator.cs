using System.Net;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// The embedded default of <see cref="ILeaseAllocator"/>: one server's in-memory <see cref="LeasePool"/> (written through
/// to its journal), serialized by a lock, with the pool's own range and lease durations (<paramref name="pool"/>'s options).
/// </summary>
/// <param name="pool">The pool; nothing else may use it at the same time.</param>
internal sealed class PoolLeaseAllocator(LeasePool pool) : ILeaseAllocator
{
    private readonly object _gate = new();

    /// <inheritdoc />
    public DhcpLease? TryAllocate(LeaseRange range, string clientId, string? hostName, IPAddress? requested, DateTimeOffset now, TimeSpan duration, AddressState state)
    {
        ArgumentNullException.ThrowIfNull(range);
        string mac = MacAddress.TryNormalizeHardwareAddress(clientId, out var normalized) ? normalized : clientId; // a client identifier (option 61) stays as it is
        lock (_gate)
        {
            foreach (var excluded in range.Excluded)
            {
                pool.Exclude(excluded);
            }

            if (pool.Choose(mac, requested is null ? null : IPv4.ToUInt32(requested), now) is not uint address)
            {
                return null;
            }

            if (state == AddressState.Offered)
            {
                pool.Offer(address, mac, hostName, now);
                return new DhcpLease { IPAddress = IPv4.ToAddress(address), ScopeId = range.ScopeId, ClientId = mac, HostName = hostName, AddressState = AddressState.Offered, LeaseExpiryTime = now + duration };
            }

            return pool.Commit(address, mac, hostName, now);
        }
    }
}
