using System.Management.Automation;
using System.Net;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Services;

namespace PxePowerShell;

/// <summary>
/// The shared half of the cmdlets that serve a boot root (TFTP, HTTP): -Root and -Address, and the boot
/// namespace built over the root, so TFTP and HTTP resolve paths the same way. The namespace also serves the boot
/// menus generated live from the boot entries (pxelinux.cfg/, efi64/ and efi32/pxelinux.cfg/, boot.ipxe,
/// grub/grub.cfg) unless -NoBootMenu is given or the root has its own file or directory at that path.
/// </summary>
public abstract class StartFileServerCmdlet : PxeCmdlet, IDisposable
{
    private readonly ServerLauncher _launcher;

    /// <summary>Creates the cmdlet with its <see cref="ServerLauncher"/>.</summary>
    protected StartFileServerCmdlet()
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

    /// <summary>The directory to serve.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Path", "TftpRoot")]
    [ValidateNotNullOrEmpty]
    public string Root { get; set; } = string.Empty;

    /// <summary>The local address to listen on (default: every IPv4 address).</summary>
    [Parameter]
    [Alias("IPAddress", "ListenAddress")]
    public IPAddress Address { get; set; } = IPAddress.Any;

    /// <summary>Resolves -Root against the current location; a terminating RootNotFound error when it is not a directory.</summary>
    protected string ResolveRoot(string what)
    {
        string root = ResolvePath(Root);
        if (!Directory.Exists(root))
        {
            ThrowTerminatingError(Error(ErrorIds.RootNotFound, ErrorCategory.ObjectNotFound, Root, $"The {what} root '{root}' does not exist or is not a directory; create it or pass another -Root."));
        }

        return root;
    }

    /// <summary>Serve only the root: no generated boot menus.</summary>
    [Parameter]
    public SwitchParameter NoBootMenu { get; set; }

    /// <summary>
    /// The boot namespace served from <paramref name="root"/>, with the generated menus of the boot entries mounted at
    /// the paths of <see cref="BootMenuLayout"/> (rendered from the store on every request, so changes show at once),
    /// except with -NoBootMenu and where the root has its own menu file or directory, which then wins.
    /// </summary>
    protected BootNamespace CreateNamespace(string root, string serverName)
    {
        var boot = new BootNamespace(root);
        AttachIsoMounts(boot, serverName);
        if (NoBootMenu)
        {
            WriteVerbose("-NoBootMenu: no generated boot menus are served.");
            return boot;
        }

        BootEntryStore store;
        try
        {
            store = ModuleState.BootEntries;
        }
        catch (Exception ex) when (ex is BootEntryException or IOException or UnauthorizedAccessException)
        {
            WriteWarning($"No generated boot menus are served: {ex.Message}");
            return boot;
        }

        var options = new BootRenderOptions
        {
            ServerAddress = Address.Equals(IPAddress.Any) || Address.Equals(IPAddress.IPv6Any) ? null : Address.ToString(),
        };
        foreach (var menu in GeneratedMenuSource.MountAll(boot, store.Refresh, options, root))
        {
            WriteVerbose(menu.Mounted
                ? $"Serving {menu.Source.Description} at {menu.Path} from {store.FilePath}."
                : $"The root has its own {menu.Path}; it is served instead of the generated menu.");
        }

        return boot;
    }

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
