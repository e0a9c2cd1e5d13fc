using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>A network interface a DHCP server listens on, with the IPv4 address it answers as.</summary>
/// <param name="Name">The interface name (eth0).</param>
/// <param name="Index">The interface index.</param>
/// <param name="Address">The IPv4 address (server identifier).</param>
/// <param name="SubnetMask">The address's subnet mask.</param>
/// <param name="IsLoopback">True for the loopback interface (replies to it are never broadcast).</param>
public sealed record DhcpInterface(string Name, int Index, IPAddress Address, IPAddress SubnetMask, bool IsLoopback)
{
    /// <summary>Every up interface with an IPv4 address (one entry per address).</summary>
    public static IReadOnlyList<DhcpInterface> All()
    {
        var list = new List<DhcpInterface>();
        foreach (var nic in Net.NetworkInterfaces.GetAll())
        {
            if (nic.OperationalStatus is OperationalStatus.Down or OperationalStatus.NotPresent)
            {
                continue;
            }

            IPInterfaceProperties props;
            int index;
            try
            {
                props = nic.GetIPProperties();
                index = props.GetIPv4Properties()?.Index ?? -1;
            }
            catch (NetworkInformationException)
            {
                continue;
            }

            foreach (var u in props.UnicastAddresses)
            {
                if (u.Address.AddressFamily == AddressFamily.InterNetwork)
                {
                    list.Add(new DhcpInterface(nic.Name, index, u.Address, u.IPv4Mask, nic.NetworkInterfaceType == NetworkInterfaceType.Loopback || IPAddress.IsLoopback(u.Address)));
                }
            }
        }

        return list;
    }

    /// <summary>The mask of this machine's interface whose subnet holds <paramref name="address"/>, else null.</summary>
    public static IPAddress? SubnetMaskFor(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        uint value = IPv4.ToUInt32(address);
        foreach (var iface in All())
        {
            uint mask = IPv4.ToUInt32(iface.SubnetMask);
            if ((IPv4.ToUInt32(iface.Address) & mask) == (value & mask))
            {
                return iface.SubnetMask;
            }
        }

        return null;
    }

    /// <summary>
    /// The interfaces named by <paramref name="names"/> and <paramref name="addresses"/>; when both are empty, those
    /// <paramref name="fallback"/> selects. Throws <see cref="ArgumentException"/> naming an unknown interface or address.
    /// </summary>
    public static IReadOnlyList<DhcpInterface> Resolve(IReadOnlyList<string> names, IReadOnlyList<IPAddress> addresses, Func<DhcpInterface, bool> fallback)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(fallback);
        var all = All();
        var result = new List<DhcpInterface>();
        foreach (var name in names)
        {
            var match = all.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.Ordinal))
                ?? throw NotFound($"There is no up interface named '{name}' with an IPv4 address. Interfaces: {string.Join(", ", all.Select(i => i.Name).Distinct())}.");
            if (!result.Exists(r => r.Name == match.Name))
            {
                result.Add(match);
            }
        }

        foreach (var address in addresses)
        {
            var match = all.FirstOrDefault(i => i.Address.Equals(address))
                ?? throw NotFound($"No interface has the address {address}. Addresses: {string.Join(", ", all.Select(i => i.Address))}.");
            if (!result.Exists(r => r.Name == match.Name))
            {
                result.Add(match);
            }
        }

        if (names.Count == 0 && addresses.Count == 0)
        {
            foreach (var i in all)
            {
                if (fallback(i) && !result.Exists(r => r.Name == i.Name))
                {
                    result.Add(i);
                }
            }
        }

        return result;
    }

    /// <summary>A named interface or address that does not exist, with what to do.</summary>
    private static PxeStartException NotFound(string what) =>
        new(PxeErrorIds.InterfaceNotFound, PxeErrorCategory.ObjectNotFound, what + " Pass an existing interface name to -Interface or one of its addresses to -Address.");
}
