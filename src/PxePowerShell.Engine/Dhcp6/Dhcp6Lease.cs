using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>An IPv6 address of a full DHCPv6 server's range and who holds it (properties like Get-DhcpServerv6Lease).</summary>
public sealed record Dhcp6Lease
{
    /// <summary>The address.</summary>
    public required IPAddress IPAddress { get; init; }

    /// <summary>The /64 prefix of the range.</summary>
    public IPAddress? ScopeId { get; init; }

    /// <summary>The client DUID as hyphenated hex (of the client that declined it, for a declined address).</summary>
    public required string Duid { get; init; }

    /// <summary>Same as <see cref="Duid"/> (Get-DhcpServerv6Lease's name).</summary>
    public string ClientDuid => Duid;

    /// <summary>Same as <see cref="Duid"/>: the identifier the lease is kept under.</summary>
    public string ClientId => Duid;

    /// <summary>The client's MAC address when its DUID is link-layer based (DUID-LL, DUID-LLT), else null.</summary>
    public string? MacAddress { get; init; }

    /// <summary>The identity association the address was granted in; null when not seen since the server started.</summary>
    public uint? Iaid { get; init; }

    /// <summary>The state.</summary>
    public required AddressState AddressState { get; init; }

    /// <summary>When the lease (offer, probation) ends.</summary>
    public DateTimeOffset? LeaseExpiryTime { get; init; }

    /// <summary>The IPv6 view of a lease the pool keeps (its ClientId is the DUID).</summary>
    public static Dhcp6Lease From(DhcpLease lease, uint? iaid)
    {
        ArgumentNullException.ThrowIfNull(lease);
        return new Dhcp6Lease
        {
            IPAddress = lease.IPAddress,
            ScopeId = lease.ScopeId,
            Duid = lease.ClientId,
            MacAddress = Dhcp6Duid.TryParse(lease.ClientId, out var bytes) ? Dhcp6Duid.MacAddressOf(bytes) : null,
            Iaid = iaid,
            AddressState = lease.AddressState,
            LeaseExpiryTime = lease.LeaseExpiryTime,
        };
    }
}
