namespace PxePowerShell.Engine.Dhcp6;

/// <summary>DHCPv6 message types (RFC 8415 section 7.3).</summary>
internal enum Dhcp6MessageType : byte
{
    /// <summary>Not a known message type.</summary>
    None = 0,

    /// <summary>A client looks for servers.</summary>
    Solicit = 1,

    /// <summary>A server answers a Solicit.</summary>
    Advertise = 2,

    /// <summary>A client asks one server for configuration.</summary>
    Request = 3,

    /// <summary>A client asks whether its addresses are still on link.</summary>
    Confirm = 4,

    /// <summary>A client extends its leases with the server that gave them.</summary>
    Renew = 5,

    /// <summary>A client extends its leases with any server.</summary>
    Rebind = 6,

    /// <summary>A server answers Request, Confirm, Renew, Rebind, Release, Decline and Information-request.</summary>
    Reply = 7,

    /// <summary>A client gives its addresses back.</summary>
    Release = 8,

    /// <summary>A client reports that an address is in use on the link.</summary>
    Decline = 9,

    /// <summary>A server tells a client to renew.</summary>
    Reconfigure = 10,

    /// <summary>A client asks for configuration without addresses (stateless).</summary>
    InformationRequest = 11,

    /// <summary>A relay agent forwards a message to a server.</summary>
    RelayForward = 12,

    /// <summary>A server sends a reply through a relay agent.</summary>
    RelayReply = 13,
}
