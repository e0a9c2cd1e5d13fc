using System.Diagnostics.CodeAnalysis;
using System.Net;
using PxePowerShell.Engine.Events;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// What the DHCP and proxyDHCP servers do with a datagram before their responder sees it: count and parse it (a bad one
/// is a counted drop), let this host's own probe pass unanswered, and ignore, with the reason, a request relayed from
/// an agent whose address a reply cannot go to.
/// </summary>
internal static class DhcpIntake
{
    /// <summary>
    /// True with the parsed <paramref name="request"/> when the responder should answer it; otherwise false, with the
    /// <paramref name="ignored"/> outcome to publish when the request was refused for its relay agent (null: a silent drop).
    /// </summary>
    public static bool TryAccept(
        DhcpCounters counters,
        DhcpListener listener,
        ReadOnlySpan<byte> datagram,
        IPEndPoint source,
        IEnumerable<DhcpInterface> interfaces,
        IEnumerable<(IPAddress Network, IPAddress Mask)>? subnets,
        [NotNullWhen(true)] out DhcpMessage? request,
        out DhcpResponse? ignored)
    {
        ignored = null;
        counters.Received();
        if (!DhcpMessage.TryParse(datagram, out request, out _))
        {
            counters.Malformed();
            return false;
        }

        if (DhcpProbeFilter.IsFromThisHost(request, source, listener.Interface.Address))
        {
            return false; // this host looking for other servers (the conflict check, Find-PxeDhcpServer)
        }

        if (DhcpRelayCheck.Problem(request.RelayAgentAddress, interfaces, subnets) is { } badRelay)
        {
            // A reply would go to giaddr on the server port: a broadcast, this server itself or a reflector.
            counters.BadRelay();
            counters.Outcome(PxeEventKind.Ignored);
            ignored = DhcpResponse.Ignore(PxeRequest.From(request), badRelay);
            return false;
        }

        return true;
    }
}
