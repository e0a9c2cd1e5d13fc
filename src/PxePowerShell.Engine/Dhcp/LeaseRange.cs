using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>A range of a scope that leases are allocated from, and the addresses in it that must never be leased.</summary>
/// <param name="ScopeId">The scope (network address).</param>
/// <param name="SubnetMask">The scope's mask (a reservation of the client anywhere in the subnet wins over the range).</param>
/// <param name="StartRange">The first address of the range.</param>
/// <param name="EndRange">The last address of the range.</param>
/// <param name="Excluded">Addresses in the range never leased (the servers' own).</param>
public sealed record LeaseRange(IPAddress ScopeId, IPAddress SubnetMask, IPAddress StartRange, IPAddress EndRange, IReadOnlyList<IPAddress> Excluded)
{
    /// <summary>The range of a DHCP server's options, excluding <paramref name="excluded"/>.</summary>
    public static LeaseRange Of(DhcpServerOptions options, params IPAddress[] excluded)
    {
        ArgumentNullException.ThrowIfNull(options);
        uint network = IPv4.ToUInt32(options.StartRange) & IPv4.ToUInt32(options.SubnetMask);
        return new LeaseRange(IPv4.ToAddress(network), options.SubnetMask, options.StartRange, options.EndRange, excluded);
    }

    /// <summary>How many addresses the range spans (an IPv6 range: at most <see cref="MaxSize"/>, counted from its start).</summary>
    public long Size => EndRange.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
        ? (long)UInt128.Min(Value(EndRange) - Value(StartRange) + 1, (UInt128)MaxSize)
        : (long)IPv4.ToUInt32(EndRange) - IPv4.ToUInt32(StartRange) + 1;

    /// <summary>The most addresses of one IPv6 range a shared store allocates from (a /64 holds far more than any segment needs).</summary>
    public static long MaxSize => 65536;

    private static UInt128 Value(IPAddress address) =>
        System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(address.GetAddressBytes());
}
