using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;

namespace PxePowerShell.Engine.Configuration;

/// <summary>
/// Everything Start-PxeServer needs: what Export-PxeConfiguration writes and -ConfigurationPath reads (psd1 or JSON), and
/// what ConvertFrom-PxeDnsmasqConfig produces. Plain values only, so it round-trips through both file formats.
/// </summary>
public sealed record PxeServerConfiguration
{
    /// <summary>The server's name in the session (Get-PxeServer, Stop-PxeServer).</summary>
    public string Name { get; init; } = "pxe";

    /// <summary>The directory served by TFTP and HTTP (dnsmasq's tftp-root).</summary>
    public string? Root { get; init; }

    /// <summary>proxyDHCP (default), full DHCP, or none.</summary>
    public DhcpMode DhcpMode { get; init; } = DhcpMode.ProxyDhcp;

    /// <summary>Interface names to serve (dnsmasq's interface=); empty = every interface.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>Interface addresses to serve (dnsmasq's listen-address=); empty = every interface.</summary>
    public IReadOnlyList<IPAddress> Addresses { get; init; } = [];

    /// <summary>First address leased in full DHCP mode.</summary>
    public IPAddress? RangeStart { get; init; }

    /// <summary>Last address leased in full DHCP mode.</summary>
    public IPAddress? RangeEnd { get; init; }

    /// <summary>The subnet mask handed out in full DHCP mode; null = the serving interface's mask.</summary>
    public IPAddress? SubnetMask { get; init; }

    /// <summary>Routers (option 3) in full DHCP mode; 0.0.0.0 stands for this server (the serving interface's address), as in dnsmasq.</summary>
    public IReadOnlyList<IPAddress> Router { get; init; } = [];

    /// <summary>DNS servers (option 6) in full DHCP mode; 0.0.0.0 stands for this server.</summary>
    public IReadOnlyList<IPAddress> DnsServers { get; init; } = [];

    /// <summary>The domain name (option 15) in full DHCP mode.</summary>
    public string? DomainName { get; init; }

    /// <summary>Lease duration in full DHCP mode.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromHours(12);

    /// <summary>How long a declined address stays out of the pool in full DHCP mode (Kea's decline-probation-period).</summary>
    public TimeSpan DeclineProbation { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How many addresses one client may have on probation at once in full DHCP mode; past it, nothing more for it.</summary>
    public int DeclineLimit { get; init; } = 3;

    /// <summary>Fixed addresses by MAC in full DHCP mode (dnsmasq's dhcp-host=).</summary>
    public IReadOnlyList<DhcpReservation> Reservations { get; init; } = [];

    /// <summary>Boot files by client architecture; architectures left out get the built-in defaults.</summary>
    public IReadOnlyDictionary<ClientArchitecture, string> BootFiles { get; init; } = new Dictionary<ClientArchitecture, string>();

    /// <summary>What iPXE clients get instead of the iPXE binary (breaks chainload loops); null = the generated menu script.</summary>
    public string? IpxeScript { get; init; }

    /// <summary>
    /// The base URL HTTP-boot and iPXE clients are sent to; null = this server's own HTTP part when <see cref="Http"/> is
    /// on. <c>{server}</c> stands for the address of the interface the request came in on.
    /// </summary>
    public string? HttpBootUrl { get; init; }

    /// <summary>PXE boot menu items (option 43, dnsmasq's pxe-service=); empty = no PXE menu.</summary>
    public IReadOnlyList<PxeMenuEntry> Menu { get; init; } = [];

    /// <summary>The PXE menu prompt (dnsmasq's pxe-prompt=).</summary>
    public string? Prompt { get; init; }

    /// <summary>Seconds the PXE prompt waits before booting the first item.</summary>
    public int PromptTimeout { get; init; }

    /// <summary>Never put options into the sname/file fields (dnsmasq's dhcp-no-override).</summary>
    public bool NoOverride { get; init; }

    /// <summary>The TFTP server address to announce (next-server); null = the interface the request came in on.</summary>
    public IPAddress? TftpServer { get; init; }

    /// <summary>The DHCP server port (67).</summary>
    public int DhcpPort { get; init; } = 67;

    /// <summary>
    /// How long to listen, right after start, for other DHCP/proxyDHCP servers answering the same clients (one PXE and
    /// one plain DISCOVER on each served interface); <see cref="TimeSpan.Zero"/> skips the check.
    /// </summary>
    public TimeSpan ConflictCheckTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The PXE boot server port (4011) in proxyDHCP mode.</summary>
    public int PxePort { get; init; } = 4011;

    /// <summary>The DHCP client port (68); another value only for labs and tests.</summary>
    public int ClientPort { get; init; } = 68;

    /// <summary>Whether TFTP runs (dnsmasq's enable-tftp).</summary>
    public bool Tftp { get; init; } = true;

    /// <summary>The TFTP port (69).</summary>
    public int TftpPort { get; init; } = 69;

    /// <summary>The most concurrent TFTP transfers (dnsmasq's tftp-max); 0 = the server's default.</summary>
    public int TftpMaxSessions { get; init; }

    /// <summary>Whether HTTP runs beside TFTP; its URL is wired into iPXE and UEFI HTTP boot replies.</summary>
    public bool Http { get; init; }

    /// <summary>The HTTP port (80).</summary>
    public int HttpPort { get; init; } = 80;

    /// <summary>Most HTTP connections one client address may hold (nginx's limit_conn); 0 = no limit. See <see cref="Http.HttpBootServerOptions.MaxConnectionsPerAddress"/>.</summary>
    public int HttpMaxConnectionsPerAddress { get; init; } = new Http.HttpBootServerOptions().MaxConnectionsPerAddress;

    /// <summary>Whether HTTP lookups may match a name that differs only in case (off: URLs are case-sensitive, as in nginx).</summary>
    public bool HttpIgnoreCase { get; init; }

    /// <summary>
    /// Whether the HTTP part answers <c>GET /-/metrics</c> with this server's counters in the Prometheus text format
    /// (docs/fleet.md); on by default, <c>-NoMetrics</c> turns it off. A boot file at <c>-/metrics</c> under the root is then not served over HTTP.
    /// </summary>
    public bool Metrics { get; init; } = true;

    /// <summary>Whether generated menus (pxelinux.cfg/default, boot.ipxe, grub/grub.cfg) are served from the boot entries.</summary>
    public bool BootMenu { get; init; } = true;

    /// <summary>
    /// Whether x86-64 UEFI clients get the signed Secure Boot chain (shim → GRUB → the generated grub/grub.cfg) instead of
    /// the EfiX64 boot file; see <see cref="Boot.SecureBoot.SecureBootChain"/>.
    /// </summary>
    public bool SecureBoot { get; init; }

    /// <summary>A directory holding the signed chain (shimx64.efi, grubx64.efi, optionally mmx64.efi); null = Debian's shim-signed and grub-efi-amd64-signed files.</summary>
    public string? SecureBootPath { get; init; }

    /// <summary>ISO images served from mount points of the namespace.</summary>
    public IReadOnlyList<IsoMountConfiguration> Mounts { get; init; } = [];

    /// <summary>
    /// Whether the DHCPv6 server runs beside DHCPv4 (UEFI PXE and HTTP boot over IPv6): boot-only (answers network-boot
    /// clients with the boot-file URL, never an address) without <see cref="Dhcp6RangeStart"/>, full DHCPv6 with it.
    /// TFTP and HTTP then listen on IPv6 too.
    /// </summary>
    public bool Dhcp6 { get; init; }

    /// <summary>First IPv6 address leased (full DHCPv6); null = boot-only.</summary>
    public IPAddress? Dhcp6RangeStart { get; init; }

    /// <summary>Last IPv6 address leased (full DHCPv6).</summary>
    public IPAddress? Dhcp6RangeEnd { get; init; }

    /// <summary>IPv6 addresses reserved by DUID or MAC (full DHCPv6).</summary>
    public IReadOnlyList<Dhcp6.Dhcp6Reservation> Dhcp6Reservations { get; init; } = [];

    /// <summary>
    /// High availability of full DHCP (docs/fleet.md): every server of the group, this one (<see cref="Name"/>) included,
    /// as Kea HA's peers in load-balancing mode. They share <see cref="Store"/>, split the clients by their RFC 3074 bucket and
    /// take over a peer's clients when its heartbeat stops. Empty = no group: this server answers every client.
    /// </summary>
    public IReadOnlyList<string> HaPeers { get; init; } = [];

    /// <summary>How often this server heartbeats in the store and reads its peers' heartbeats (Kea's heartbeat-delay); null = 1 second.</summary>
    public TimeSpan? HaHeartbeatDelay { get; init; }

    /// <summary>How old a peer's heartbeat may get before this server answers that peer's clients (Kea's max-response-delay); null = 3 seconds.</summary>
    public TimeSpan? HaMaxResponseDelay { get; init; }

    /// <summary>
    /// The high-availability settings of the DHCP part (<see cref="HaPeers"/> and its delays), null without a group. This
    /// is the one validation of those settings, whether they came from parameters, a file or both: HaPeers needs full DHCP
    /// and a <see cref="Store"/> (<see cref="PxeErrorIds.SharedStoreRequired"/>); the delays need HaPeers; the group
    /// must name this server once, the delays be positive and HaMaxResponseDelay longer than HaHeartbeatDelay
    /// (<see cref="PxeErrorIds.InvalidParameter"/>).
    /// </summary>
    /// <exception cref="PxeConfigurationException">The settings cannot be used; its Key names the setting.</exception>
    public DhcpHaOptions? HighAvailability()
    {
        if (HaPeers.Count == 0)
        {
            foreach (var (setting, given) in new[] { (nameof(HaHeartbeatDelay), HaHeartbeatDelay), (nameof(HaMaxResponseDelay), HaMaxResponseDelay) })
            {
                if (given is not null)
                {
                    throw new PxeConfigurationException(setting, $"{setting} sets the heartbeat of a high-availability group; name the group's servers with HaPeers (and the shared database with Store), or leave it out.");
                }
            }

            return null;
        }

        if (DhcpMode != DhcpMode.Dhcp)
        {
            throw new PxeConfigurationException(nameof(HaPeers), $"HaPeers splits the clients of full DHCP between servers; it needs DhcpMode Dhcp (Start-PxeServer -Dhcp -Range), not {DhcpMode}.");
        }

        if (Store is null)
        {
            throw new PxeConfigurationException(
                nameof(HaPeers),
                "HaPeers needs Store: the servers of a high-availability group share their leases and heartbeats in one PostgreSQL database (-Store, Store in a file; docs/fleet.md).",
                errorId: PxeErrorIds.SharedStoreRequired);
        }

        var options = new DhcpHaOptions
        {
            ServerName = Name,
            Peers = HaPeers,
            HeartbeatDelay = HaHeartbeatDelay ?? DhcpHaOptions.DefaultHeartbeatDelay,
            MaxResponseDelay = HaMaxResponseDelay ?? DhcpHaOptions.DefaultMaxResponseDelay,
        };
        var problems = options.Problems();
        return problems.Count == 0 ? options : throw new PxeConfigurationException(problems[0].Setting, problems[0].Message);
    }

    /// <summary>
    /// The boot options every DHCP and DHCPv6 reply of this configuration is built from: boot files, iPXE script, HTTP
    /// boot URL, next server, PXE menu, prompt and its timeout.
    /// </summary>
    public Dhcp.PxeBootOptions BootOptions() => new()
    {
        BootFiles = BootFiles,
        IpxeScript = IpxeScript,
        HttpBootUrl = HttpBootUrl,
        TftpServer = TftpServer,
        Menu = Menu,
        Prompt = Prompt,
        Timeout = PromptTimeout,
    };

    /// <summary>
    /// The options of the proxyDHCP server this configuration describes: the one mapping from the configuration to
    /// <see cref="ProxyDhcpServerOptions"/>, used by <c>Hosting.PxeServer</c> and by Start-PxeProxyDhcp.
    /// </summary>
    /// <param name="boot">What boot clients are answered with (<see cref="BootOptions"/> or the composed server's).</param>
    public ProxyDhcpServerOptions ProxyDhcpServerOptions(PxeBootOptions boot)
    {
        ArgumentNullException.ThrowIfNull(boot);
        return new ProxyDhcpServerOptions
        {
            Interfaces = Interfaces,
            Addresses = Addresses,
            Port = DhcpPort,
            PxePort = PxePort,
            ClientPort = ClientPort,
            Boot = boot,
            NoOverride = NoOverride,
        };
    }

    /// <summary>
    /// The options of the full DHCPv4 server this configuration describes: the one mapping from the configuration to
    /// <see cref="DhcpServerOptions"/>, used by <c>Hosting.PxeServer</c> and by Start-PxeDhcpServer, so a setting reaches
    /// both servers or neither.
    /// </summary>
    /// <param name="leaseDirectory">Where the lease journal is kept when <paramref name="leaseStorage"/> is null.</param>
    /// <param name="leaseStorage">The storage's IPv4 leases; null = the journal in <paramref name="leaseDirectory"/>.</param>
    /// <param name="boot">What boot clients are answered with (<see cref="BootOptions"/> or the composed server's); null = no boot options.</param>
    /// <exception cref="ArgumentException">The configuration has no range.</exception>
    /// <exception cref="PxeConfigurationException">HaPeers and its delays do not fit (<see cref="HighAvailability"/>).</exception>
    public DhcpServerOptions DhcpServerOptions(string leaseDirectory, ILeaseStorage? leaseStorage, PxeBootOptions? boot)
    {
        if (RangeStart is null || RangeEnd is null)
        {
            throw new ArgumentException("Full DHCP mode needs a range: give -Range first,last (RangeStart and RangeEnd in a configuration file).");
        }

        return new DhcpServerOptions
        {
            Interfaces = Interfaces,
            Addresses = Addresses,
            Port = DhcpPort,
            ClientPort = ClientPort,
            StartRange = RangeStart,
            EndRange = RangeEnd,
            SubnetMask = SubnetMask ?? DhcpInterface.SubnetMaskFor(RangeStart) ?? IPAddress.Parse("255.255.255.0"),
            Router = Router,
            DnsServers = DnsServers,
            DomainName = DomainName,
            LeaseDuration = LeaseDuration,
            DeclineProbation = DeclineProbation,
            DeclineLimit = DeclineLimit,
            Reservations = Reservations,
            DataDirectory = leaseDirectory,
            LeaseStorage = leaseStorage,
            Boot = boot,
            NoOverride = NoOverride,
            HighAvailability = HighAvailability(),
        };
    }

    /// <summary>
    /// The options of the DHCPv6 server this configuration describes (full with a Dhcp6 range, boot-only without): the
    /// one mapping from the configuration to <see cref="Dhcp6ServerOptions"/>. DHCPv6 names only an IPv6 TFTP server
    /// and IPv6 DNS servers, so IPv4 ones (the DHCPv4 part's) are left out; lease time, decline probation and limit are
    /// the DHCPv4 part's.
    /// </summary>
    /// <param name="leaseDirectory">Where the lease journal is kept in full mode when <paramref name="leaseStorage"/> is null.</param>
    /// <param name="leaseStorage">The storage's IPv6 leases; null = the journal in <paramref name="leaseDirectory"/>.</param>
    /// <param name="boot">What boot clients are answered with (<see cref="BootOptions"/> or the composed server's).</param>
    public Dhcp6ServerOptions Dhcp6ServerOptions(string leaseDirectory, ILeaseStorage? leaseStorage, PxeBootOptions boot)
    {
        ArgumentNullException.ThrowIfNull(boot);
        bool full = Dhcp6RangeStart is not null;
        return new Dhcp6ServerOptions
        {
            Interfaces = Interfaces,
            Port = Dhcp6Port,
            StartRange = Dhcp6RangeStart,
            EndRange = Dhcp6RangeEnd,
            Reservations = Dhcp6Reservations,
            DnsServers = DnsServers.Where(a => a.AddressFamily == AddressFamily.InterNetworkV6).ToList(),
            DeclineProbation = DeclineProbation,
            DeclineLimit = DeclineLimit,
            LeaseDuration = LeaseDuration,
            DataDirectory = full ? leaseDirectory : null,
            LeaseStorage = full ? leaseStorage : null,
            Boot = boot with { TftpServer = boot.TftpServer is { AddressFamily: AddressFamily.InterNetworkV6 } t ? t : null },
        };
    }

    /// <summary>The DHCPv6 server port (547).</summary>
    public int Dhcp6Port { get; init; } = 547;

    /// <summary>Where leases and the inventory live; null = the module's data directory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// A PostgreSQL connection string (Npgsql's syntax, <c>Host=db;Database=pxe;Username=pxe</c>): the leases,
    /// reservations and boot entries in a database several servers share (docs/fleet.md); null = the embedded store of
    /// the data directory.
    /// </summary>
    public string? Store { get; init; }
}
