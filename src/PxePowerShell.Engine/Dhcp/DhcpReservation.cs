using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>An address reserved for a client (like Add-DhcpServerv4Reservation).</summary>
/// <param name="IPAddress">The reserved address (in the scope's subnet; it may be outside the range).</param>
/// <param name="ClientId">The client's MAC address in any common notation; stored as <c>aa-bb-cc-dd-ee-ff</c>.</param>
/// <param name="Name">An optional name.</param>
/// <param name="LeaseDuration">
/// The lease time this client gets (dnsmasq's <c>dhcp-host=...,12h</c>, Kea's per-host valid-lifetime); null for the scope's LeaseDuration.
/// </param>
public sealed record DhcpReservation(IPAddress IPAddress, string ClientId, string? Name = null, TimeSpan? LeaseDuration = null)
{
    /// <summary>
    /// The normalized MAC address; a client id that is no hardware address (a stored DHCPv6 reservation's
    /// <c>duid:</c>/<c>mac:</c> key, <see cref="Dhcp6.Dhcp6Reservation"/>) as it is.
    /// </summary>
    public string MacAddress => Net.MacAddress.TryNormalizeHardwareAddress(ClientId, out var mac) ? mac : ClientId;
}
