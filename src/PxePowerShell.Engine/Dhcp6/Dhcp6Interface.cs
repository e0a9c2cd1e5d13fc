using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>A network interface the DHCPv6 server listens on.</summary>
/// <param name="Name">The interface name (eth0).</param>
/// <param name="Index">The interface index (the scope id of its link-local addresses).</param>
/// <param name="LinkLocal">Its link-local address, or null.</param>
/// <param name="Global">Its first global (or unique local) address, or null.</param>
/// <param name="MacAddress">Its hardware address (empty for loopback).</param>
/// <param name="IsLoopback">True for the loopback interface (no multicast group is joined).</param>
public sealed record Dhcp6Interface(string Name, int Index, IPAddress? LinkLocal, IPAddress? Global, byte[] MacAddress, bool IsLoopback)
{
    /// <summary>The address boot URLs name: the global address, else the link-local one, else ::1 on loopback.</summary>
    public IPAddress UrlAddress => Global ?? LinkLocal ?? IPAddress.IPv6Loopback;

    /// <summary>Every up interface with an IPv6 address.</summary>
    public static IReadOnlyList<Dhcp6Interface> All()
    {
        var list = new List<Dhcp6Interface>();
        foreach (var nic in Net.NetworkInterfaces.GetAll())
        {
            if (nic.OperationalStatus is OperationalStatus.Down or OperationalStatus.NotPresent || !nic.Supports(NetworkInterfaceComponent.IPv6))
            {
                continue;
            }

            IPInterfaceProperties props;
            int index;
            try
            {
                props = nic.GetIPProperties();
                index = props.GetIPv6Properties()?.Index ?? -1;
            }
            catch (NetworkInformationException)
            {
                continue;
            }

            IPAddress? linkLocal = null, global = null;
            foreach (var u in props.UnicastAddresses)
            {
                var a = u.Address;
                if (a.AddressFamily != AddressFamily.InterNetworkV6)
                {
                    continue;
                }

                if (a.IsIPv6LinkLocal)
                {
                    linkLocal ??= a;
                }
                else if (!IPAddress.IsLoopback(a) || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
                {
                    global ??= a;
                }
            }

            if (linkLocal is null && global is null)
            {
                continue;
            }

            bool loopback = nic.NetworkInterfaceType == NetworkInterfaceType.Loopback;
            list.Add(new Dhcp6Interface(nic.Name, index, linkLocal, global, loopback ? [] : nic.GetPhysicalAddress().GetAddressBytes(), loopback));
        }

        return list;
    }

    /// <summary>The interfaces named (every up non-loopback one with a link-local address when none is named); throws naming an unknown one.</summary>
    public static IReadOnlyList<Dhcp6Interface> Resolve(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var all = All();
        if (names.Count == 0)
        {
            return all.Where(i => !i.IsLoopback && i.LinkLocal is not null).ToList();
        }

        var result = new List<Dhcp6Interface>();
        foreach (var name in names)
        {
            var match = all.FirstOrDefault(i => string.Equals(i.Name, name, StringComparison.Ordinal))
                ?? throw new PxeStartException(
                    PxeErrorIds.InterfaceNotFound,
                    PxeErrorCategory.ObjectNotFound,
                    $"There is no up interface named '{name}' with an IPv6 address. Interfaces: {string.Join(", ", all.Select(i => i.Name))}. Pass an existing interface name to -Interface or one of its addresses to -Address.");
            if (!result.Contains(match))
            {
                result.Add(match);
            }
        }

        return result;
    }
}
