using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Net;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Hosting;

namespace PxePowerShell.Cmdlets;

/// <summary>
/// Starts the whole boot server in one command: proxyDHCP (or full DHCP with -Dhcp -Range), TFTP and optionally HTTP over
/// one boot namespace, with the HTTP URL wired into iPXE and UEFI HTTP-boot replies and the generated menus. Settings come
/// from parameters, or from a configuration file (-ConfigurationPath, psd1 or JSON) that parameters then override.
/// </summary>
[Cmdlet(VerbsLifecycle.Start, "PxeServer", SupportsShouldProcess = true, DefaultParameterSetName = ProxySet)]
[OutputType(typeof(PxeServer), typeof(Engine.Events.PxeEvent))]
public sealed class StartPxeServerCommand : StartDhcpCmdlet
{
    private const string ProxySet = "ProxyDhcp";
    private const string DhcpSet = "Dhcp";
    private const string NoDhcpSet = "NoDhcp";
    private const string FileSet = "ConfigurationPath";

    /// <summary>The directory served by TFTP and HTTP.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "TftpRoot")]
    [ValidateNotNullOrEmpty]
    public string? Root { get; set; }

    /// <summary>A configuration file (psd1 or JSON, as Export-PxeConfiguration writes); other parameters override it.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    [Alias("Configuration")]
    [ValidateNotNullOrEmpty]
    public string? ConfigurationPath { get; set; }

    /// <summary>proxyDHCP beside the network's own DHCP server (the default).</summary>
    [Parameter(ParameterSetName = ProxySet)]
    public SwitchParameter ProxyDhcp { get; set; }

    /// <summary>Full DHCP: lease addresses from -Range.</summary>
    [Parameter(Mandatory = true, ParameterSetName = DhcpSet)]
    public SwitchParameter Dhcp { get; set; }

    /// <summary>No DHCP at all: TFTP (and HTTP) only, for a network whose DHCP server already points here.</summary>
    [Parameter(Mandatory = true, ParameterSetName = NoDhcpSet)]
    public SwitchParameter NoDhcp { get; set; }

    /// <summary>The first and last address of the pool (full DHCP).</summary>
    [Parameter(Mandatory = true, ParameterSetName = DhcpSet)]
    [Parameter(ParameterSetName = FileSet)]
    [ValidateCount(2, 2)]
    public IPAddress[]? Range { get; set; }

    /// <summary>The subnet mask (full DHCP); default: the mask of the interface whose subnet holds the range.</summary>
    [Parameter(ParameterSetName = DhcpSet)]
    [Parameter(ParameterSetName = FileSet)]
    public IPAddress? SubnetMask { get; set; }

    /// <summary>Routers, option 3 (full DHCP).</summary>
    [Parameter(ParameterSetName = DhcpSet)]
    [Parameter(ParameterSetName = FileSet)]
    [Alias("Gateway", "DefaultGateway")]
    public IPAddress[]? Router { get; set; }

    /// <summary>DNS servers, option 6 (full DHCP).</summary>
    [Parameter(ParameterSetName = DhcpSet)]
    [Parameter(ParameterSetName = FileSet)]
    [Alias("DnsServers")]
    public IPAddress[]? DnsServer { get; set; }

    /// <summary>Domain name, option 15 (full DHCP).</summary>
    [Parameter(ParameterSetName = DhcpSet)]
    [Parameter(ParameterSetName = FileSet)]
    [ValidateNotNullOrEmpty]
    public string? DomainName { get; set; }

    /// <summary>How long a lease lasts (full DHCP; default 12 hours).</summary>
    [Parameter(ParameterSetName = DhcpSet)]
    [Parameter(ParameterSetName = FileSet)]
    [Alias("LeaseDuration")]
    public TimeSpan LeaseTime { get; set; }

    /// <summary>How long a declined address stays out of the pool (full DHCP; default 1 hour).</summary>
    [Parameter(ParameterSetName = DhcpSet)]
    [Parameter(ParameterSetName = FileSet)]
    public TimeSpan DeclineProbation { get; set; }

    /// <summary>How many addresses one client may have on probation at once (full DHCP; default 3).</summary>
    [Parameter(ParameterSetName = DhcpSet)]
    [Parameter(ParameterSetName = FileSet)]
    [ValidateRange(1, 65536)]
    public int DeclineLimit { get; set; }

    /// <summary>Reservations (full DHCP): hashtables with IPAddress and MacAddress, optionally Name.</summary>
    [Parameter(ParameterSetName = DhcpSet)]
    [Parameter(ParameterSetName = FileSet)]
    [ValidateNotNull]
    public object[]? Reservation { get; set; }

    /// <summary>The first and last IPv6 address leased by DHCPv6 (full DHCPv6, one /64); implies -Dhcp6.</summary>
    [Parameter]
    [ValidateCount(2, 2)]
    public IPAddress[]? Dhcp6Range { get; set; }

    /// <summary>The DHCPv6 server port (547).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int Dhcp6Port { get; set; } = 547;

    /// <summary>IPv6 reservations (full DHCPv6): hashtables with an IPv6 IPAddress and Duid or MacAddress, optionally Name.</summary>
    [Parameter]
    [ValidateNotNull]
    public object[]? Dhcp6Reservation { get; set; }

    /// <summary>The PXE boot server port (4011).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int PxePort { get; set; } = 4011;

    /// <summary>The PXE boot menu (option 43): labels, or hashtables with Label and per-architecture files.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[]? Menu { get; set; }

    /// <summary>The text BIOS firmware shows before the menu (pxe-prompt).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Prompt { get; set; }

    /// <summary>How long the PXE prompt waits before booting the first item, in whole seconds up to 00:04:15.</summary>
    [Parameter]
    public TimeSpan PromptTimeout { get; set; }

    /// <summary>
    /// How long to listen after start for other DHCP/proxyDHCP servers answering the same clients (default 2 seconds;
    /// 0 skips the check). Each one found is a warning.
    /// </summary>
    [Parameter]
    public TimeSpan ConflictCheckTimeout { get; set; }

    /// <summary>The TFTP port (69).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int TftpPort { get; set; } = 69;

    /// <summary>The most TFTP transfers at once.</summary>
    [Parameter]
    [Alias("TftpMax")]
    [ValidateRange(1, 100_000)]
    public int MaxSessions { get; set; }

    /// <summary>Serve HTTP too, and send iPXE and UEFI HTTP-boot clients there.</summary>
    [Parameter]
    public SwitchParameter Http { get; set; }

    /// <summary>The HTTP port (80).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int HttpPort { get; set; } = 80;

    /// <summary>The most HTTP connections one client address may hold (nginx's limit_conn); 0 = no limit.</summary>
    [Parameter]
    [ValidateRange(0, 100_000)]
    public int HttpMaxConnectionsPerAddress { get; set; } = 64;

    /// <summary>Let HTTP paths match names that differ only in case (off: URLs are case-sensitive, as in nginx).</summary>
    [Parameter]
    public SwitchParameter HttpIgnoreCase { get; set; }

    /// <summary>Serve only the root: no menus generated from the boot entries.</summary>
    [Parameter]
    public SwitchParameter NoBootMenu { get; set; }

    /// <summary>No Prometheus metrics at /-/metrics on the HTTP port (they are served by default with -Http).</summary>
    [Parameter]
    public SwitchParameter NoMetrics { get; set; }

    /// <summary>Where leases are kept (default: the module's data directory).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? DataDirectory { get; set; }

    /// <summary>
    /// A PostgreSQL connection string (<c>Host=db;Database=pxe;Username=pxe</c>): leases, reservations and boot entries in
    /// a database several servers share, changes of one seen by the others within a second (docs/fleet.md).
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Store { get; set; }

    /// <summary>
    /// The servers that share this segment's clients (full DHCP with -Store), this one (-Name) included, as Kea HA's peers
    /// in load-balancing mode: RFC 3074 buckets split between them, a silent peer's taken over (docs/fleet.md).
    /// </summary>
    [Parameter(ParameterSetName = DhcpSet)]
    [Parameter(ParameterSetName = FileSet)]
    [ValidateCount(2, 64)]
    [ValidateNotNullOrEmpty]
    public string[]? HaPeers { get; set; }

    /// <summary>How often this server heartbeats in the -Store database and reads its peers' heartbeats (default 1 second; Kea's heartbeat-delay).</summary>
    [Parameter(ParameterSetName = DhcpSet)]
    [Parameter(ParameterSetName = FileSet)]
    public TimeSpan HaHeartbeatDelay { get; set; }

    /// <summary>How old a peer's heartbeat may get before this server answers that peer's clients (default 3 seconds; Kea's max-response-delay).</summary>
    [Parameter(ParameterSetName = DhcpSet)]
    [Parameter(ParameterSetName = FileSet)]
    public TimeSpan HaMaxResponseDelay { get; set; }

    /// <summary>x86-64 UEFI clients get the signed chain: shim → GRUB → the generated grub/grub.cfg (Secure Boot on or off).</summary>
    [Parameter]
    public SwitchParameter SecureBoot { get; set; }

    /// <summary>A directory with the signed shimx64.efi and grubx64.efi (default: Debian's shim-signed and grub-efi-amd64-signed files).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SecureBootPath { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var configuration = BuildConfiguration(); // validated by the engine's one parser, the DHCPv6 part included

        if (string.IsNullOrEmpty(configuration.Root))
        {
            ThrowTerminatingError(Error(ErrorIds.RootNotFound, ErrorCategory.InvalidArgument, null, "Start-PxeServer needs a root to serve: pass -Root <directory> or a -ConfigurationPath file that sets Root."));
        }

        string root = configuration.Root!;
        if (!Directory.Exists(root))
        {
            ThrowTerminatingError(Error(ErrorIds.RootNotFound, ErrorCategory.ObjectNotFound, root, $"The root '{root}' does not exist or is not a directory; create it or pass another -Root."));
        }

        if (configuration.SecureBoot)
        {
            CheckSecureBootChain(configuration);
        }

        if (!ShouldProcess(Describe(configuration), "Start"))
        {
            return;
        }

        var menuWarnings = new List<string>();
        PxeServer server;
        try
        {
            server = ModuleState.Host.CreateServer(configuration, menuWarnings.Add);
        }
        catch (Engine.PxeStorageException ex)
        {
            ThrowTerminatingError(Error(ex, configuration.Name, $"The PXE server '{configuration.Name}' could not start: {ex.Message}"));
            throw; // not reached
        }

        AttachIsoMounts(server.Files, configuration.Name);
        MountConfiguredImages(configuration);
        menuWarnings.ForEach(WriteWarning);
        StartServer(server, "PXE server", FirstPort(configuration));
        if (!Wait)
        {
            // With -Wait these Warning events reach the pipeline (and the warning stream) as they come.
            foreach (var warning in server.StartWarnings)
            {
                WriteWarning(warning);
            }

            WriteConflictWarnings(server);
        }

        if (!Wait && server.ServerAddress is null && (configuration.Http || configuration.Addresses.Count == 0))
        {
            WriteVerbose("This machine has several interfaces and none was chosen, so generated menus leave {server} and {http} to the client's view; pass -Interface to pin them.");
        }
    }

    /// <summary>Fails with SecureBootFilesNotFound, saying what to install, when the signed chain is missing.</summary>
    private void CheckSecureBootChain(PxeServerConfiguration configuration)
    {
        try
        {
            var chain = Engine.Boot.SecureBoot.SecureBootChain.Locate(configuration.SecureBootPath);
            WriteVerbose($"Secure Boot chain: {chain.Shim} → {chain.Grub}, served at {Engine.Boot.SecureBoot.SecureBootChain.Directory}/.");
        }
        catch (FileNotFoundException ex)
        {
            ThrowTerminatingError(Error(ErrorIds.SecureBootFilesNotFound, ErrorCategory.ObjectNotFound, configuration.SecureBootPath ?? ex.FileName, ex.Message, ex));
        }

        if (configuration.BootFiles.ContainsKey(Engine.Dhcp.ClientArchitecture.EfiX64))
        {
            WriteWarning($"-SecureBoot replaces the EfiX64 boot file '{configuration.BootFiles[Engine.Dhcp.ClientArchitecture.EfiX64]}' with {Engine.Boot.SecureBoot.SecureBootChain.BootFile}.");
        }
    }

    /// <summary>Waits for the check for other DHCP servers (bounded by its timeout) and writes its warnings.</summary>
    private void WriteConflictWarnings(PxeServer server)
    {
        var check = server.ConflictCheck;
        if (!check.IsCompleted)
        {
            WriteVerbose($"Listening {server.Configuration.ConflictCheckTimeout.TotalSeconds:0.#} s for other DHCP and proxyDHCP servers on the segment (-ConflictCheckTimeout 0 skips this).");
        }

        if (check.Wait(server.Configuration.ConflictCheckTimeout + TimeSpan.FromSeconds(5)))
        {
            foreach (var warning in check.Result)
            {
                WriteWarning(warning);
            }
        }
    }

    /// <summary>
    /// Mounts the configuration's ISO images that are not mounted yet; a warning for each one that cannot be. A mount
    /// scoped to servers (Servers) is scoped to them and to this server, so a server started from its exported
    /// configuration serves its own images whatever it is named now.
    /// </summary>
    private void MountConfiguredImages(PxeServerConfiguration configuration)
    {
        var table = ModuleState.IsoMounts;
        foreach (var wanted in configuration.Mounts)
        {
            var current = table.Mounts.FirstOrDefault(m => string.Equals(m.MountPoint, wanted.MountPoint, StringComparison.OrdinalIgnoreCase));
            if (current is not null)
            {
                if (!string.Equals(current.Path, Path.GetFullPath(wanted.Path), StringComparison.Ordinal))
                {
                    WriteWarning($"The configuration mounts {wanted.Path} at '{wanted.MountPoint}', but {current.Path} is mounted there; it stays.");
                }
                else if (!current.IsServedBy(configuration.Name))
                {
                    WriteWarning($"{current.Path} is mounted at '{current.MountPoint}' for the servers {string.Join(", ", current.Servers)} only, so '{configuration.Name}' does not serve it; Dismount-PxeIso it and mount it again with -Server to change that.");
                }

                continue;
            }

            IReadOnlyList<string>? servers = wanted.Servers.Count == 0 ? null : [.. wanted.Servers, configuration.Name];
            try
            {
                var mount = table.Mount(wanted.Path, wanted.MountPoint, servers);
                WriteVerbose($"Mounted {mount.Path} at {mount.MountPoint} ({mount.Distribution ?? "unknown layout"}){(mount.Servers.Count == 0 ? string.Empty : $" for {string.Join(", ", mount.Servers)}")}.");
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Engine.Iso.IsoFormatException or InvalidOperationException or ArgumentException)
            {
                WriteWarning($"The ISO image {wanted.Path} is not served at '{wanted.MountPoint}': {ex.Message}");
            }
        }
    }

    /// <summary>
    /// The configuration file (if any) with every parameter that was given laid over it by the engine's one parser:
    /// parameter over file over default.
    /// </summary>
    private PxeServerConfiguration BuildConfiguration()
    {
        var file = ConfigurationPath is null ? null : ReadConfigurationFile(ResolvePath(ConfigurationPath));
        var settings = BoundSettings([nameof(ConfigurationPath), nameof(Wait)], nameof(Root), nameof(DataDirectory), nameof(SecureBootPath));
        if (Name is null && file is null)
        {
            settings[nameof(Name)] = ServerName("Pxe"); // before the one validation, which checks -HaPeers against it
        }

        return ApplySettings(file ?? new PxeServerConfiguration(), settings);
    }

    /// <summary>Reads a psd1 (PowerShell's parser, data only: no commands run) or JSON configuration file.</summary>
    private PxeServerConfiguration ReadConfigurationFile(string path)
    {
        if (!File.Exists(path))
        {
            ThrowTerminatingError(Error(ErrorIds.ConfigurationNotFound, ErrorCategory.ObjectNotFound, path, $"The configuration file '{path}' does not exist; Export-PxeConfiguration writes one."));
        }

        try
        {
            if (!PxeConfigurationFile.IsPowerShellDataFile(path))
            {
                return PxeConfigurationFile.ReadJson(path);
            }

            var ast = Parser.ParseFile(path, out _, out var errors);
            if (errors.Length > 0)
            {
                throw new PxeConfigurationException(string.Empty, $"line {errors[0].Extent.StartLineNumber}: {errors[0].Message}");
            }

            var table = ast.Find(a => a is HashtableAst, searchNestedScriptBlocks: false) as HashtableAst
                ?? throw new PxeConfigurationException(string.Empty, "a PowerShell data file holds one hashtable, @{ Root = '/srv/tftp'; Http = $true }.");
            object? values;
            try
            {
                values = table.SafeGetValue();
            }
            catch (InvalidOperationException ex)
            {
                throw new PxeConfigurationException(string.Empty, $"it may hold only data (strings, numbers, $true/$false, @() and @{{}}): {ex.Message}", ex);
            }

            return PxeConfigurationValues.FromValues((IDictionary)values, Path.GetDirectoryName(path));
        }
        catch (PxeConfigurationException ex)
        {
            ThrowTerminatingError(Error(ErrorIds.InvalidConfiguration, ErrorCategory.InvalidData, path, $"The configuration file '{path}' cannot be used: {ex.Message}", ex));
            throw;
        }
        catch (IOException ex)
        {
            ThrowTerminatingError(Error(ErrorIds.InvalidConfiguration, ErrorCategory.ReadError, path, $"The configuration file '{path}' cannot be read: {ex.Message}", ex));
            throw;
        }
    }

    private static int FirstPort(PxeServerConfiguration c) => c.Http ? c.HttpPort : c.Tftp ? c.TftpPort : c.DhcpPort;

    private static string Describe(PxeServerConfiguration c)
    {
        string dhcp = c.DhcpMode switch
        {
            DhcpMode.ProxyDhcp => $"proxyDHCP on UDP {c.DhcpPort} and {c.PxePort}",
            DhcpMode.Dhcp => $"DHCP on UDP {c.DhcpPort} leasing {c.RangeStart}-{c.RangeEnd}",
            _ => "no DHCP",
        };
        if (c.Dhcp6)
        {
            dhcp += c.Dhcp6RangeStart is null ? $", boot-only DHCPv6 on UDP {c.Dhcp6Port}" : $", DHCPv6 on UDP {c.Dhcp6Port} leasing {c.Dhcp6RangeStart}-{c.Dhcp6RangeEnd}";
        }

        if (c.HaPeers.Count > 0)
        {
            dhcp += $" in the high-availability group {string.Join(", ", c.HaPeers)}";
        }

        string where = c.Interfaces.Count == 0 && c.Addresses.Count == 0 ? "every interface" : string.Join(", ", c.Interfaces.Concat(c.Addresses.Select(a => a.ToString())));
        return $"PXE server '{c.Name}' on {where}: {dhcp}, TFTP on UDP {c.TftpPort}{(c.Http ? $", HTTP on TCP {c.HttpPort}" : string.Empty)}{(c.SecureBoot ? ", Secure Boot chain for UEFI x64" : string.Empty)}, serving {c.Root}{(c.Store is null ? string.Empty : ", state in a PostgreSQL database")}";
    }
}
