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
    /// <see cref="PxeServerConfiguration.HighAvailability"/>.
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
        return result;
    }

    /// <summary>
    /// The DHCPv6 reservations a parameter named <paramref name="parameter"/> gives (Start-PxeDhcpServer -Dhcp6
    /// -Reservation): the parser of -Dhcp6Reservation and of a file's Dhcp6Reservations, with the same ErrorIds and
    /// unknown fields refused the same way; null is none.
    /// </summary>
    /// <exception cref="PxeConfigurationException">An item cannot be used; its ErrorId says why.</exception>
    public static IReadOnlyList<Dhcp6.Dhcp6Reservation> Dhcp6Reservations(string parameter, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(parameter);
        return value is null ? [] : PxeConfigurationValues.Reservations6(parameter, value);
    }
}
