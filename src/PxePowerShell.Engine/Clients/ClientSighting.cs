using System.Net;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Clients;

/// <summary>
/// What a server observed of a client at one moment. Null properties are "not observed" and never erase what the
/// inventory already knows.
/// </summary>
public sealed record ClientSighting
{
    /// <summary>When it was observed.</summary>
    public required DateTimeOffset Time { get; init; }

    /// <summary>The hardware address, when the protocol carries it (DHCP); null for TFTP/HTTP.</summary>
    public MacAddress? MacAddress { get; init; }

    /// <summary>
    /// The DHCPv6 client's DUID as hyphenated hex (<c>00-02-00-00-ab-11-...</c>), or null. A sighting with a DUID and no
    /// MAC (DUID-EN, DUID-UUID, no relay option 79) is recorded in a row keyed by the DUID.
    /// </summary>
    public string? Duid { get; init; }

    /// <summary>The client's IP address (its source address, or the address DHCP gave it).</summary>
    public IPAddress? IPAddress { get; init; }

    /// <summary>The client's architecture name (Bios, EfiX64, …).</summary>
    public string? Architecture { get; init; }

    /// <summary>The DHCP vendor class (option 60).</summary>
    public string? VendorClass { get; init; }

    /// <summary>The client's UUID/GUID (option 97).</summary>
    public Guid? Uuid { get; init; }

    /// <summary>The host name the client sent (option 12).</summary>
    public string? HostName { get; init; }

    /// <summary>The boot file named to the client or the file it requested.</summary>
    public string? BootFile { get; init; }

    /// <summary>A failure to record as the client's last error.</summary>
    public string? Error { get; init; }

    /// <summary>True when this observation starts a network boot (a DHCP DISCOVER); counted once per <see cref="TransactionId"/>.</summary>
    public bool StartsBoot { get; init; }

    /// <summary>The DHCP transaction id, which keeps retransmitted DISCOVERs from being counted twice.</summary>
    public uint? TransactionId { get; init; }

    /// <summary>The step to add to the client's boot trace, or null.</summary>
    public BootTraceStep? Trace { get; init; }

    /// <summary>
    /// True when the sighting only adds <see cref="Trace"/> to a client already in the inventory (a DHCP message the
    /// module ignored): it never creates a client or changes what is known of one.
    /// </summary>
    public bool TraceOnly { get; init; }
}
