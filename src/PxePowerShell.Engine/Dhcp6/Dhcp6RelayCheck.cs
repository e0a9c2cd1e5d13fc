using System.Net;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>
/// The rules a Relay-forw keeps before the server answers it with a Relay-repl to its sender (RFC 8415 §19 and §20,
/// RFC 8357): a hop count no relay sends, hop counts that do not grow outward, a peer-address the relay could not
/// deliver to, a link-address that names no link, or a sender port with no Relay Source Port option are a forged or
/// broken relay; the message is dropped and counted (<see cref="Dhcp.DhcpServerStatistics.BadRelayAgents"/>).
/// </summary>
internal static class Dhcp6RelayCheck
{
    /// <summary>RFC 3315's HOP_COUNT_LIMIT (RFC 8415 lowered it to 8): no relay of either forwards a larger hop count.</summary>
    public const int HopCountLimit = 32;

    /// <summary>Why <paramref name="relay"/> (a Relay-forw from <paramref name="sourcePort"/>) is not answered, or null when it may be.</summary>
    public static string? Problem(Dhcp6Message relay, int sourcePort, int serverPort)
    {
        ArgumentNullException.ThrowIfNull(relay);
        if (sourcePort != serverPort && !relay.Contains(Dhcp6OptionCode.RelaySourcePort))
        {
            return $"Relay-forw from port {sourcePort}: a relay agent sends from port {serverPort} unless it carries a Relay Source Port option (RFC 8357)";
        }

        for (var m = relay; m is { MessageType: Dhcp6MessageType.RelayForward }; m = m.RelayedMessage)
        {
            if (m.HopCount > HopCountLimit)
            {
                return $"Relay-forw hop count {m.HopCount} is over the limit of {HopCountLimit}";
            }

            if (m.RelayedMessage is { MessageType: Dhcp6MessageType.RelayForward } inner && inner.HopCount >= m.HopCount)
            {
                return $"nested Relay-forw hop count {inner.HopCount} is not below the enclosing {m.HopCount} (each relay adds one)";
            }

            if (m.PeerAddress.IsIPv6Multicast || IPAddress.IPv6Any.Equals(m.PeerAddress) || IPAddress.IsLoopback(m.PeerAddress))
            {
                return $"Relay-forw peer-address {m.PeerAddress} is not a unicast address a reply can go to";
            }

            if (m.LinkAddress.IsIPv6Multicast || IPAddress.IsLoopback(m.LinkAddress))
            {
                return $"Relay-forw link-address {m.LinkAddress} names no link";
            }
        }

        return null;
    }
}
