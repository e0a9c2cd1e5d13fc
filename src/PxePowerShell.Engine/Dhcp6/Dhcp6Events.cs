using System.Net;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>Turns DHCPv6 decisions into <see cref="PxeEvent"/>s (protocol Dhcp6; the DUID beside the MAC).</summary>
internal static class Dhcp6Events
{
    public static PxeEvent Outcome(string server, DateTimeOffset time, Dhcp6Response response, IPEndPoint source)
    {
        var r = response.Request;
        return new PxeEvent
        {
            Kind = response.Kind,
            Time = time,
            Server = server,
            Protocol = PxeProtocol.Dhcp6,
            ClientEndPoint = source,
            ClientAddress = source.Address,
            MacAddress = r?.MacAddress,
            Duid = r?.Duid is { Length: > 0 } d ? d : null,
            Architecture = r?.ArchitectureName,
            VendorClass = r?.VendorClass,
            UserClass = r?.UserClass,
            TransactionId = r?.TransactionId,
            MessageType = r is null ? null : r.MessageType == Dhcp6MessageType.Solicit ? DhcpMessageType.Discover : DhcpMessageType.Request,
            BootFile = response.BootFileUrl,
            IPAddress = response.Address,
            Reason = response.Reason,
        };
    }
}
