namespace PxePowerShell.Engine.Events;

/// <summary>The protocol an event belongs to.</summary>
public enum PxeProtocol
{
    /// <summary>Not protocol specific.</summary>
    None,

    /// <summary>Trivial File Transfer Protocol.</summary>
    Tftp,

    /// <summary>HTTP boot server.</summary>
    Http,

    /// <summary>Full DHCP server.</summary>
    Dhcp,

    /// <summary>proxyDHCP (PXE) server.</summary>
    ProxyDhcp,

    /// <summary>DHCPv6 (boot-only or full).</summary>
    Dhcp6,
}
