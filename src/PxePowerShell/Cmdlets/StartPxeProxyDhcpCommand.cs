using System.Collections;
using System.Management.Automation;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Cmdlets;

/// <summary>Starts a proxyDHCP server (boot options only, never addresses) beside an existing DHCP server.</summary>
[Cmdlet(VerbsLifecycle.Start, "PxeProxyDhcp", SupportsShouldProcess = true)]
[OutputType(typeof(ProxyDhcpServer), typeof(Engine.Events.PxeEvent))]
public sealed class StartPxeProxyDhcpCommand : StartDhcpCmdlet
{
    /// <summary>The PXE boot server port (4011).</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int PxePort { get; set; } = 4011;

    /// <summary>The PXE menu: labels, or hashtables with Label and per-architecture files.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public object[]? Menu { get; set; }

    /// <summary>The menu prompt (pxe-prompt).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Prompt { get; set; }

    /// <summary>Seconds the prompt waits before booting the first entry (255 = forever).</summary>
    [Parameter]
    [ValidateRange(0, 255)]
    public int Timeout { get; set; }

    /// <summary>PXE discovery control (option 43 sub-option 6).</summary>
    [Parameter]
    public byte? DiscoveryControl { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        var boot = BuildBootOptions() with
        {
            Menu = ParseMenu(),
            Prompt = Prompt,
            Timeout = Timeout,
            DiscoveryControl = DiscoveryControl,
        };
        var options = new ProxyDhcpServerOptions
        {
            Interfaces = Interface,
            Addresses = Address,
            Port = Port,
            ClientPort = ClientPort,
            PxePort = PxePort,
            Boot = boot,
            NoOverride = NoOverride,
        };
        string name = ServerName("ProxyDhcp");
        if (!ShouldProcess($"proxyDHCP server '{name}' on {Where()}, UDP ports {Port} and {PxePort}", "Start"))
        {
            return;
        }

        StartServer(new ProxyDhcpServer(name, options, ModuleState.Events), "proxyDHCP server", Port);
    }

    private List<PxeMenuEntry> ParseMenu()
    {
        var entries = new List<PxeMenuEntry>();
        foreach (var raw in Menu ?? [])
        {
            object? item = raw is PSObject p ? p.BaseObject : raw;
            switch (item)
            {
                case string label when !string.IsNullOrWhiteSpace(label):
                    entries.Add(new PxeMenuEntry(label));
                    break;
                case IDictionary table:
                    entries.Add(MenuEntry(table));
                    break;
                default:
                    ThrowTerminatingError(Error(
                        ErrorIds.InvalidParameter,
                        ErrorCategory.InvalidArgument,
                        raw,
                        "-Menu takes labels ('Network Boot') or hashtables such as @{ Label='Install'; Bios='pxelinux.0'; EfiX64='syslinux.efi' }."));
                    break;
            }
        }

        return entries;
    }

    private PxeMenuEntry MenuEntry(IDictionary table)
    {
        string? label = null;
        foreach (DictionaryEntry entry in table)
        {
            if (string.Equals(entry.Key?.ToString(), "Label", StringComparison.OrdinalIgnoreCase))
            {
                label = entry.Value?.ToString();
            }
        }

        if (string.IsNullOrWhiteSpace(label))
        {
            ThrowTerminatingError(Error(ErrorIds.InvalidParameter, ErrorCategory.InvalidArgument, table, "-Menu: every hashtable entry needs a Label, e.g. @{ Label='Install'; Bios='pxelinux.0' }."));
        }

        var files = ParseBootFiles(table, "Menu", allowLabel: true);
        return new PxeMenuEntry(label!, files.Count == 0 ? null : files);
    }
}
