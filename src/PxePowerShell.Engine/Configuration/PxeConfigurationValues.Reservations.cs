using System.Collections;
using System.Globalization;
using System.Net;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Configuration;

/// <summary>
/// The reservations of <see cref="PxeConfigurationValues"/>: DHCP (IPv4) and DHCPv6 reservations from a table or an
/// Import-Csv row, their fields and aliases, and their form when a configuration is written back.
/// </summary>
public static partial class PxeConfigurationValues
{
    private static readonly Dictionary<string, string> ReservationFields4 = new(StringComparer.OrdinalIgnoreCase)
    {
        ["IPAddress"] = "IPAddress",
        ["MacAddress"] = "MacAddress",
        ["ClientId"] = "MacAddress",
        ["Name"] = "Name",
        ["LeaseDuration"] = "LeaseDuration",
        ["LeaseTime"] = "LeaseDuration",
    };

    private static readonly Dictionary<string, string> ReservationFields6 = new(StringComparer.OrdinalIgnoreCase)
    {
        ["IPAddress"] = "IPAddress",
        ["Duid"] = "Duid",
        ["ClientDuid"] = "Duid",
        ["MacAddress"] = "MacAddress",
        ["ClientId"] = "MacAddress",
        ["Name"] = "Name",
    };

    /// <summary>
    /// The fields of one reservation (a table or a row), each under the name <paramref name="fields"/> gives its alias, in
    /// the order given; a field it does not know is refused the same way for both address families.
    /// </summary>
    private static IEnumerable<(string Field, object? Value)> ReservationFields(string key, object? value, Dictionary<string, string> fields, string use)
    {
        foreach (DictionaryEntry entry in Table(key, value))
        {
            yield return fields.TryGetValue(entry.Key?.ToString() ?? string.Empty, out var field)
                ? (field, entry.Value)
                : throw new PxeConfigurationException(key, $"{key}: '{entry.Key}' is not a reservation field; use {use}.");
        }
    }

    private static DhcpReservation Reservation(string key, object? value)
    {
        if (value is DhcpReservation given)
        {
            _ = Address($"{key}.IPAddress", given.IPAddress);
            return given;
        }

        IPAddress? address = null;
        string? mac = null, name = null;
        TimeSpan? lease = null;
        foreach (var (field, v) in ReservationFields(key, value, ReservationFields4, "IPAddress, MacAddress (or ClientId), Name and LeaseDuration"))
        {
            switch (field)
            {
                case "IPAddress":
                    address = Address($"{key}.IPAddress", v);
                    break;
                case "MacAddress":
                    mac = Text($"{key}.MacAddress", v);
                    break;
                case "Name":
                    name = IsEmpty(v) ? null : Text($"{key}.Name", v);
                    break;
                default:
                    lease = IsEmpty(v) ? null : Duration($"{key}.LeaseDuration", v);
                    break;
            }
        }

        if (address is null || mac is null)
        {
            throw new PxeConfigurationException(key, $"Every {key} item needs IPAddress and MacAddress, e.g. @{{ IPAddress = '192.168.0.20'; MacAddress = '52-54-00-12-34-56' }}.");
        }

        if (!MacAddress.TryNormalizeHardwareAddress(mac, out var normalized))
        {
            throw new PxeConfigurationException(
                key,
                $"{key} {address}: '{mac}' is not a MAC address; use aa-bb-cc-dd-ee-ff, AA:BB:CC:DD:EE:FF or aabb.ccdd.eeff.",
                errorId: PxeErrorIds.InvalidMacAddress);
        }

        return new DhcpReservation(address, normalized, name, lease);
    }

    /// <summary>
    /// DHCPv6 reservations (IPAddress, Duid or MacAddress, Name) as Start-PxeServer -Dhcp6Reservation, a file's
    /// Dhcp6Reservations and Start-PxeDhcpServer -Dhcp6 -Reservation give them; <paramref name="key"/> names the setting in errors.
    /// </summary>
    /// <exception cref="PxeConfigurationException">An item cannot be used; its ErrorId says why.</exception>
    internal static List<Dhcp6.Dhcp6Reservation> Reservations6(string key, object? value) => List(key, value).Select(v => Reservation6(key, v)).ToList();

    private static Dhcp6.Dhcp6Reservation Reservation6(string key, object? value)
    {
        if (value is Dhcp6.Dhcp6Reservation given)
        {
            _ = Address6($"{key}.IPAddress", given.IPAddress);
            return given;
        }

        IPAddress? address = null;
        string? duid = null, mac = null, name = null;
        foreach (var (field, v) in ReservationFields(key, value, ReservationFields6, "IPAddress, Duid or MacAddress, and Name"))
        {
            // A blank optional column of an Import-Csv row is not given (Duid and MacAddress are alternatives).
            string? text = field == "IPAddress" || IsEmpty(v) ? null : Text($"{key}.{field}", v);
            switch (field)
            {
                case "IPAddress":
                    address = Address6($"{key}.IPAddress", v);
                    break;
                case "Duid":
                    duid = text;
                    break;
                case "MacAddress":
                    mac = text;
                    break;
                default:
                    name = text;
                    break;
            }
        }

        return Dhcp6.Dhcp6Reservation.Create(address, duid, mac, name, out string? error) ?? throw new PxeConfigurationException(key, $"{key}: {error}");
    }

    /// <summary>An optional field left empty (a blank column of an Import-Csv row): the same as not given.</summary>
    private static bool IsEmpty(object? value) => value is null || value is string { Length: 0 };

    private static object ReservationValue(DhcpReservation r) => Ordered(
        ("IPAddress", r.IPAddress.ToString()),
        ("MacAddress", r.MacAddress),
        ("Name", r.Name),
        ("LeaseDuration", r.LeaseDuration?.ToString("c", CultureInfo.InvariantCulture)));
}
