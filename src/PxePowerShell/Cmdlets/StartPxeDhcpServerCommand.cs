using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Cmdlets;

/// <summary>Starts a full DHCP server (addresses from a range, leases kept in a journal) that also tells PXE clients what to boot.</summary>
[Cmdlet(VerbsLifecycle.Start, "PxeDhcpServer", SupportsShouldProcess = true, DefaultParameterSetName = ByRange)]
[OutputType(typeof(DhcpServer), typeof(Engine.Dhcp6.Dhcp6Server), typeof(Engine.Events.PxeEvent))]
public sealed class StartPxeDhcpServerCommand : StartDhcpCmdlet
{
    private const string ByRange = "Range";
    private const string ByStartEnd = "StartEnd";

    /// <summary>The first and last address of the pool.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = ByRange)]
    [ValidateCount(2, 2)]
    public IPAddress[] Range { get; set; } = [];

    /// <summary>The first address of the pool.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByStartEnd)]
    public IPAddress? StartRange { get; set; }

    /// <summary>The last address of the pool.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ByStartEnd)]
    public IPAddress? EndRange { get; set; }

    /// <summary>The subnet mask; default: the mask of the interface whose subnet holds the range, else 255.255.255.0.</summary>
    [Parameter]
    public IPAddress? SubnetMask { get; set; }

    /// <summary>Routers (option 3).</summary>
    [Parameter]
    [Alias("Gateway", "DefaultGateway")]
    public IPAddress[] Router { get; set; } = [];

    /// <summary>DNS servers (option 6).</summary>
    [Parameter]
    [Alias("DnsServers")]
    public IPAddress[] DnsServer { get; set; } = [];

    /// <summary>Domain name (option 15).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DomainName { get; set; }

    /// <summary>How long a lease lasts (default 12 hours).</summary>
    [Parameter]
    [Alias("LeaseDuration")]
    public TimeSpan LeaseTime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How long a declined address stays out of the pool (default 1 hour; Kea's decline-probation-period).</summary>
    [Parameter]
    public TimeSpan DeclineProbation { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How many addresses one client may have on probation at once (default 3); past it, nothing more for it.</summary>
    [Parameter]
    [ValidateRange(1, 65536)]
    public int DeclineLimit { get; set; } = 3;

    /// <summary>
    /// Reservations: hashtables or objects with IPAddress and ClientId (or MacAddress), optionally Name; with -Dhcp6,
    /// an IPv6 IPAddress and Duid or MacAddress.
    /// </summary>
    [Parameter]
    [ValidateNotNull]
    public object[] Reservation { get; set; } = [];

    /// <summary>Where the lease journal is kept (default: the module data directory's "leases").</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DataDirectory { get; set; }

    /// <summary>A PostgreSQL connection string: leases and reservations in a database several servers share (docs/fleet.md).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    /// <summary>
    /// The servers that share this segment's clients, this one (-Name) included, as Kea HA's peers in load-balancing mode:
    /// RFC 3074 buckets split between them, taken over from a peer whose heartbeat in the -Store database stops (docs/fleet.md).
    /// </summary>
    [Parameter]
    [ValidateCount(2, 64)]
    [ValidateNotNullOrEmpty]
    public string[] HaPeers { get; set; } = [];

    /// <summary>How often this server heartbeats in the database and reads its peers' heartbeats (default 1 second; Kea's heartbeat-delay).</summary>
    [Parameter]
    public TimeSpan HaHeartbeatDelay { get; set; } = DhcpHaOptions.DefaultHeartbeatDelay;

    /// <summary>How old a peer's heartbeat may get before this server answers that peer's clients (default 3 seconds; Kea's max-response-delay).</summary>
    [Parameter]
    public TimeSpan HaMaxResponseDelay { get; set; } = DhcpHaOptions.DefaultMaxResponseDelay;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (Dhcp6)
        {
            StartDhcp6();
            return;
        }

        // A full DHCP server under its name: the engine's one validation checks -HaPeers against both (and -Store).
        string name = ServerName("Dhcp");
        var settings = BoundSettings([nameof(Name), nameof(Wait), nameof(DataDirectory)]);
        settings[nameof(Name)] = name;
        settings[nameof(PxeServerConfiguration.DhcpMode)] = nameof(DhcpMode.Dhcp);
        var c = ApplySettings(new PxeServerConfiguration(), settings);
        IPAddress start = c.RangeStart!;
        IPAddress end = c.RangeEnd!;
        string directory = DataDirectory is null ? Path.Combine(ModuleState.Host.DataDirectory, Engine.Storage.EmbeddedStorage.LeasesDirectoryName) : ResolvePath(DataDirectory);
        var options = Parsed(
            () => c.DhcpServerOptions(
                directory,
                DataDirectory is null ? ModuleState.Host.Storage.Leases(Engine.Storage.LeaseFamily.IPv4) : null,
                HasBootParameters ? c.BootOptions() : null),
            settings);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            ThrowTerminatingError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, $"{start}-{end}", string.Join(" ", problems)));
        }

        if (Store is not null)
        {
            options = options with { LeaseStorage = StoreSetting.Leases(Store, name) };
        }

        if (!ShouldProcess($"DHCP server '{name}' on {Where()}, UDP port {c.DhcpPort}, leasing {start}-{end}/{options.SubnetMask} for {c.LeaseDuration}, leases in {(Store is null ? directory : "a PostgreSQL database")}", "Start"))
        {
            return;
        }

        StartServer(new DhcpServer(name, options, ModuleState.Events), "DHCP server", c.DhcpPort);
    }

    /// <summary>-Dhcp6: a full DHCPv6 server leasing the IPv6 range (IA_NA), leases in the data directory's "leases6".</summary>
    private void StartDhcp6()
    {
        var c = BoundDhcp6Configuration(nameof(DataDirectory), nameof(Store));
        string directory = DataDirectory is null ? Path.Combine(PxeDataDirectory.Resolve(), "leases6") : ResolvePath(DataDirectory);
        var options = c.Dhcp6ServerOptions(directory, null, c.BootOptions());
        string name = ServerName("Dhcp6");
        if (Store is not null)
        {
            options = options with { LeaseStorage = StoreSetting.Leases(Store, name, Engine.Storage.LeaseFamily.IPv6) };
        }

        if (!ShouldProcess($"DHCPv6 server '{name}' on {Where()}, UDP port {options.Port}, leasing {c.Dhcp6RangeStart}-{c.Dhcp6RangeEnd} for {c.LeaseDuration}, leases in {(Store is null ? directory : "a PostgreSQL database")}", "Start"))
        {
            return;
        }

        StartServer(new Engine.Dhcp6.Dhcp6Server(name, options, ModuleState.Events), "DHCPv6 server", options.Port);
    }
}
