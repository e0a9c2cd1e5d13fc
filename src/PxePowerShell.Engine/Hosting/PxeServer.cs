using System.Net;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Boot.SecureBoot;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Dhcp6;
using PxePowerShell.Engine.Diagnostics;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Http;
using PxePowerShell.Engine.Services;
using PxePowerShell.Engine.Storage;
using PxePowerShell.Engine.Tftp;

namespace PxePowerShell.Engine.Hosting;

/// <summary>
/// The all-in-one boot server: HTTP (optional), TFTP and proxyDHCP or full DHCP over one boot namespace, started and
/// stopped as one service. HTTP starts first so its URL is known before anything announces it: the DHCP replies to iPXE
/// and UEFI HTTP-boot clients and the generated menus (<c>{http}</c>) point at it. Every part publishes under this
/// server's name; if one part fails, the whole server stops.
/// </summary>
public sealed class PxeServer : PxeServiceBase, IPxeServiceGroup
{
    private readonly List<IPxeService> _services = [];
    private Task<bool> _warmUp = Task.FromResult(false);
    private readonly Func<BootConfiguration>? _bootEntries;
    private readonly object _servicesGate = new();
    private readonly IPxeStorage? _storage;
    private readonly bool _ownsStorage;

    /// <summary>Creates the server; nothing listens until <see cref="PxeServiceBase.StartAsync"/>.</summary>
    /// <param name="configuration">What to run; <see cref="PxeServerConfiguration.Name"/> names this server and its parts.</param>
    /// <param name="files">The namespace TFTP and HTTP serve (the root and any ISO mounts); the generated menus are mounted into it at start.</param>
    /// <param name="bootEntries">The boot entries the generated menus are rendered from on every request; null = no generated menus.</param>
    /// <param name="events">Where every part publishes.</param>
    /// <param name="timeProvider">The clock; null = the system clock.</param>
    /// <param name="storage">
    /// Where the leases live (<see cref="IPxeStorage.Leases"/>) unless <see cref="PxeServerConfiguration.DataDirectory"/>
    /// names a directory for them; null = the journal of <see cref="PxeDataDirectory"/>. <see cref="PxeHost.CreateServer"/>
    /// passes the host's storage.
    /// </param>
    /// <param name="ownsStorage">True: <paramref name="storage"/> is this server's own (a shared store of its configuration), closed when it stops.</param>
    public PxeServer(PxeServerConfiguration configuration, BootNamespace files, Func<BootConfiguration>? bootEntries = null, EventHub? events = null, TimeProvider? timeProvider = null, IPxeStorage? storage = null, bool ownsStorage = false)
        : base(configuration?.Name ?? throw new ArgumentNullException(nameof(configuration)), "Pxe", events, timeProvider)
    {
        ArgumentNullException.ThrowIfNull(files);
        Configuration = configuration;
        Files = files;
        _bootEntries = configuration.BootMenu ? bootEntries : null;
        _storage = storage;
        _ownsStorage = ownsStorage;
    }

    /// <summary>What this server runs.</summary>
    public PxeServerConfiguration Configuration { get; }

    /// <summary>The namespace TFTP and HTTP serve.</summary>
    public BootNamespace Files { get; }

    /// <summary>The address clients reach this server at, when one is known (<see cref="ResolveServerAddress"/>).</summary>
    public IPAddress? ServerAddress { get; private set; }

    /// <summary>The HTTP server's base URL ("http://10.0.0.1:8080/"), or null without HTTP; <c>{server}</c> stands for the interface address when no single one is known.</summary>
    public string? HttpBootUrl { get; private set; }

    /// <summary>The signed chain served at secureboot/ when <see cref="PxeServerConfiguration.SecureBoot"/> is on, else null.</summary>
    public SecureBootChain? SecureBootChain { get; private set; }

    /// <summary>What the start found worth a warning (each also published as a Warning event).</summary>
    public IReadOnlyList<string> StartWarnings => _startWarnings;

    private readonly List<string> _startWarnings = [];

    /// <summary>The running parts, in start order: HTTP, TFTP, DHCP.</summary>
    public IReadOnlyList<IPxeService> Services
    {
        get
        {
            lock (_servicesGate)
            {
                return [.. _services];
            }
        }
    }

    /// <summary>The DHCP part (proxyDHCP or full DHCP), once started.</summary>
    public IPxeService? Dhcp => Services.FirstOrDefault(s => s is ProxyDhcpServer or DhcpServer);

    /// <summary>The TFTP part, once started.</summary>
    public TftpServer? Tftp => Services.OfType<TftpServer>().FirstOrDefault();

    /// <summary>The HTTP part, once started.</summary>
    public HttpBootServer? Http => Services.OfType<HttpBootServer>().FirstOrDefault();

    /// <inheritdoc />
    public override IReadOnlyList<IPEndPoint> EndPoints => Services.SelectMany(s => s.EndPoints).ToList();

    /// <inheritdoc />
    public override PxeServerStatistics GetStatistics() => new PxeServerStatistics(
        (Dhcp as ProxyDhcpServer)?.Statistics ?? (Dhcp as DhcpServer)?.Statistics,
        Tftp?.Statistics,
        Http?.Statistics);

    /// <summary>
    /// The address clients reach the server at: the one -Address, else the address of the one -Interface, else the one
    /// non-loopback IPv4 address of this machine; null when that is ambiguous (several interfaces and none chosen).
    /// </summary>
    public static IPAddress? ResolveServerAddress(PxeServerConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (configuration.Addresses.Count == 1)
        {
            return configuration.Addresses[0];
        }

        if (configuration.Addresses.Count > 1)
        {
            return null;
        }

        var all = DhcpInterface.All();
        var candidates = configuration.Interfaces.Count > 0
            ? all.Where(i => configuration.Interfaces.Contains(i.Name, StringComparer.Ordinal)).ToList()
            : all.Where(i => !i.IsLoopback).ToList();
        return candidates.Count == 1 ? candidates[0].Address : null;
    }

    /// <inheritdoc />
    protected override async Task OnStartAsync(CancellationToken cancellationToken)
    {
        ServerAddress = ResolveServerAddress(Configuration);
        var bindAddress = ServerAddress is not null && (Configuration.Addresses.Count == 1 || Configuration.Interfaces.Count == 1)
            ? ServerAddress
            : IPAddress.Any;
        // With DHCPv6, HTTP and TFTP listen dual-stack ([::] takes IPv4 too) unless bound to one IPv4 address by -Address:
        // an interface chosen by name (-Interface) has IPv6 addresses too, which the DHCPv6 boot URLs name.
        var dualStackAddress = Configuration.Dhcp6 && (bindAddress.Equals(IPAddress.Any) || Configuration.Addresses.Count == 0) ? IPAddress.IPv6Any : bindAddress;

        if (Configuration.Http)
        {
            var httpOptions = new HttpBootServerOptions
            {
                Address = dualStackAddress,
                Port = Configuration.HttpPort,
                MaxConnectionsPerAddress = Configuration.HttpMaxConnectionsPerAddress,
                IgnoreCase = Configuration.HttpIgnoreCase,
                MetricsPath = PxeMetrics.Path,
                Metrics = Configuration.Metrics ? () => PxeMetrics.Render(Services) : null,
            };
            var http = new HttpBootServer(Name, httpOptions, Files, Events, Time);
            await StartPartAsync(http, "HTTP", Configuration.HttpPort, cancellationToken).ConfigureAwait(false);
            int port = http.EndPoints.Count > 0 ? http.EndPoints[0].Port : Configuration.HttpPort;
            string host = ServerAddress?.ToString() ?? "{server}";
            HttpBootUrl = port == 80 ? $"http://{host}/" : $"http://{host}:{port}/";
        }

        if (Configuration.HttpBootUrl is not null)
        {
            HttpBootUrl = Configuration.HttpBootUrl; // an HTTP server elsewhere
        }

        MountSecureBootChain();
        MountGeneratedMenus();
        WarnAboutOutsideLinks();

        if (Configuration.Tftp)
        {
            var tftp = new TftpServer(
                Name,
                new TftpServerOptions
                {
                    Address = dualStackAddress,
                    Port = Configuration.TftpPort,
                    MaxSessions = Configuration.TftpMaxSessions > 0 ? Configuration.TftpMaxSessions : new TftpServerOptions().MaxSessions,
                },
                Files,
                Events,
                Time);
            await StartPartAsync(tftp, "TFTP", Configuration.TftpPort, cancellationToken).ConfigureAwait(false);
        }

        if (CreateDhcp() is { } dhcp)
        {
            await StartPartAsync(dhcp, Configuration.DhcpMode == DhcpMode.Dhcp ? "DHCP" : "proxyDHCP", Configuration.DhcpPort, cancellationToken).ConfigureAwait(false);
            ConflictCheck = CheckForConflictsAsync((dhcp as ProxyDhcpServer)?.Interfaces ?? (dhcp as DhcpServer)?.Interfaces ?? []);
        }

        if (Configuration.Dhcp6)
        {
            await StartPartAsync(new Dhcp6Server(Name, Dhcp6Options(), Events, Time), "DHCPv6", Configuration.Dhcp6Port, cancellationToken).ConfigureAwait(false);
        }

        foreach (var part in Services)
        {
            _ = part.Completion.ContinueWith(_ => OnPartStopped(part), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        _warmUp = StartupWarmUp.RunAsync(Files, Configuration.Http, Configuration.Tftp, Lifetime);
    }

    /// <summary>The start-up warm-up (<see cref="StartupWarmUp"/>): true once it fetched the menus on its throwaway servers.</summary>
    internal Task<bool> WarmUp => _warmUp;

    /// <inheritdoc />
    protected override async Task OnStopAsync()
    {
        await _warmUp.ConfigureAwait(false); // never throws; cancelled with the lifetime
        // Stop in reverse order: no new DHCP offers point at a TFTP/HTTP server that is already gone.
        foreach (var part in Services.Reverse())
        {
            await part.StopAsync().ConfigureAwait(false);
        }

        if (_ownsStorage)
        {
            _storage?.Dispose();
        }
    }

    /// <summary>
    /// The warnings of the check for other DHCP/proxyDHCP servers that runs right after start (see
    /// <see cref="DhcpConflictCheck"/>), each also published as a Warning event; completes within
    /// <see cref="PxeServerConfiguration.ConflictCheckTimeout"/>, at once (empty) when there is no DHCP part or no check.
    /// </summary>
    public Task<IReadOnlyList<string>> ConflictCheck { get; private set; } = Task.FromResult<IReadOnlyList<string>>([]);

    private async Task<IReadOnlyList<string>> CheckForConflictsAsync(IReadOnlyList<DhcpInterface> interfaces)
    {
        IReadOnlyList<string> warnings;
        try
        {
            warnings = await DhcpConflictCheck.RunAsync(
                Configuration.DhcpMode,
                interfaces,
                DhcpPorts.ServerOrDefault(Configuration.DhcpPort),
                Configuration.ClientPort,
                Configuration.ConflictCheckTimeout,
                Lifetime).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return []; // stopped while checking
        }

        foreach (var warning in warnings)
        {
            Publish(new PxeEvent { Kind = PxeEventKind.Warning, Time = Time.GetUtcNow(), Server = Name, Protocol = Configuration.DhcpMode == DhcpMode.Dhcp ? PxeProtocol.Dhcp : PxeProtocol.ProxyDhcp, Reason = warning });
        }

        return warnings;
    }

    /// <summary>The boot options every DHCP reply is built from, with the HTTP URL wired in.</summary>
    internal PxeBootOptions BootOptions() => Configuration.BootOptions() with
    {
        BootFiles = SecureBootChain is null
            ? Configuration.BootFiles
            : new Dictionary<ClientArchitecture, string>(Configuration.BootFiles) { [ClientArchitecture.EfiX64] = SecureBootChain.BootFile },
        HttpBootUrl = HttpBootUrl,
    };

    private IPxeService? CreateDhcp()
    {
        switch (Configuration.DhcpMode)
        {
            case DhcpMode.ProxyDhcp:
                return new ProxyDhcpServer(Name, Configuration.ProxyDhcpServerOptions(BootOptions()), Events, Time);
            case DhcpMode.Dhcp:
                var options = DhcpOptions();
                var problems = options.Validate();
                if (problems.Count > 0)
                {
                    throw new ArgumentException(string.Join(" ", problems));
                }

                return new DhcpServer(Name, options, Events, Time);
            default:
                return null;
        }
    }

    private Dhcp6ServerOptions Dhcp6Options()
    {
        var boot = BootOptions();
        if (Configuration.HttpBootUrl is null && Configuration.Http && HttpBootUrl is not null && ServerAddress is not null)
        {
            // Our own HTTP part: IPv6 clients get the address they asked on ({server}), not the IPv4 one.
            boot = boot with { HttpBootUrl = HttpBootUrl.Replace(ServerAddress.ToString(), "{server}", StringComparison.Ordinal) };
        }

        var options = Configuration.Dhcp6ServerOptions(
            Path.Combine(DataDirectory, EmbeddedStorage.Leases6DirectoryName),
            Configuration.Dhcp6RangeStart is null ? null : LeaseStorage(LeaseFamily.IPv6),
            boot);
        var problems = options.Validate();
        return problems.Count > 0 ? throw new ArgumentException(string.Join(" ", problems)) : options;
    }

    private DhcpServerOptions DhcpOptions() =>
        Configuration.DhcpServerOptions(Path.Combine(DataDirectory, EmbeddedStorage.LeasesDirectoryName), LeaseStorage(LeaseFamily.IPv4), BootOptions());

    /// <summary>The data directory of this server's lease journals: the configuration's, else <see cref="PxeDataDirectory"/>'s.</summary>
    private string DataDirectory => Configuration.DataDirectory ?? PxeDataDirectory.Resolve();

    /// <summary>The storage's leases, unless the configuration names a directory for them and no shared store (then its journal, as <c>DataDirectory</c> says).</summary>
    private ILeaseStorage? LeaseStorage(LeaseFamily family) => Configuration.DataDirectory is null || _ownsStorage ? _storage?.Leases(family) : null;

    /// <summary>A warning per symbolic link of the root that points outside it (never served), naming what replaces it.</summary>
    private void WarnAboutOutsideLinks()
    {
        if (Files.RootDirectory is { } root)
        {
            foreach (var link in OutsideLinkScanner.Find(root))
            {
                Warn(PxeProtocol.Tftp, link.Advice);
            }
        }
    }

    /// <summary>Serves the signed chain at secureboot/ (throws FileNotFoundException, naming the packages, when it is missing).</summary>
    private void MountSecureBootChain()
    {
        if (!Configuration.SecureBoot)
        {
            return;
        }

        SecureBootChain = SecureBootChain.Locate(Configuration.SecureBootPath);
        Files.Mount(BootPath.Parse(SecureBootChain.Directory), SecureBootChain.ToSource());
        if (Configuration.DhcpMode == DhcpMode.ProxyDhcp)
        {
            Warn(PxeProtocol.ProxyDhcp, SecureBootChain.ProxyDhcpWarning);
        }

        if (!Configuration.BootMenu)
        {
            Warn(PxeProtocol.Tftp, "-SecureBoot without generated menus: GRUB reads grub/grub.cfg from the root, so put one there.");
        }
    }

    private void Warn(PxeProtocol protocol, string warning)
    {
        _startWarnings.Add(warning);
        Publish(new PxeEvent { Kind = PxeEventKind.Warning, Time = Time.GetUtcNow(), Server = Name, Protocol = protocol, Reason = warning });
    }

    private void MountGeneratedMenus()
    {
        if (_bootEntries is null)
        {
            return;
        }

        var options = new BootRenderOptions
        {
            ServerAddress = ServerAddress?.ToString(),
            HttpBaseUri = HttpBootUrl is not null && !HttpBootUrl.Contains("{server}", StringComparison.Ordinal) && Uri.TryCreate(HttpBootUrl, UriKind.Absolute, out var http) ? http : null,
        };
        string? root = Files.RootDirectory;
        // Without one known address, each request is rendered for the address it arrived on ({server}, {http}).
        string? template = HttpBootUrl is not null && HttpBootUrl.Contains("{server}", StringComparison.Ordinal) ? HttpBootUrl : null;
        var mounts = GeneratedMenuSource.MountAll(Files, _bootEntries, options, root, template);
        int entries = _bootEntries()?.Entries.Length ?? 0;
        foreach (var shadowed in mounts.Where(m => !m.Mounted && entries > 0))
        {
            // A tree unpacked into the root (Debian's netboot.tar.gz) brings its own menu: it is served, not the entries.
            Warn(PxeProtocol.Tftp, $"The root has its own {shadowed.Path}, which is served instead of the menu generated from the {entries} boot entries: clients that read it do not see them. Move it away to serve the generated menu.");
        }
    }

    /// <summary>Starts one part; a failure is marked with the part's name and port, so the error names them (not another part's).</summary>
    private async Task StartPartAsync(IPxeService part, string what, int port, CancellationToken cancellationToken)
    {
        lock (_servicesGate)
        {
            _services.Add(part);
        }

        try
        {
            await part.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw PxeStartException.InPart(ex, what, port);
        }
    }

    private void OnPartStopped(IPxeService part)
    {
        if (State == PxeServerState.Running && part is PxeServiceBase { FaultException: { } error })
        {
            Fault(new InvalidOperationException($"The {part.Role} part of '{Name}' failed: {error.Message}", error));
        }
    }
}
