namespace PxePowerShell.Engine.Storage;

/// <summary>Which leases: DHCPv4 (<c>leases/</c> embedded) or DHCPv6 (<c>leases6/</c>).</summary>
public enum LeaseFamily
{
    /// <summary>DHCPv4 leases and reservations.</summary>
    IPv4,

    /// <summary>DHCPv6 address leases.</summary>
    IPv6,
}
