using System.Net;
using PxePowerShell.Engine.Events;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>What a responder decided about one request: the reply (or none) and what to report.</summary>
/// <param name="Reply">The reply to send, or null when the request is ignored.</param>
/// <param name="Kind">The event kind that reports the outcome (ProxyOffer, DhcpAck, Ignored...).</param>
/// <param name="Request">The request's PXE view, or null when it was not a BOOTREQUEST.</param>
/// <param name="Reason">Why it was ignored or refused, or detail.</param>
internal sealed record DhcpResponse(DhcpMessage? Reply, PxeEventKind Kind, PxeRequest? Request, string? Reason)
{
    /// <summary>The boot file or URL named in the reply, if any.</summary>
    public string? BootFile => Reply is { BootFileName.Length: > 0 } r ? r.BootFileName : null;

    /// <summary>The address given in the reply (yiaddr), if any.</summary>
    public IPAddress? Address => Reply is { } r && !r.YourAddress.Equals(IPAddress.Any) ? r.YourAddress : null;

    /// <summary>Largest reply the client accepts (option 57, at least 576).</summary>
    public int MaxMessageSize => Math.Clamp((int?)Request?.MaxMessageSize ?? DhcpMessage.DefaultMaxMessageSize, DhcpMessage.DefaultMaxMessageSize, DhcpMessage.MaxMessageSize);

    /// <summary>An ignored request.</summary>
    public static DhcpResponse Ignore(PxeRequest? request, string reason) => new(null, PxeEventKind.Ignored, request, reason);
}
