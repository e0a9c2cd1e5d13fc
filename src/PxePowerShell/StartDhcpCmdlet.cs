using System.Collections;
using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Services;

namespace PxePowerShell;

/// <summary>
/// The shared half of Start-PxeProxyDhcp, Start-PxeDhcpServer and Start-PxeServer: the interfaces to serve and the boot
/// options (-BootFile hashtable by architecture, -HttpBootUrl, -IpxeScript, -TftpServer, -NoOverride). Parameters are
/// read by the engine's one configuration parser (<see cref="PxeConfigurationParameters"/>), never here.
/// </summary>
public abstract class StartDhcpCmdlet : PxeCmdlet, IDisposable
{
    private readonly ServerLauncher _launcher;

    /// <summary>Creates the cmdlet with its <see cref="ServerLauncher"/>.</summary>
    protected StartDhcpCmdlet()
    {
        _launcher = new ServerLauncher(this);
    }

    /// <summary>The server's name in this session (default: the role and a number, "tftp1").</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    /// <summary>Run in the foreground: write the server's events to the pipeline until it stops, Ctrl+C, SIGTERM or SIGINT, then stop it.</summary>
    [Parameter]
    public SwitchParameter Wait { get; set; }

    /// <summary>Interface names to serve (eth0, enp3s0...).</summary>
    [Parameter]
    [Alias("InterfaceAlias")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(InterfaceCompleter))]
    public string[] Interface { get; set; } = [];

    /// <summary>Interface addresses to serve (each names the interface that has it).</summary>
    [Parameter]
    [Alias("IPAddress", "ListenAddress")]
    [ValidateNotNullOrEmpty]
    public IPAddress[] Address { get; set; } = [];

    /// <summary>The DHCP server port (67).</summary>
    [Parameter]
    [Alias("DhcpPort")]
    [ValidateRange(1, 65535)]
    public int Port { get; set; } = 67;

    /// <summary>The port clients listen on (68); another value only for labs and tests.</summary>
    [Parameter]
    [ValidateRange(1, 65535)]
    public int ClientPort { get; set; } = 68;

    /// <summary>Boot files by architecture: keys are ClientArchitecture names (Bios, EfiX64, EfiArm64...).</summary>
    [Parameter]
    [ValidateNotNull]
    public Hashtable? BootFile { get; set; }

    /// <summary>Base URL for HTTP-boot clients and the iPXE script; {server} is replaced by the interface address.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? HttpBootUrl { get; set; }

    /// <summary>What iPXE clients get instead of the iPXE binary (TFTP name or URL).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? IpxeScript { get; set; }

    /// <summary>The TFTP server (next server, siaddr); default: the interface the request came in on.</summary>
    [Parameter]
    [Alias("NextServer")]
    public IPAddress? TftpServer { get; set; }

    /// <summary>
    /// DHCPv6 for UEFI PXE and HTTP boot over IPv6 (UDP 547): Start-PxeProxyDhcp boot-only, Start-PxeDhcpServer a full
    /// DHCPv6 server leasing -Range, Start-PxeServer the DHCPv6 part beside the others (-Dhcp6Range for full).
    /// </summary>
    [Parameter]
    public SwitchParameter Dhcp6 { get; set; }

    /// <summary>Never put options into the sname/file fields (dnsmasq's dhcp-no-override).</summary>
    [Parameter]
    public SwitchParameter NoOverride { get; set; }

    /// <summary>True when any boot parameter was given.</summary>
    protected bool HasBootParameters =>
        new[] { nameof(BootFile), nameof(HttpBootUrl), nameof(IpxeScript), nameof(TftpServer) }.Any(MyInvocation.BoundParameters.ContainsKey);

    /// <summary>
    /// The configuration the bound parameters describe, from the engine's one parser laid over the defaults (the same
    /// validation and ErrorIds as a configuration file); <paramref name="notSettings"/> are this cmdlet's parameters that
    /// are not settings (besides -Name and -Wait, which every server cmdlet handles itself).
    /// </summary>
    protected PxeServerConfiguration BoundConfiguration(params string[] notSettings) =>
        ApplySettings(new PxeServerConfiguration(), BoundSettings([nameof(Name), nameof(Wait), .. notSettings]));

    /// <summary>
    /// The DHCPv6 configuration the bound parameters of -Dhcp6 describe, from the engine's one parser
    /// (<see cref="PxeConfigurationParameters.ApplyDhcp6"/>: the range, reservations, DNS and TFTP servers as IPv6, boot
    /// files, DHCPv4-only parameters refused) with the same validation and ErrorIds as Start-PxeServer's DHCPv6 part and
    /// a configuration file; <paramref name="notSettings"/> as for <see cref="BoundConfiguration"/>.
    /// </summary>
    protected PxeServerConfiguration BoundDhcp6Configuration(params string[] notSettings)
    {
        var settings = BoundSettings([nameof(Name), nameof(Wait), .. notSettings]);
        return Parsed(() => PxeConfigurationParameters.ApplyDhcp6(new PxeServerConfiguration(), settings), settings);
    }

    /// <summary>Describes where the server will listen, for ShouldProcess.</summary>
    protected string Where() =>
        Interface.Length == 0 && Address.Length == 0 ? "every interface" : string.Join(", ", Interface.Concat(Address.Select(a => a.ToString())));

    /// <summary>The name to give a server of <paramref name="role"/> (-Name when given).</summary>
    protected string ServerName(string role) => ServerLauncher.ServerName(role, Name);

    /// <summary>Registers and starts <paramref name="server"/> (see <see cref="ServerLauncher.StartServer"/>); <paramref name="port"/> is named in errors.</summary>
    protected void StartServer(IPxeService server, string what, int port) => _launcher.StartServer(server, what, port, Wait);

    /// <summary>Serves the mounted ISO images in <paramref name="boot"/>, the namespace of <paramref name="serverName"/>, until it stops.</summary>
    protected void AttachIsoMounts(Engine.Files.BootNamespace boot, string serverName) => _launcher.AttachIsoMounts(boot, serverName);

    /// <inheritdoc />
    protected override void StopProcessing() => _launcher.Stop();

    /// <inheritdoc />
    public void Dispose()
    {
        _launcher.Dispose();
        GC.SuppressFinalize(this);
    }
}
