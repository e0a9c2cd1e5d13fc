namespace PxePowerShell.Engine.Events;

/// <summary>What a <see cref="PxeEvent"/> reports.</summary>
public enum PxeEventKind
{
    /// <summary>A server started listening.</summary>
    ServerStarted,

    /// <summary>A server stopped.</summary>
    ServerStopped,

    /// <summary>A file transfer (TFTP or HTTP) began.</summary>
    TransferStarted,

    /// <summary>A file transfer finished with every byte delivered.</summary>
    TransferCompleted,

    /// <summary>A file transfer ended without delivering the whole file.</summary>
    TransferFailed,

    /// <summary>A request was refused (unsafe path, missing file, session cap, read-only).</summary>
    RequestRefused,

    /// <summary>A DHCP DISCOVER arrived.</summary>
    DhcpDiscover,

    /// <summary>A DHCP OFFER was sent.</summary>
    DhcpOffer,

    /// <summary>A DHCP REQUEST arrived.</summary>
    DhcpRequest,

    /// <summary>A DHCP ACK was sent.</summary>
    DhcpAck,

    /// <summary>A DHCP NAK was sent.</summary>
    DhcpNak,

    /// <summary>A DHCP DECLINE arrived.</summary>
    DhcpDecline,

    /// <summary>A DHCP RELEASE arrived.</summary>
    DhcpRelease,

    /// <summary>A DHCP INFORM arrived and was answered.</summary>
    DhcpInform,

    /// <summary>A proxyDHCP OFFER was sent.</summary>
    ProxyOffer,

    /// <summary>A proxyDHCP ACK (port 4011) was sent.</summary>
    ProxyAck,

    /// <summary>A DHCP message was ignored on purpose (not a PXE client, not for us).</summary>
    Ignored,

    /// <summary>Something an administrator should know, in Reason: another DHCP or proxyDHCP server answers the same clients.</summary>
    Warning,
}
