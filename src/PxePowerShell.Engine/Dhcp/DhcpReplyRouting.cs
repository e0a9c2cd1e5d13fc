using PxePowerShell.Engine.Net;
using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>Where a reply goes (RFC 2131 section 4.1, PXE 2.1 for port 4011). Pure.</summary>
internal static class DhcpReplyRouting
{
    /// <summary>
    /// The destination of <paramref name="reply"/> to <paramref name="request"/> that came from <paramref name="source"/>:
    /// relayed requests go to the relay (giaddr) on the server port; port-4011 requests go back to their source;
    /// NAKs and replies to clients without an address are broadcast (the engine sends no ARP-less unicast);
    /// clients with an address (ciaddr) get unicast.
    /// </summary>
    public static IPEndPoint Destination(DhcpMessage request, DhcpMessage reply, IPEndPoint source, int clientPort, int serverPort, bool pxePort)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(source);
        if (!request.RelayAgentAddress.Equals(IPAddress.Any))
        {
            return new IPEndPoint(request.RelayAgentAddress, serverPort);
        }

        if (pxePort)
        {
            var address = !source.Address.Equals(IPAddress.Any) ? source.Address : request.ClientAddress;
            return address.Equals(IPAddress.Any) ? new IPEndPoint(IPAddress.Broadcast, source.Port) : new IPEndPoint(address, source.Port);
        }

        if (reply.MessageType != DhcpMessageType.Nak && !request.ClientAddress.Equals(IPAddress.Any))
        {
            return new IPEndPoint(request.ClientAddress, clientPort);
        }

        return new IPEndPoint(IPAddress.Broadcast, clientPort);
    }
}
