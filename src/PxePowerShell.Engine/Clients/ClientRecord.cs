using System.Net;

namespace PxePowerShell.Engine.Clients;

/// <summary>
/// One client in the inventory: what the servers saw of it and what it is assigned. A client seen only over
/// TFTP/HTTP before any DHCP exchange has no <see cref="MacAddress"/> until DHCP links its address to a MAC; a DHCPv6
/// client whose DUID carries no MAC is known by its <see cref="Duid"/>.
/// </summary>
public sealed record ClientRecord
{
    /// <summary>The hardware address, <c>aa-bb-cc-dd-ee-ff</c>; null for a client known only by its IP address or its DUID.</summary>
    public string? MacAddress { get; init; }

    /// <summary>The DhcpServer module's name for <see cref="MacAddress"/> (the same hyphenated form).</summary>
    public string? ClientId => MacAddress;

    /// <summary>
    /// The DHCPv6 client's DUID (hyphenated hex, <c>00-01-00-01-...</c>), the last one it sent; null for a client never
    /// seen over DHCPv6. A DHCPv6 client whose DUID carries no MAC (DUID-EN, DUID-UUID) and that no relay named by its
    /// link-layer address is known by its DUID alone, with a null <see cref="MacAddress"/>.
    /// </summary>
    public string? Duid { get; init; }

    /// <summary>The last IP address the client used or was given.</summary>
    public IPAddress? IPAddress { get; init; }

    /// <summary>The client's architecture (RFC 4578 name: Bios, EfiX64, EfiArm64, …).</summary>
    public string? Architecture { get; init; }

    /// <summary>
    /// The architecture number the client's vendor class carries (<c>PXEClient:Arch:00007</c> is 7, which
    /// <see cref="Architecture"/> records as EfiX64 like 9), or null.
    /// </summary>
    public int? ArchitectureId => Dhcp.PxeRequest.ArchFromVendorClass(VendorClass) is { } a ? (ushort)a : null;

    /// <summary>The DHCP vendor class (option 60), e.g. <c>PXEClient:Arch:00007:UNDI:003016</c>.</summary>
    public string? VendorClass { get; init; }

    /// <summary>The client's UUID/GUID (DHCP option 97).</summary>
    public Guid? Uuid { get; init; }

    /// <summary>The host name the client gave or an administrator set.</summary>
    public string? HostName { get; init; }

    /// <summary>When a server first saw the client; null for a client registered but never seen.</summary>
    public DateTimeOffset? FirstSeen { get; init; }

    /// <summary>When a server last saw the client; null for a client registered but never seen.</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>The last boot file named to the client by DHCP or requested by it over TFTP/HTTP.</summary>
    public string? LastBootFile { get; init; }

    /// <summary>The boot entry assigned to this client (used by DHCP and the generated menus); null for the default.</summary>
    public string? BootEntry { get; init; }

    /// <summary>Network boots started: DHCP DISCOVERs with distinct transaction ids.</summary>
    public int BootCount { get; init; }

    /// <summary>The last failure a server reported for this client (failed transfer, refused request).</summary>
    public string? LastError { get; init; }

    /// <summary>
    /// In a fleet's shared inventory, the node (the store's server name) that last saw the client, and so its last
    /// boot; null in the embedded inventory, which only this server writes.
    /// </summary>
    public string? Server { get; init; }
}
