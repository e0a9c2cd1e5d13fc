using System.Management.Automation;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Services;

namespace PxePowerShell;

/// <summary>What the lease and reservation cmdlets share: finding the DHCP servers of the session.</summary>
public abstract class LeaseCmdlet : PxeCmdlet
{
    /// <summary>The running DHCP servers whose names match <paramref name="names"/> (all when null); ServerNotFound errors for missing names.</summary>
    internal List<DhcpServer> FindServers(string[]? names) => FindServers(names, ModuleState.Servers.AllServices.OfType<DhcpServer>().ToList());

    /// <summary>The running DHCP and DHCPv6 servers whose names match <paramref name="names"/>; ServerNotFound errors for missing names.</summary>
    internal List<IPxeService> FindLeaseServers(string[]? names) =>
        FindServers(names, ModuleState.Servers.AllServices.Where(s => s is DhcpServer or Engine.Dhcp6.Dhcp6Server).ToList());

    private List<T> FindServers<T>(string[]? names, List<T> servers)
        where T : IPxeService
    {
        if (names is null || names.Length == 0)
        {
            return servers;
        }

        var result = new List<T>();
        foreach (var name in names)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            var matches = servers.Where(s => pattern.IsMatch(s.Name)).ToList();
            if (matches.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
            {
                WriteError(Error(ErrorIds.ServerNotFound, ErrorCategory.ObjectNotFound, name, $"No DHCP server named '{name}' runs in this session; Get-PxeServer -Role Dhcp lists them."));
            }

            result.AddRange(matches.Where(m => !result.Contains(m)));
        }

        return result;
    }

    /// <summary>
    /// True for an IPv4 address; for an IPv6 one writes a non-terminating IPv4AddressRequired error and returns false:
    /// the lease and reservation cmdlets change DHCPv4 servers only (a DHCPv6 server's reservations are given at its
    /// start, -Reservation or -Dhcp6Reservation; docs/ipv6.md).
    /// </summary>
    internal bool RequireIPv4(System.Net.IPAddress address, string verb)
    {
        if (address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
        {
            return true;
        }

        WriteError(Error(
            ErrorIds.IPv4AddressRequired,
            ErrorCategory.InvalidArgument,
            address,
            $"-IPAddress: '{address}' is not an IPv4 address; {verb} works on DHCPv4 servers (addresses such as 192.168.0.20). A DHCPv6 server's reservations are given when it starts (-Reservation, -Dhcp6Reservation), and its leases cannot be removed while it runs."));
        return false;
    }

    /// <summary>The one server an operation applies to: the named one, or the only running DHCP server; null after writing an error.</summary>
    internal DhcpServer? FindServer(string? name, object target)
    {
        var servers = ModuleState.Servers.AllServices.OfType<DhcpServer>().ToList();
        if (!string.IsNullOrEmpty(name))
        {
            var match = servers.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                WriteError(Error(ErrorIds.ServerNotFound, ErrorCategory.ObjectNotFound, target, $"No DHCP server named '{name}' runs in this session; Get-PxeServer -Role Dhcp lists them."));
            }

            return match;
        }

        if (servers.Count == 1)
        {
            return servers[0];
        }

        WriteError(Error(
            ErrorIds.ServerNotFound,
            ErrorCategory.ObjectNotFound,
            target,
            servers.Count == 0
                ? "No DHCP server runs in this session; start one with Start-PxeDhcpServer."
                : $"Several DHCP servers run in this session ({string.Join(", ", servers.Select(s => s.Name))}); name one with -Server."));
        return null;
    }

    /// <summary>Normalizes a MAC address or writes a non-terminating InvalidMacAddress error and returns null.</summary>
    internal string? NormalizeMac(string? text)
    {
        if (MacAddress.TryNormalizeHardwareAddress(text, out var mac) && mac.Length == 17)
        {
            return mac;
        }

        WriteError(Error(
            ErrorIds.InvalidMacAddress,
            ErrorCategory.InvalidArgument,
            text,
            $"'{text}' is not a MAC address; use six hex octets such as aa-bb-cc-dd-ee-ff, AA:BB:CC:DD:EE:FF, aabb.ccdd.eeff or AABBCCDDEEFF."));
        return null;
    }

    /// <summary>Wraps a lease or reservation with the name of the server that holds it (a Server property for pipelines).</summary>
    internal static PSObject WithServer(object item, string? server)
    {
        var o = PSObject.AsPSObject(item);
        o.Properties.Add(new PSNoteProperty("Server", server));
        return o;
    }
}
