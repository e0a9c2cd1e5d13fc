using System.Net;
using System.Net.Sockets;
using PxePowerShell.Engine.Configuration;

namespace PxePowerShell.Engine.Diagnostics;

/// <summary>
/// Right after a PXE server starts, asks each interface it serves who else answers: one PXE and one plain DISCOVER
/// (<see cref="DhcpServerProbe"/>) and a warning for every other server that competes for the same clients. In proxyDHCP
/// mode that is another PXE server (a second proxyDHCP, or a DHCP server that hands out boot files); in full DHCP mode
/// it is any other DHCP server offering addresses, and any other PXE server. The router's plain DHCP server beside a
/// proxyDHCP is how proxyDHCP is meant to work and is never a warning.
/// </summary>
internal static class DhcpConflictCheck
{
    /// <summary>Probes every interface in <paramref name="interfaces"/> at once and returns the warnings, one per competing server and interface.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(
        DhcpMode mode,
        IReadOnlyList<Dhcp.DhcpInterface> interfaces,
        int serverPort,
        int clientPort,
        TimeSpan timeout,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(interfaces);
        if (mode == DhcpMode.None || timeout <= TimeSpan.Zero || interfaces.Count == 0)
        {
            return [];
        }

        var own = interfaces.Select(i => i.Address).ToHashSet();
        var probes = interfaces.DistinctBy(i => i.Name).Select(async iface =>
        {
            try
            {
                var answers = await DhcpServerProbe.ProbeAsync(iface.Name, timeout, serverPort, clientPort, cancellationToken).ConfigureAwait(false);
                return Warnings(mode, iface.Name, answers, own);
            }
            catch (SocketException ex)
            {
                return [$"Could not check {iface.Name} for other DHCP servers (client port {clientPort}: {ex.Message}); Find-PxeDhcpServer -Interface {iface.Name} does the same check by hand."];
            }
        });
        return (await Task.WhenAll(probes).ConfigureAwait(false)).SelectMany(w => w).ToList();
    }

    /// <summary>The warnings that <paramref name="answers"/> on <paramref name="interfaceName"/> call for, ignoring this server's own addresses.</summary>
    public static IReadOnlyList<string> Warnings(DhcpMode mode, string interfaceName, IEnumerable<DhcpServerAnswer> answers, ISet<IPAddress> ownAddresses)
    {
        ArgumentNullException.ThrowIfNull(answers);
        ArgumentNullException.ThrowIfNull(ownAddresses);
        var warnings = new List<string>();
        foreach (var answer in answers)
        {
            if (ownAddresses.Contains(answer.ServerAddress) || ownAddresses.Contains(answer.SourceAddress))
            {
                continue;
            }

            string offers = answer.BootFile is not null ? $" (boot file {answer.BootFile})" : answer.MenuItems.Count > 0 ? $" (menu: {string.Join(", ", answer.MenuItems)})" : string.Empty;
            if (answer.AnswersPxe)
            {
                warnings.Add(
                    $"Another PXE server, {answer.ServerAddress}, answers PXE clients on {interfaceName}{offers}: each client boots from whichever answers first. " +
                    "Stop one of them, or turn off PXE on the other (dnsmasq: remove its pxe-service/dhcp-boot lines).");
            }
            else if (mode == DhcpMode.Dhcp && answer.OffersAddress)
            {
                warnings.Add(
                    $"Another DHCP server, {answer.ServerAddress}, offers addresses on {interfaceName}{(answer.OfferedAddress is null ? string.Empty : $" ({answer.OfferedAddress})")}: clients may take its offer and miss the boot file. " +
                    "Stop it, or run this server with -ProxyDhcp beside it.");
            }
        }

        return warnings;
    }
}
