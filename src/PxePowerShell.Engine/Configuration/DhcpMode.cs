namespace PxePowerShell.Engine.Configuration;

/// <summary>How an all-in-one PXE server answers DHCP.</summary>
public enum DhcpMode
{
    /// <summary>proxyDHCP on ports 67 and 4011 beside the network's own DHCP server (dnsmasq's <c>dhcp-range=…,proxy</c>).</summary>
    ProxyDhcp,

    /// <summary>A full DHCP server that leases addresses from a range and adds the PXE options.</summary>
    Dhcp,

    /// <summary>No DHCP at all: only TFTP (and HTTP), for networks whose DHCP server already points at this machine.</summary>
    None,
}
