using System.Net;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>Settings of a full DHCP server (<c>Start-PxeDhcpServer</c>); names follow the Windows DhcpServer module.</summary>
public sealed record DhcpServerOptions
{
    /// <summary>Interface names to serve. Empty together with <see cref="Addresses"/>: every up IPv4 interface whose subnet holds the range.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>Interface addresses to serve.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; init; } = [];

    /// <summary>The DHCP server port (67; tests use another).</summary>
    public int Port { get; init; } = 67;

    /// <summary>The client port that broadcast replies go to (68).</summary>
    public int ClientPort { get; init; } = 68;

    /// <summary>First address of the pool.</summary>
    public required IPAddress StartRange { get; init; }

    /// <summary>Last address of the pool.</summary>
    public required IPAddress EndRange { get; init; }

    /// <summary>The subnet mask (option 1).</summary>
    public required IPAddress SubnetMask { get; init; }

    /// <summary>The scope (network address): <see cref="StartRange"/> masked.</summary>
    public IPAddress ScopeId => IPv4.ToAddress(IPv4.ToUInt32(StartRange) & IPv4.ToUInt32(SubnetMask));

    /// <summary>Routers (option 3); 0.0.0.0 stands for the address of the interface the request came in on.</summary>
    public IReadOnlyList<IPAddress> Router { get; init; } = [];

    /// <summary>DNS servers (option 6).</summary>
    public IReadOnlyList<IPAddress> DnsServers { get; init; } = [];

    /// <summary>Domain name (option 15).</summary>
    public string? DomainName { get; init; }

    /// <summary>Lease time (option 51); default 12 hours like the dnsmasq seed.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromHours(12);

    /// <summary>How long an offered address is held for the client.</summary>
    public TimeSpan OfferHoldTime { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a declined address is kept out of the pool (Kea's decline-probation-period, 24 h there); default
    /// 1 hour: long enough for the conflicting host to show itself, short enough that a mistaken DECLINE costs little.
    /// </summary>
    public TimeSpan DeclineProbation { get; init; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How many addresses one client may have on probation at once (default 3). A client at the limit has its further
    /// DECLINEs ignored and gets no OFFER until one of its declined addresses comes back: one client can never empty the pool.
    /// </summary>
    public int DeclineLimit { get; init; } = 3;

    /// <summary>Reservations by MAC address.</summary>
    public IReadOnlyList<DhcpReservation> Reservations { get; init; } = [];

    /// <summary>Where leases are kept (journal); null keeps them in memory only (unless <see cref="LeaseStorage"/> is set).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// Where leases are kept, through the storage seam (a shared database, or the embedded journal a host chose); when
    /// set it wins over <see cref="DataDirectory"/>. The server opens it at start and disposes the store at stop.
    /// </summary>
    public ILeaseStorage? LeaseStorage { get; init; }

    /// <summary>Boot options for PXE and HTTP-boot clients (siaddr, file, HTTPClient URL); null sends none.</summary>
    public PxeBootOptions? Boot { get; init; }

    /// <summary>Never put options into the sname/file fields.</summary>
    public bool NoOverride { get; init; }

    /// <summary>
    /// Load balancing and failover with other servers of the same segment and database (docs/fleet.md); null: this server
    /// answers every client. Needs a <see cref="LeaseStorage"/> whose store keeps heartbeats (<see cref="IHaHeartbeatStore"/>).
    /// </summary>
    public DhcpHaOptions? HighAvailability { get; init; }

    /// <summary>Checks the settings; returns the problems (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (StartRange.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || EndRange.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            errors.Add("StartRange and EndRange must be IPv4 addresses.");
            return errors;
        }

        if (!IPv4.IsValidMask(SubnetMask))
        {
            errors.Add($"'{SubnetMask}' is not a valid subnet mask.");
            return errors;
        }

        uint start = IPv4.ToUInt32(StartRange), end = IPv4.ToUInt32(EndRange), mask = IPv4.ToUInt32(SubnetMask);
        if (start > end)
        {
            errors.Add($"StartRange {StartRange} is after EndRange {EndRange}.");
        }

        if ((start & mask) != (end & mask))
        {
            errors.Add($"The range {StartRange}-{EndRange} is not inside one subnet with mask {SubnetMask}.");
        }

        if (start == (start & mask) || end == ((end & mask) | ~mask))
        {
            errors.Add($"The range {StartRange}-{EndRange} includes the network or broadcast address.");
        }

        if (DeclineProbation < TimeSpan.Zero || DeclineProbation > TimeSpan.FromDays(365))
        {
            errors.Add($"DeclineProbation {DeclineProbation} must be between 0 and 365 days.");
        }

        if (DeclineLimit < 1 || DeclineLimit > 65536)
        {
            errors.Add($"DeclineLimit {DeclineLimit} must be between 1 and 65536.");
        }

        if (LeaseDuration < TimeSpan.FromSeconds(60) || LeaseDuration.TotalSeconds > uint.MaxValue)
        {
            errors.Add($"LeaseDuration {LeaseDuration} must be at least one minute.");
        }

        foreach (var r in Reservations.Where(r => r.LeaseDuration is { } d && (d < TimeSpan.FromSeconds(60) || d.TotalSeconds > uint.MaxValue)))
        {
            errors.Add($"Reservations {r.IPAddress}: LeaseDuration {r.LeaseDuration} must be at least one minute.");
        }

        foreach (var (name, addresses) in new[] { ("Router", Router), ("DnsServers", DnsServers), ("Reservations", Reservations.Select(r => r.IPAddress).ToList()) })
        {
            foreach (var a in addresses.Where(a => a.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork))
            {
                errors.Add($"{name}: '{a}' is not an IPv4 address.");
            }
        }

        if (HighAvailability is not null)
        {
            errors.AddRange(HighAvailability.Validate());
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        foreach (var r in Reservations)
        {
            if (!MacAddress.TryNormalizeHardwareAddress(r.ClientId, out _))
            {
                errors.Add($"Reservation {r.IPAddress}: '{r.ClientId}' is not a MAC address.");
            }

            if ((IPv4.ToUInt32(r.IPAddress) & mask) != (start & mask))
            {
                errors.Add($"Reservation {r.IPAddress} is outside the scope {ScopeId}/{SubnetMask}.");
            }
        }

        return errors;
    }
}
