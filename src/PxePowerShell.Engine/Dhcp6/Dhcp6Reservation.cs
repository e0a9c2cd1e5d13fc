using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>
/// An IPv6 address reserved for one client of a full DHCPv6 server (Kea's host reservation, dnsmasq's
/// <c>dhcp-host=id:...,[addr]</c>): by DUID, or by the MAC address a DUID-LL/LLT (or the relay) names.
/// </summary>
/// <param name="IPAddress">The reserved address (in the range's /64; it may be outside the range).</param>
/// <param name="Duid">The client DUID as hyphenated hex (<see cref="Dhcp6Duid.ToText"/>), or null to match by MAC.</param>
/// <param name="MacAddress">The client's MAC address <c>aa-bb-cc-dd-ee-ff</c>, or null to match by DUID.</param>
/// <param name="Name">An optional name.</param>
public sealed record Dhcp6Reservation(IPAddress IPAddress, string? Duid, string? MacAddress, string? Name = null)
{
    /// <summary>True when the reservation is for the client with this DUID (text) and MAC (null when unknown).</summary>
    public bool Matches(string duid, string? macAddress) =>
        (Duid is not null && string.Equals(Duid, duid, StringComparison.OrdinalIgnoreCase))
        || (MacAddress is not null && macAddress is not null && string.Equals(MacAddress, macAddress, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The reservation as a lease store keeps it (the store of the DHCPv6 server's family): the client as
    /// <c>duid:&lt;hex&gt;</c>, <c>mac:&lt;aa-bb-..&gt;</c> or both joined by a comma, so that a DHCPv4 reservation of the
    /// same MAC (the same table in a shared store) is a different client.
    /// </summary>
    internal DhcpReservation ToStored() =>
        new(IPAddress, string.Join(',', new[] { Duid is null ? null : "duid:" + Duid, MacAddress is null ? null : "mac:" + MacAddress }.Where(p => p is not null)), Name);

    /// <summary>The reservation a lease store gave back (<see cref="ToStored"/>); null when the row is not one.</summary>
    internal static Dhcp6Reservation? FromStored(DhcpReservation stored)
    {
        string? duid = null, mac = null;
        foreach (var part in stored.ClientId.Split(','))
        {
            if (part.StartsWith("duid:", StringComparison.Ordinal))
            {
                duid = part[5..];
            }
            else if (part.StartsWith("mac:", StringComparison.Ordinal))
            {
                mac = part[4..];
            }
        }

        return Create(stored.IPAddress, duid, mac, stored.Name, out _);
    }

    /// <summary>
    /// A reservation from its text fields (DUID in hex with or without separators, MAC in any common notation), or null
    /// with <paramref name="error"/> saying what is wrong.
    /// </summary>
    public static Dhcp6Reservation? Create(IPAddress? address, string? duid, string? macAddress, string? name, out string? error)
    {
        error = null;
        string? duidText = null, mac = null;
        if (address is null || address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            error = $"'{address}' is not an IPv6 address; a reservation needs IPAddress (IPv6) and Duid or MacAddress, e.g. @{{ IPAddress = 'fd00:77::20'; MacAddress = '52-54-00-12-34-56' }}.";
        }
        else if (string.IsNullOrWhiteSpace(duid) && string.IsNullOrWhiteSpace(macAddress))
        {
            error = $"the reservation of {address} names no client: give its Duid (hex, 00-01-00-01-...) or MacAddress.";
        }
        else if (!string.IsNullOrWhiteSpace(duid) && !Dhcp6Duid.TryParse(duid, out var bytes))
        {
            error = $"'{duid}' is not a DUID; give its bytes in hex, such as 00-03-00-01-52-54-00-12-34-56.";
        }
        else if (!string.IsNullOrWhiteSpace(macAddress) && !Net.MacAddress.TryNormalize(macAddress, out mac))
        {
            error = $"'{macAddress}' is not a MAC address; use aa-bb-cc-dd-ee-ff, AA:BB:CC:DD:EE:FF or aabb.ccdd.eeff.";
        }
        else
        {
            duidText = string.IsNullOrWhiteSpace(duid) ? null : Dhcp6Duid.TryParse(duid, out var b) ? Dhcp6Duid.ToText(b) : null;
        }

        return error is null ? new Dhcp6Reservation(address!, duidText, mac, name) : null;
    }
}
