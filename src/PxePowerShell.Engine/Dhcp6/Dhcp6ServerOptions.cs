using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Dhcp6;

/// <summary>
/// Settings of the DHCPv6 server. Without a range it is boot-only (dnsmasq's proxy idea for IPv6): it answers only
/// network-boot clients, with the boot-file URL and never an address, beside the segment's own DHCPv6 server. With
/// <see cref="StartRange"/> and <see cref="EndRange"/> it is the full DHCPv6 server of an isolated segment (IA_NA leases).
/// </summary>
public sealed record Dhcp6ServerOptions
{
    /// <summary>What boot clients are told (shared with DHCPv4).</summary>
    public PxeBootOptions Boot { get; init; } = new();

    /// <summary>First address of the lease range; null = boot-only.</summary>
    public IPAddress? StartRange { get; init; }

    /// <summary>Last address of the lease range.</summary>
    public IPAddress? EndRange { get; init; }

    /// <summary>Prefix length of the segment (Confirm answers NotOnLink outside it).</summary>
    public int PrefixLength { get; init; } = 64;

    /// <summary>Valid lifetime of a lease.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Answer a Solicit carrying Rapid Commit with a Reply (two-message exchange).</summary>
    public bool RapidCommit { get; init; } = true;

    /// <summary>Preference option (7) in Advertise, or null for none (255 makes clients stop waiting for other servers).</summary>
    public byte? Preference { get; init; }

    /// <summary>DNS servers (option 23) for clients that ask.</summary>
    public IReadOnlyList<IPAddress> DnsServers { get; init; } = [];

    /// <summary>How long a declined address stays out of use.</summary>
    public TimeSpan DeclineProbation { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>How many declined addresses one client (DUID) may have on probation at once; past it, no more for it.</summary>
    public int DeclineLimit { get; init; } = 3;

    /// <summary>Interfaces to serve by name; empty = every up interface with IPv6.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>The server's UDP port (547).</summary>
    public int Port { get; init; } = 547;

    /// <summary>The address put in boot URLs ({server}); null = the interface's global address, else its link-local one.</summary>
    public IPAddress? ServerAddress { get; init; }

    /// <summary>Where leases are journaled (full mode); null keeps them in memory (unless <see cref="LeaseStorage"/> is set).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// Where leases are kept, through the storage seam (a shared database, or the embedded journal a host chose); when
    /// set it wins over <see cref="DataDirectory"/>. The server opens it at start and disposes the store at stop.
    /// </summary>
    public ILeaseStorage? LeaseStorage { get; init; }

    /// <summary>The server DUID; null = a DUID-LL of the first served interface's MAC.</summary>
    public byte[]? ServerDuid { get; init; }

    /// <summary>Addresses reserved for clients by DUID or MAC (full mode); each on the range's prefix.</summary>
    public IReadOnlyList<Dhcp6Reservation> Reservations { get; init; } = [];

    /// <summary>True when the server assigns addresses.</summary>
    public bool AssignsAddresses => StartRange is not null;

    /// <summary>Problems with the settings, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if ((StartRange is null) != (EndRange is null))
        {
            errors.Add("Give both the start and the end of the IPv6 range, or neither (boot-only).");
        }

        foreach (var (name, a) in new[] { ("start", StartRange), ("end", EndRange), ("server", ServerAddress) })
        {
            if (a is not null && a.AddressFamily != AddressFamily.InterNetworkV6)
            {
                errors.Add($"The {name} address {a} is not an IPv6 address.");
            }
        }

        if (errors.Count == 0 && StartRange is not null && EndRange is not null)
        {
            if (Dhcp6Addresses.ToUInt128(StartRange) > Dhcp6Addresses.ToUInt128(EndRange))
            {
                errors.Add($"The range start {StartRange} is after its end {EndRange}.");
            }
            else if (!Dhcp6Addresses.SamePrefix(StartRange, EndRange, PrefixLength))
            {
                errors.Add($"The range {StartRange}-{EndRange} is not within one /{PrefixLength} prefix.");
            }
        }

        ValidateReservations(errors);
        if (DeclineLimit < 1)
        {
            errors.Add($"The decline limit {DeclineLimit} must be at least 1.");
        }

        if (PrefixLength is < 1 or > 128)
        {
            errors.Add($"The prefix length {PrefixLength} is not between 1 and 128.");
        }

        if (LeaseDuration <= TimeSpan.Zero || LeaseDuration.TotalSeconds >= uint.MaxValue)
        {
            errors.Add($"The lease duration {LeaseDuration} must be positive and under 136 years.");
        }

        if (Port is < 0 or > 65535)
        {
            errors.Add($"The port {Port} is not between 0 and 65535.");
        }

        return errors;
    }

    private void ValidateReservations(List<string> errors)
    {
        if (Reservations.Count > 0 && StartRange is null)
        {
            errors.Add("Reservations need an IPv6 range (full DHCPv6); a boot-only server assigns no addresses.");
            return;
        }

        var seen = new HashSet<IPAddress>();
        foreach (var r in Reservations)
        {
            if (r.IPAddress.AddressFamily != AddressFamily.InterNetworkV6)
            {
                errors.Add($"The reserved address {r.IPAddress} is not an IPv6 address.");
            }
            else if (StartRange is not null && !Dhcp6Addresses.SamePrefix(r.IPAddress, StartRange, PrefixLength))
            {
                errors.Add($"The reserved address {r.IPAddress} is not in the range's /{PrefixLength} prefix.");
            }
            else if (!seen.Add(r.IPAddress))
            {
                errors.Add($"The address {r.IPAddress} is reserved twice.");
            }

            if (r.Duid is null && r.MacAddress is null)
            {
                errors.Add($"The reservation of {r.IPAddress} names no client: give its DUID or MAC address.");
            }
        }
    }
}
