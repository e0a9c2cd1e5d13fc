using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// Whether a request's giaddr can be a relay agent (RFC 2131 section 4.1, RFC 3046): replies to a relayed request go
/// to giaddr on the server port, so a giaddr that is not a unicast host address elsewhere on the network would turn the
/// server into a broadcaster (the subnet's broadcast address), a talker to itself (its own address) or a reflector
/// (loopback, multicast). Such requests are dropped and counted. Pure.
/// </summary>
internal static class DhcpRelayCheck
{
    /// <summary>
    /// Null when <paramref name="giaddr"/> is 0.0.0.0 (not relayed) or a plausible relay agent; else why it is not.
    /// <paramref name="own"/> are the server's interface addresses with their masks; <paramref name="subnets"/> further
    /// subnets (network address and mask, e.g. the scope) whose network and broadcast addresses no relay can have.
    /// </summary>
    public static string? Problem(IPAddress giaddr, IEnumerable<DhcpInterface> own, IEnumerable<(IPAddress Network, IPAddress Mask)>? subnets = null)
    {
        ArgumentNullException.ThrowIfNull(giaddr);
        ArgumentNullException.ThrowIfNull(own);
        uint g = IPv4.ToUInt32(giaddr);
        if (g == 0)
        {
            return null;
        }

        byte first = (byte)(g >> 24);
        if (g == uint.MaxValue || first >= 224 || first == 0 || first == 127)
        {
            return $"relay agent address {giaddr} is not a unicast host address (RFC 2131 4.1): dropped";
        }

        var checks = new List<(IPAddress Network, IPAddress Mask)>();
        foreach (var i in own)
        {
            if (i.Address.Equals(giaddr))
            {
                return $"relay agent address {giaddr} is this server's own address: dropped";
            }

            checks.Add((i.Address, i.SubnetMask));
        }

        if (subnets is not null)
        {
            checks.AddRange(subnets);
        }

        foreach (var (network, maskAddress) in checks)
        {
            uint mask = IPv4.ToUInt32(maskAddress);
            if (mask >= 0xFFFFFFFEu || (g & mask) != (IPv4.ToUInt32(network) & mask))
            {
                continue; // /31 and /32 have no broadcast address; another subnet says nothing
            }

            if ((g & ~mask) == ~mask)
            {
                return $"relay agent address {giaddr} is the broadcast address of {IPv4.ToAddress(g & mask)}/{maskAddress}: dropped";
            }

            if ((g & ~mask) == 0)
            {
                return $"relay agent address {giaddr} is the network address of {IPv4.ToAddress(g & mask)}/{maskAddress}: dropped";
            }
        }

        return null;
    }
}
