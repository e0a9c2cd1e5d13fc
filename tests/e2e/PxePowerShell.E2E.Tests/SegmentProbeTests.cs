namespace PxePowerShell.E2E.Tests;

/// <summary>
/// Find-PxeDhcpServer on the lab's bridge: the router's plain DHCP server (offers an address, no PXE) and the module's
/// proxyDHCP (PXE only, no address) are both found and told apart; an empty segment gives nothing and a warning.
/// dnsmasq pings an address before it offers it (about 3 s), so the probe listens for 6 s.
/// </summary>
public sealed class SegmentProbeTests : IDisposable
{
    // An empty root of the test's own: what the server warns about at start (links out of the root, its own menus)
    // must come from the root it serves, not from whatever /tmp holds.
    private readonly string _root = Directory.CreateTempSubdirectory("pxt-probe-root-").FullName;
    private const string Probe = "Find-PxeDhcpServer -Interface br0 -Timeout 00:00:06 | ForEach-Object { \"ANSWER $($_.ServerAddress) offers=$($_.OffersAddress) pxe=$($_.AnswersPxe) probes=$($_.AnsweredProbes -join '+') menu=$($_.MenuItems -join '|')\" }";

    [E2EFact]
    public void The_router_and_the_proxyDHCP_server_are_both_found_and_told_apart()
    {
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        lab.StartPxePowerShell("Start-PxeServer -Root " + _root + " -Interface eth0 -ProxyDhcp -Name probe -Menu 'Network Boot' -Wait | ForEach-Object { \"EVENT $($_.Kind) $($_.Reason)\" }");
        string output = lab.RunOnTheBridge(Probe);
        var answers = output.Split('\n').Where(l => l.StartsWith("ANSWER", StringComparison.Ordinal)).ToList();
        Assert.True(answers.Count == 2, output);
        Assert.Contains(answers, a => a.StartsWith($"ANSWER {lab.Subnet}.1 offers=True pxe=False", StringComparison.Ordinal));
        Assert.Contains(answers, a => a.StartsWith($"ANSWER {lab.Subnet}.2 offers=False pxe=True probes=PXE menu=Network Boot", StringComparison.Ordinal));
    }

    [E2EFact]
    public void Start_PxeServer_warns_about_a_second_proxyDHCP_but_not_about_the_routers_plain_DHCP()
    {
        using var lab = new FirmwareLab();
        lab.StartRivalProxyDhcp();
        var server = lab.StartPxePowerShell("Start-PxeServer -Root " + _root + " -Interface eth0 -ProxyDhcp -Name rival-check -Wait | ForEach-Object { \"EVENT $($_.Kind) $($_.Reason)\" }");
        string warning = server.WaitForLine(l => l.StartsWith("warning: ", StringComparison.Ordinal), TimeSpan.FromSeconds(20), "conflict warning");
        Assert.StartsWith($"warning: Another PXE server, {lab.Subnet}.1, answers PXE clients on eth0 (menu: Rival boot)", warning, StringComparison.Ordinal);
        server.WaitForLine(l => l.StartsWith("EVENT Warning Another PXE server", StringComparison.Ordinal), TimeSpan.FromSeconds(10), "Warning event");
    }

    [E2EFact]
    public void Beside_only_the_routers_plain_DHCP_server_Start_PxeServer_does_not_warn()
    {
        using var lab = new FirmwareLab();
        lab.StartRouterDhcp();
        // Without -Wait the cmdlet returns once its check has ended; 8 s outlasts the router's ~3 s ping before it offers.
        string output = lab.RunInPxe($"""
            $server = Start-PxeServer -Root {_root} -Interface eth0 -ProxyDhcp -Name quiet-check -ConflictCheckTimeout 00:00:08 -WarningVariable found -WarningAction SilentlyContinue
            "CHECKED warnings=$($found.Count)"
            $server | Stop-PxeServer
            """);
        Assert.Contains("CHECKED warnings=0", output, StringComparison.Ordinal);
        Assert.DoesNotContain("warning:", output, StringComparison.Ordinal);
    }

    [E2EFact]
    public void An_empty_segment_gives_no_answer_and_a_warning()
    {
        using var lab = new FirmwareLab();
        string output = lab.RunOnTheBridge(Probe);
        Assert.DoesNotContain("ANSWER", output, StringComparison.Ordinal);
        Assert.Contains("No DHCP or proxyDHCP server answered within 6 s on br0", output, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
