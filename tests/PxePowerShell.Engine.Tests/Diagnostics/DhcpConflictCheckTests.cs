using System.Net;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Diagnostics;

namespace PxePowerShell.Engine.Tests.Diagnostics;

/// <summary>Which answers to a server's own probe are competition: the rules behind Start-PxeServer's warning.</summary>
public sealed class DhcpConflictCheckTests
{
    private static readonly HashSet<IPAddress> Own = [IPAddress.Parse("10.0.0.2")];

    private static DhcpServerAnswer Answer(string server, bool offers, bool pxe, string? bootFile = null, params string[] menu) =>
        new(IPAddress.Parse(server), IPAddress.Parse(server), offers, offers ? IPAddress.Parse("10.0.0.150") : null, pxe, pxe ? ["PXE"] : ["plain"], bootFile, null, menu);

    [Fact]
    public void In_proxy_mode_the_routers_plain_DHCP_is_fine_and_every_other_PXE_server_is_a_warning()
    {
        var warnings = DhcpConflictCheck.Warnings(DhcpMode.ProxyDhcp, "eth0", [
            Answer("10.0.0.1", offers: true, pxe: false),
            Answer("10.0.0.3", offers: false, pxe: true, null, "Rival boot"),
            Answer("10.0.0.4", offers: true, pxe: true, "pxelinux.0"),
        ], Own);
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("Another PXE server, 10.0.0.3, answers PXE clients on eth0 (menu: Rival boot):", warnings[0], StringComparison.Ordinal);
        Assert.StartsWith("Another PXE server, 10.0.0.4, answers PXE clients on eth0 (boot file pxelinux.0):", warnings[1], StringComparison.Ordinal);
    }

    [Fact]
    public void In_full_DHCP_mode_another_server_offering_addresses_is_a_warning_and_this_servers_own_answer_never_is()
    {
        var warnings = DhcpConflictCheck.Warnings(DhcpMode.Dhcp, "lab0", [
            Answer("10.0.0.1", offers: true, pxe: false),
            Answer("10.0.0.2", offers: true, pxe: true, "undionly.kpxe"),
        ], Own);
        Assert.Equal("Another DHCP server, 10.0.0.1, offers addresses on lab0 (10.0.0.150): clients may take its offer and miss the boot file. Stop it, or run this server with -ProxyDhcp beside it.", Assert.Single(warnings));
    }

    [Fact]
    public async Task No_DHCP_part_or_a_zero_timeout_sends_nothing()
    {
        var iface = new PxePowerShell.Engine.Dhcp.DhcpInterface("does-not-exist0", 999, IPAddress.Parse("10.0.0.2"), IPAddress.Parse("255.255.255.0"), false);
        Assert.Empty(await DhcpConflictCheck.RunAsync(DhcpMode.None, [iface], 67, 68, TimeSpan.FromSeconds(1)));
        Assert.Empty(await DhcpConflictCheck.RunAsync(DhcpMode.ProxyDhcp, [iface], 67, 68, TimeSpan.Zero));
    }
}
