namespace PxePowerShell.Engine.Dhcp6;

/// <summary>DHCPv6 status codes (RFC 8415 section 21.13).</summary>
internal enum Dhcp6StatusCode : ushort
{
    /// <summary>Success.</summary>
    Success = 0,

    /// <summary>Failure, reason unspecified.</summary>
    UnspecFail = 1,

    /// <summary>The server has no addresses for the IA.</summary>
    NoAddrsAvail = 2,

    /// <summary>The client's binding is unknown to the server.</summary>
    NoBinding = 3,

    /// <summary>The address is not on the client's link.</summary>
    NotOnLink = 4,

    /// <summary>The client must use multicast.</summary>
    UseMulticast = 5,

    /// <summary>No prefixes available (prefix delegation).</summary>
    NoPrefixAvail = 6,
}
