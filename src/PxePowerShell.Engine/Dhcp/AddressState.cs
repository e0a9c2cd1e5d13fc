namespace PxePowerShell.Engine.Dhcp;

/// <summary>The state of an address in the pool (names from the Windows DhcpServer module).</summary>
public enum AddressState
{
    /// <summary>Offered to a client that has not requested it yet.</summary>
    Offered,

    /// <summary>Leased.</summary>
    Active,

    /// <summary>Declined by a client (in use by someone else); quarantined until its expiry time.</summary>
    Declined,

    /// <summary>The lease ran out or was released.</summary>
    Expired,

    /// <summary>A reservation that is leased.</summary>
    ActiveReservation,

    /// <summary>A reservation that is not leased.</summary>
    InactiveReservation,
}
