using System.Net;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>Turns requests and decisions into <see cref="PxeEvent"/>s.</summary>
internal static class DhcpEvents
{
    public static PxeEvent Received(string server, PxeProtocol protocol, DateTimeOffset time, PxeRequest request, IPEndPoint source) => new()
    {
        Kind = request.MessageType == DhcpMessageType.Discover ? PxeEventKind.DhcpDiscover : PxeEventKind.DhcpRequest,
        Time = time,
        Server = server,
        Protocol = protocol,
        ClientEndPoint = source,
        ClientAddress = ClientAddressOf(request, source),
        MacAddress = request.MacAddress,
        Architecture = request.ArchitectureName,
        ArchitectureId = request.ArchitectureId,
        VendorClass = request.VendorClass,
        Uuid = request.Uuid,
        UserClass = request.UserClass,
        ServerIdentifier = request.ServerIdentifier,
        TransactionId = request.TransactionId,
        MessageType = request.MessageType,
        IPAddress = request.RequestedAddress,
    };

    public static PxeEvent Outcome(string server, PxeProtocol protocol, DateTimeOffset time, DhcpResponse response, IPEndPoint source)
    {
        var r = response.Request;
        return new PxeEvent
        {
            Kind = response.Kind,
            Time = time,
            Server = server,
            Protocol = protocol,
            ClientEndPoint = source,
            ClientAddress = r is null ? source.Address : ClientAddressOf(r, source),
            MacAddress = r?.MacAddress,
            Architecture = r?.ArchitectureName,
            ArchitectureId = r?.ArchitectureId,
            VendorClass = r?.VendorClass,
            Uuid = r?.Uuid,
            UserClass = r?.UserClass,
            ServerIdentifier = r?.ServerIdentifier,
            TransactionId = r?.TransactionId,
            MessageType = r?.MessageType,
            BootFile = response.BootFile ?? response.Reply?.Options.GetString(DhcpOptionCode.BootFileName),
            IPAddress = response.Address ?? (response.Kind == PxeEventKind.Ignored ? r?.RequestedAddress : null),
            Reason = response.Reason,
        };
    }

    private static IPAddress? ClientAddressOf(PxeRequest request, IPEndPoint source) =>
        !request.ClientAddress.Equals(IPAddress.Any) ? request.ClientAddress : source.Address.Equals(IPAddress.Any) ? null : source.Address;
}
