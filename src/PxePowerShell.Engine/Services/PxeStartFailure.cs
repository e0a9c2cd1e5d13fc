namespace PxePowerShell.Engine.Services;

/// <summary>Why a server could not start, as a value callers can switch on (see <see cref="PxeStartFailures"/>).</summary>
public enum PxeStartFailure
{
    /// <summary>Another program holds the port.</summary>
    PortInUse,

    /// <summary>The port (or binding to the interface) needs a privilege the process lacks.</summary>
    PortAccessDenied,

    /// <summary>A named interface or address does not exist (or has no IPv4 address, or is down).</summary>
    InterfaceNotFound,

    /// <summary>No interface was named and none qualifies (no up, non-loopback IPv4 interface).</summary>
    NoInterface,

    /// <summary>The DHCP range lies outside the subnet of every interface served.</summary>
    RangeOutsideSubnet,

    /// <summary>Another DHCP server of this machine keeps its leases in the same directory.</summary>
    DataDirectoryInUse,
}
