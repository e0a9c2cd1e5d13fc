namespace PxePowerShell.Engine.Dhcp6;

/// <summary>DHCPv6 option codes used by network boot (RFC 8415, RFC 5970, RFC 4649, RFC 6939).</summary>
internal enum Dhcp6OptionCode : ushort
{
    /// <summary>Client DUID.</summary>
    ClientId = 1,

    /// <summary>Server DUID.</summary>
    ServerId = 2,

    /// <summary>Identity association for non-temporary addresses.</summary>
    IaNa = 3,

    /// <summary>Identity association for temporary addresses.</summary>
    IaTa = 4,

    /// <summary>An address inside an IA.</summary>
    IaAddress = 5,

    /// <summary>Option request option: the options the client wants.</summary>
    OptionRequest = 6,

    /// <summary>Server preference (0-255).</summary>
    Preference = 7,

    /// <summary>Time since the client began the exchange, in hundredths of a second.</summary>
    ElapsedTime = 8,

    /// <summary>The relayed message inside Relay-forw and Relay-repl.</summary>
    RelayMessage = 9,

    /// <summary>Authentication.</summary>
    Authentication = 11,

    /// <summary>The server accepts unicast.</summary>
    ServerUnicast = 12,

    /// <summary>Status code and message.</summary>
    StatusCode = 13,

    /// <summary>Two-message exchange (Solicit answered by Reply).</summary>
    RapidCommit = 14,

    /// <summary>User class: length-prefixed opaque strings ("iPXE").</summary>
    UserClass = 15,

    /// <summary>Vendor class: an enterprise number and length-prefixed strings ("PXEClient", "HTTPClient").</summary>
    VendorClass = 16,

    /// <summary>Vendor-specific information.</summary>
    VendorOptions = 17,

    /// <summary>Relay agent's interface id.</summary>
    InterfaceId = 18,

    /// <summary>Recursive DNS servers.</summary>
    DnsServers = 23,

    /// <summary>Domain search list.</summary>
    DomainList = 24,

    /// <summary>Identity association for prefix delegation.</summary>
    IaPd = 25,

    /// <summary>Boot file URL (RFC 5970).</summary>
    BootFileUrl = 59,

    /// <summary>Boot file parameters (RFC 5970).</summary>
    BootFileParameters = 60,

    /// <summary>Client system architecture types (RFC 5970).</summary>
    ClientArchitecture = 61,

    /// <summary>Client network interface identifier (RFC 5970).</summary>
    NetworkInterfaceId = 62,

    /// <summary>Client link-layer address, added by relay agents (RFC 6939).</summary>
    ClientLinkLayerAddress = 79,

    /// <summary>Relay source port (RFC 8357): the relay agent listens on the UDP port it sent from, not 547.</summary>
    RelaySourcePort = 135,
}
