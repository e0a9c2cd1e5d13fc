using System.Net;
using PxePowerShell.Engine.Events;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>What the DHCPv6 responder decided about one message: the reply (or none) and what to report.</summary>
/// <param name="Reply">The message to send, or null when the request is ignored.</param>
/// <param name="Kind">The event kind reporting the outcome (DhcpOffer for Advertise, DhcpAck for Reply, ProxyOffer/ProxyAck in boot-only mode, Ignored...).</param>
/// <param name="Request">The client message's view, or null when it did not parse as a client message.</param>
/// <param name="Reason">Why it was ignored, or detail.</param>
internal sealed record Dhcp6Response(Dhcp6Message? Reply, PxeEventKind Kind, Dhcp6Request? Request, string? Reason)
{
    /// <summary>The boot-file URL sent (option 59), or null.</summary>
    public string? BootFileUrl { get; init; }

    /// <summary>The address granted or offered, or null.</summary>
    public IPAddress? Address { get; init; }

    /// <summary>An ignored message.</summary>
    public static Dhcp6Response Ignore(Dhcp6Request? request, string reason) => new(null, PxeEventKind.Ignored, request, reason);
}
