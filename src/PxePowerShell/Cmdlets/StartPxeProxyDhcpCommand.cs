using System.Management.Automation;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Cmdlets;

/// <summary>Starts a proxyDHCP server (boot options only, never addresses) beside an existing DHCP server.</summary>
[Cmdlet(VerbsLifecycle.Start, "PxeProxyDhcp", SupportsShouldProcess = true)]
[OutputType(typeof(ProxyDhcpServer), typeof(Engine.Dhcp6.Dhcp6Server), typeof(Engine.Events.PxeEvent))]
public sealed class StartPxeProxyDhcpCommand : StartDhcpCmdlet
{
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
        if (Dhcp6)
        {
            StartBootOnlyDhcp6();
            return;
        }

        var c = BoundConfiguration(nameof(DiscoveryControl));
        var options = c.ProxyDhcpServerOptions(c.BootOptions() with { DiscoveryControl = DiscoveryControl });
        string name = ServerName("ProxyDhcp");
        if (!ShouldProcess($"proxyDHCP server '{name}' on {Where()}, UDP ports {c.DhcpPort} and {c.PxePort}", "Start"))
        {
            return;
        }

        StartServer(new ProxyDhcpServer(name, options, ModuleState.Events), "proxyDHCP server", c.DhcpPort);
    }

    /// <summary>-Dhcp6: the boot-only DHCPv6 server (the boot-file URL to network-boot clients, never an address).</summary>
    private void StartBootOnlyDhcp6()
    {
        var c = BoundDhcp6Configuration();
        var options = c.Dhcp6ServerOptions(string.Empty, null, c.BootOptions());
        string name = ServerName("ProxyDhcp6");
        if (!ShouldProcess($"boot-only DHCPv6 server '{name}' on {Where()}, UDP port {options.Port}", "Start"))
        {
            return;
        }

        StartServer(new Engine.Dhcp6.Dhcp6Server(name, options, ModuleState.Events), "DHCPv6 server", options.Port);
    }
}
