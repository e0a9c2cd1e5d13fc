using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>An address in the pool and who has it (properties like Get-DhcpServerv4Lease).</summary>
public sealed record DhcpLease
{
    /// <summary>The address.</summary>
    public required IPAddress IPAddress { get; init; }

    /// <summary>The scope (network address).</summary>
    public IPAddress? ScopeId { get; init; }

    /// <summary>The client's hardware address, <c>aa-bb-cc-dd-ee-ff</c> (empty for a declined address).</summary>
    public required string ClientId { get; init; }

    /// <summary>Same as <see cref="ClientId"/>.</summary>
    public string MacAddress => ClientId;

    /// <summary>The client's host name (option 12), if it sent one.</summary>
    public string? HostName { get; init; }

    /// <summary>The state.</summary>
    public required AddressState AddressState { get; init; }

    /// <summary>When the lease (or offer, or quarantine) ends; null for an inactive reservation.</summary>
    public DateTimeOffset? LeaseExpiryTime { get; init; }
}
