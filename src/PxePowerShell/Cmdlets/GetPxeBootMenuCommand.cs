using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Net;
using PxePowerShell.Engine.Services;

namespace PxePowerShell.Cmdlets;

/// <summary>Renders a generated menu as text, exactly as a client would receive it.</summary>
[Cmdlet(VerbsCommon.Get, "PxeBootMenu")]
[OutputType(typeof(string))]
public sealed class GetPxeBootMenuCommand : BootEntryCmdlet
{
    private BootEntryStore? _store;

    /// <summary>Pxelinux, Syslinux, Ipxe or Grub.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public BootMenuFormat Format { get; set; } = BootMenuFormat.Pxelinux;

    /// <summary>The platform to render for.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ArchitectureCompleter))]
    public string? Architecture { get; set; }

    /// <summary>Render the menu of the client with this MAC address.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("ClientId")]
    [ValidateNotNullOrEmpty]
    public string? MacAddress { get; set; }

    /// <summary>Render the menu of the client with this UUID.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string? Uuid { get; set; }

    /// <summary>The address that replaces {server}.</summary>
    [Parameter]
    [ValidateNotNull]
    public IPAddress? ServerAddress { get; set; }

    /// <summary>The HTTP base URL.</summary>
    [Parameter]
    [ValidateNotNull]
    public Uri? HttpBaseUri { get; set; }

    /// <summary>The BIOS loader is lpxelinux.0.</summary>
    [Parameter]
    public SwitchParameter Lpxelinux { get; set; }

    /// <inheritdoc />
    protected override void BeginProcessing() => _store = OpenStore();

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        BootArchitecture? architecture = null;
        if (Architecture is not null)
        {
            architecture = ParseSingleArchitecture(Architecture);
            if (architecture is null)
            {
                return;
            }
        }

        BootClient? client = null;
        try
        {
            if (MacAddress is not null)
            {
                client = BootClient.FromMac(MacAddress);
            }

            if (Uuid is not null)
            {
                client = new BootClient(client?.MacAddress, BootClient.FromUuid(Uuid).Uuid);
            }
        }
        catch (BootEntryException ex)
        {
            WriteError(BootError(ex, ex.Target));
            return;
        }

        var options = RenderOptions(ServerAddress, HttpBaseUri, Lpxelinux);
        var format = Format;
        if (format is BootMenuFormat.Pxelinux or BootMenuFormat.Syslinux)
        {
            // What is served: BIOS pxelinux.cfg as given, syslinux.efi menus with paths rooted at the TFTP root.
            var platform = architecture ?? (format == BootMenuFormat.Pxelinux ? BootArchitecture.Bios : BootArchitecture.EfiX64);
            if (platform != BootArchitecture.Bios)
            {
                options = options with { RootedPaths = true };
            }
        }

        var configuration = _store!.Refresh();
        WriteVerbose($"{configuration.Entries.Length} boot entries; rendering {format}{(architecture is { } a ? " for " + a : string.Empty)}{(client is null ? string.Empty : " for client " + (client.MacAddress ?? client.Uuid))}.");
        WriteObject(BootMenuRenderer.Render(configuration, format, options, architecture, client));
    }

    /// <summary>
    /// Rendering options: the given address and HTTP base, else those of the running servers — the address of the one
    /// running server bound to a specific address, and http://address:port/ of the one running HTTP server bound to one.
    /// </summary>
    internal static BootRenderOptions RenderOptions(IPAddress? serverAddress, Uri? httpBaseUri, bool lpxelinux)
    {
        var running = ModuleState.Servers.AllServices.Where(s => s.State == PxeServerState.Running && s is not IPxeServiceGroup).ToList();
        if (serverAddress is null)
        {
            var addresses = running.SelectMany(s => s.EndPoints).Select(e => e.Address)
                .Where(a => a.AddressFamily == AddressFamily.InterNetwork && !a.Equals(IPAddress.Any)).Distinct().ToList();
            if (addresses.Count == 1)
            {
                serverAddress = addresses[0];
            }
        }

        if (httpBaseUri is null)
        {
            var http = running.Where(s => string.Equals(s.Role, "Http", StringComparison.OrdinalIgnoreCase))
                .SelectMany(s => s.EndPoints).Where(e => e.AddressFamily == AddressFamily.InterNetwork && !e.Address.Equals(IPAddress.Any)).ToList();
            if (http.Count == 1)
            {
                httpBaseUri = new Uri($"http://{http[0].Address}:{http[0].Port}/");
            }
        }

        return new BootRenderOptions { ServerAddress = serverAddress?.ToString(), HttpBaseUri = httpBaseUri, Lpxelinux = lpxelinux };
    }
}
