using System.Collections;
using System.Management.Automation;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Cmdlets;

/// <summary>Starts a proxyDHCP server (boot options only, never addresses) beside an existing DHCP server.</summary>
[Cmdlet(VerbsLifecycle.Start, "PxeProxyDhcp", SupportsShouldProcess = true)]
[OutputType(typeof(ProxyDhcpServer), typeof(Engine.Events.PxeEvent))]
public sealed class StartPxeProxyDhcpCommand : StartPxeMenuCmdlet
{
    /// <summary>How long the prompt waits before booting the first entry, in whole seconds up to 00:04:15 (255 s = forever).</summary>
    [Parameter]
    [Alias("PromptTimeout")]
    public TimeSpan Timeout { get; set; }

    /// <summary>PXE discovery control (option 43 sub-option 6).</summary>
    [Parameter]
    public byte? DiscoveryControl { get; set; }

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        RequireIPv4Parameters();
        int timeout = PromptSeconds(nameof(Timeout), Timeout);
        var boot = BuildBootOptions() with
        {
            Menu = ParseMenu(Menu),
            Prompt = Prompt,
            Timeout = timeout,
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
}
