using System.Collections;
using System.Collections.Specialized;

namespace PxePowerShell.Engine.Configuration;

/// <summary>
/// Where cmdlet parameters and configuration files meet, with the one precedence rule: a parameter given explicitly
/// wins over the file, and the file over the defaults of <see cref="PxeServerConfiguration"/>. Parameters arrive as the
/// cmdlet bound them (name → plain value), and go through the same parser as files
/// (<see cref="PxeConfigurationValues.Apply"/>), so a setting is validated once, with the same ErrorIds, whichever way it
/// came. Adding a setting is one property of the model, one key of the parser and one parameter.
/// </summary>
public static class PxeConfigurationParameters
{
    /// <summary>
    /// Lays the bound <paramref name="parameters"/> (names as the cmdlets declare them; switches as booleans) over
    /// <paramref name="configuration"/> (a file's settings, or the defaults). Besides the setting names the parser knows,
    /// the switches -ProxyDhcp, -Dhcp and -NoDhcp set DhcpMode, -NoBootMenu clears BootMenu, and -SecureBootPath turns
    /// SecureBoot on unless -SecureBoot itself is given; -Dhcp6Range sets both ends of the DHCPv6 range and turns Dhcp6 on,
    /// -Dhcp6Reservation is Dhcp6Reservations. Paths must be resolved by the caller (PowerShell's location). Settings that
    /// depend on each other are checked on the result, so a file and the parameters laid over it are checked as one:
    /// <see cref="PxeServerConfiguration.HighAvailability"/> and the DHCPv6 part (range order, one /64, reservations in it).
    /// </summary>
    /// <exception cref="PxeConfigurationException">A parameter value cannot be used; its ErrorId says why.</exception>
    public static PxeServerConfiguration Apply(PxeServerConfiguration configuration, IDictionary parameters)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(parameters);
        var values = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        string addressKey = "Addresses";
        foreach (DictionaryEntry entry in parameters)
        {
            string name = entry.Key?.ToString() ?? string.Empty;
            object? value = entry.Value;
            switch (name.ToLowerInvariant())
            {
                case "proxydhcp" or "dhcp" or "nodhcp":
                    if (value is true)
                    {
                        values["DhcpMode"] = name.ToLowerInvariant() switch
                        {
                            "dhcp" => DhcpMode.Dhcp,
                            "nodhcp" => DhcpMode.None,
                            _ => DhcpMode.ProxyDhcp,
                        };
                    }

                    break;
                case "nobootmenu":
                    values["BootMenu"] = value is not true;
                    break;
                case "nometrics":
                    values["Metrics"] = value is not true;
                    break;
                case "securebootpath":
                    values[name] = value;
                    if (!parameters.Contains("SecureBoot"))
                    {
                        values["SecureBoot"] = true;
                    }

                    break;
                case "dhcp6range":
                    if (value is IList { Count: 2 } range)
                    {
                        values["Dhcp6RangeStart"] = range[0];
                        values["Dhcp6RangeEnd"] = range[1];
                    }
                    else
                    {
                        throw new PxeConfigurationException(name, $"{name}: give the first and last IPv6 address of the range, such as fd00:77::100,fd00:77::1ff.");
                    }

                    values["Dhcp6"] = true;
                    break;
                case "dhcp6reservation":
                    values["Dhcp6Reservations"] = value;
                    break;
                case "address":
                    addressKey = name;
                    values[name] = value;
                    break;
                default:
                    values[name] = value;
                    break;
            }
        }

        var result = PxeConfigurationValues.RequireDhcpAddresses(PxeConfigurationValues.Apply(configuration, values), addressKey);
        _ = result.HighAvailability(); // HaPeers and its delays are checked once the file and the parameters have met
        return RequireValidDhcp6(result, "Dhcp6Range"); // so is the DHCPv6 part

    }

    /// <summary>
    /// The settings of DHCPv4 (and of its PXE menu) that a DHCPv6 server has no use for: given with -Dhcp6 they are
    /// refused rather than ignored. DiscoveryControl is a parameter of Start-PxeProxyDhcp only, not a setting.
    /// </summary>
    private static readonly string[] s_notDhcp6 =
    [
        "Address", "Addresses", "SubnetMask", "Router", "DomainName", "ClientPort", "NoOverride",
        "HaPeers", "HaHeartbeatDelay", "HaMaxResponseDelay", "PxePort", "Menu", "Prompt", "Timeout", "PromptTimeout", "DiscoveryControl",
    ];

    /// <summary>
    /// Lays the bound <paramref name="parameters"/> of a DHCPv6 server (Start-PxeDhcpServer -Dhcp6, Start-PxeProxyDhcp
    /// -Dhcp6) over <paramref name="configuration"/> and turns DHCPv6 on. The parameters keep the names the DHCPv4 server
    /// gives them and are read as DHCPv6 settings by the same parser as Start-PxeServer's and a file's: -Range (or
    /// -StartRange and -EndRange) is the DHCPv6 range, -Reservation the DHCPv6 reservations, -Port the DHCPv6 port, and
    /// -DnsServer and -TftpServer must be IPv6 (<see cref="PxeErrorIds.IPv6AddressRequired"/>); boot files, lease times
    /// and interfaces are the shared settings. A DHCPv4-only setting (-SubnetMask, -Router, -Menu ...) is refused
    /// (<see cref="PxeErrorIds.InvalidParameter"/>), and the result is checked as Start-PxeServer's DHCPv6 part is
    /// (range order, one /64, reservations inside it).
    /// </summary>
    /// <exception cref="PxeConfigurationException">A parameter value cannot be used; its ErrorId says why and its Key names the parameter.</exception>
    public static PxeServerConfiguration ApplyDhcp6(PxeServerConfiguration configuration, IDictionary parameters)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(parameters);
        foreach (DictionaryEntry entry in parameters)
        {
            string name = entry.Key?.ToString() ?? string.Empty;
            if (s_notDhcp6.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                throw new PxeConfigurationException(name, $"{name} is a DHCPv4 setting that DHCPv6 does not use; leave it out with -Dhcp6 (-Interface chooses where DHCPv6 listens).");
            }
        }

        var values = new OrderedDictionary(StringComparer.OrdinalIgnoreCase);
        var c = configuration;
        string rangeKey = "Range";
        foreach (DictionaryEntry entry in parameters)
        {
            string name = entry.Key?.ToString() ?? string.Empty;
            object? value = entry.Value;
            switch (name.ToLowerInvariant())
            {
                case "range":
                    var range = PxeConfigurationValues.Addresses6(name, value);
                    if (range.Count != 2)
                    {
                        throw new PxeConfigurationException(name, $"{name}: give the first and last IPv6 address of the range, such as fd00:77::100,fd00:77::1ff.");
                    }

                    c = c with { Dhcp6RangeStart = range[0], Dhcp6RangeEnd = range[1] };
                    rangeKey = name;
                    break;
                case "startrange":
                    c = c with { Dhcp6RangeStart = PxeConfigurationValues.Address6(name, value) };
                    rangeKey = name;
                    break;
                case "endrange":
                    c = c with { Dhcp6RangeEnd = PxeConfigurationValues.Address6(name, value) };
                    break;
                case "reservation":
                    c = c with { Dhcp6Reservations = value is null ? [] : PxeConfigurationValues.Reservations6(name, value) };
                    break;
                case "dnsserver":
                    c = c with { DnsServers = PxeConfigurationValues.Addresses6(name, value) };
                    break;
                case "tftpserver":
                    c = c with { TftpServer = PxeConfigurationValues.Address6(name, value) };
                    break;
                case "port":
                    values["Dhcp6Port"] = value;
                    break;
                default:
                    values[name] = value;
                    break;
            }
        }

        return RequireValidDhcp6(PxeConfigurationValues.Apply(c, values) with { Dhcp6 = true }, rangeKey);
    }

    /// <summary>
    /// The one check of a configuration's DHCPv6 part once its settings have met (range order and prefix, reservations
    /// inside it, port): InvalidParameter under <paramref name="key"/>, the name the range was given under.
    /// </summary>
    private static PxeServerConfiguration RequireValidDhcp6(PxeServerConfiguration c, string key)
    {
        if (!c.Dhcp6)
        {
            return c;
        }

        var problems = c.Dhcp6ServerOptions(string.Empty, null, c.BootOptions()).Validate();
        return problems.Count == 0 ? c : throw new PxeConfigurationException(key, string.Join(" ", problems));
    }
}
