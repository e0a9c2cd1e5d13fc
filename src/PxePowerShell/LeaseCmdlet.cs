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

    /// <summary>True for an IPv6 address (the change goes to a DHCPv6 server).</summary>
    internal static bool IsIPv6(System.Net.IPAddress address) => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6;

    /// <summary>
    /// The one full DHCPv6 server (with a range) an IPv6 operation applies to: the named one, or the only one running;
    /// null after writing an error (ServerNotFound; IPv4AddressRequired when the named server is a DHCPv4 one).
    /// </summary>
    internal Engine.Dhcp6.Dhcp6Server? FindServer6(string? name, object target)
    {
        var servers = ModuleState.Servers.AllServices.OfType<Engine.Dhcp6.Dhcp6Server>().Where(s => s.Options.AssignsAddresses).ToList();
        if (!string.IsNullOrEmpty(name))
        {
            var match = servers.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase));
            if (match is null && ModuleState.Servers.AllServices.OfType<DhcpServer>().Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                WriteError(Error(ErrorIds.IPv4AddressRequired, ErrorCategory.InvalidArgument, target, $"'{target}' is an IPv6 address, and '{name}' is a DHCPv4 server; give an IPv4 address, or name a DHCPv6 server (Get-PxeServer -Role Dhcp6)."));
            }
            else if (match is null)
            {
                WriteError(Error(ErrorIds.ServerNotFound, ErrorCategory.ObjectNotFound, target, $"No DHCPv6 server with a range named '{name}' runs in this session; Get-PxeServer -Role Dhcp6 lists them."));
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
                ? $"'{target}' is an IPv6 address, and no DHCPv6 server with a range runs in this session; start one with Start-PxeDhcpServer -Dhcp6 -Range."
                : $"Several DHCPv6 servers run in this session ({string.Join(", ", servers.Select(s => s.Name))}); name one with -Server."));
        return null;
    }

    /// <summary>Writes the non-terminating error of an engine's refusal (ArgumentException: ReservationConflict; InvalidOperationException: ServerNotFound).</summary>
    internal void WriteRefusal(Exception ex, object target)
    {
        if (ex is ArgumentException)
        {
            string message = ex.Message;
            int at = message.LastIndexOf(" (Parameter '", StringComparison.Ordinal);
            WriteError(Error(ErrorIds.ReservationConflict, ErrorCategory.InvalidArgument, target, at > 0 ? message[..at] : message, ex));
        }
        else
        {
            WriteError(Error(ErrorIds.ServerNotFound, ErrorCategory.InvalidOperation, target, ex.Message, ex));
        }
    }

    /// <summary>Normalizes a DUID (hex, any separators) or writes a non-terminating InvalidParameter error and returns null.</summary>
    internal string? NormalizeDuid(string? text)
    {
        if (!string.IsNullOrWhiteSpace(text) && Engine.Dhcp6.Dhcp6Duid.TryParse(text, out var bytes))
        {
            return Engine.Dhcp6.Dhcp6Duid.ToText(bytes);
        }

        WriteError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, text, $"-Duid: '{text}' is not a DUID; give its bytes in hex, such as 00-03-00-01-52-54-00-12-34-56 (Get-PxeLease shows a client's Duid)."));
        return null;
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
