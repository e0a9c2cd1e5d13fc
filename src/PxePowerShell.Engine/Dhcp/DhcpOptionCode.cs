namespace PxePowerShell.Engine.Dhcp;

/// <summary>DHCP option codes used by the engine (RFC 2132, RFC 3396, RFC 4578, PXE 2.1, iPXE).</summary>
internal enum DhcpOptionCode : byte
{
    /// <summary>Padding (no length byte).</summary>
    Pad = 0,

    /// <summary>Subnet mask.</summary>
    SubnetMask = 1,

    /// <summary>Routers.</summary>
    Router = 3,

    /// <summary>DNS servers.</summary>
    DomainNameServer = 6,

    /// <summary>Client host name.</summary>
    HostName = 12,

    /// <summary>Domain name.</summary>
    DomainName = 15,

    /// <summary>Broadcast address.</summary>
    BroadcastAddress = 28,

    /// <summary>Vendor-specific information (PXE sub-options for PXEClient).</summary>
    VendorSpecific = 43,

    /// <summary>Requested IP address.</summary>
    RequestedAddress = 50,

    /// <summary>IP address lease time, seconds.</summary>
    LeaseTime = 51,

    /// <summary>Option overload: 1 file, 2 sname, 3 both carry options.</summary>
    OptionOverload = 52,

    /// <summary>DHCP message type.</summary>
    MessageType = 53,

    /// <summary>Server identifier.</summary>
    ServerIdentifier = 54,

    /// <summary>Parameter request list.</summary>
    ParameterRequestList = 55,

    /// <summary>Message (error text).</summary>
    Message = 56,

    /// <summary>Maximum DHCP message size.</summary>
    MaxMessageSize = 57,

    /// <summary>Renewal (T1) time.</summary>
    RenewalTime = 58,

    /// <summary>Rebinding (T2) time.</summary>
    RebindingTime = 59,

    /// <summary>Vendor class identifier (PXEClient, HTTPClient...).</summary>
    VendorClassIdentifier = 60,

    /// <summary>Client identifier.</summary>
    ClientIdentifier = 61,

    /// <summary>TFTP server name.</summary>
    TftpServerName = 66,

    /// <summary>Boot file name.</summary>
    BootFileName = 67,

    /// <summary>User class (iPXE sends "iPXE").</summary>
    UserClass = 77,

    /// <summary>Client system architecture (RFC 4578).</summary>
    ClientArchitecture = 93,

    /// <summary>Client network interface identifier (UNDI version, RFC 4578).</summary>
    ClientNetworkInterface = 94,

    /// <summary>Client machine identifier, UUID/GUID (RFC 4578).</summary>
    ClientMachineIdentifier = 97,

    /// <summary>Relay agent information (RFC 3046).</summary>
    RelayAgentInformation = 82,

    /// <summary>iPXE encapsulated options.</summary>
    IpxeEncapsulated = 175,

    /// <summary>End of options (no length byte).</summary>
    End = 255,
}
