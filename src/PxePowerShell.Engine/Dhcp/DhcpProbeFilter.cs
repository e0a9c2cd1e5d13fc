using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// The MAC prefix of the DISCOVERs this host's DHCP server probe (Diagnostics.DhcpServerProbe, a layer above) sends,
/// and the servers' test for them: owned here so the servers never name the probe.
/// </summary>
internal static class DhcpProbeFilter
{
    /// <summary>
    /// True when <paramref name="request"/> is a probe this host sent (a probe MAC, 02-50-58-xx-xx-xx, from the receiving
    /// interface's own address or another address of this machine): the module's servers let it pass unanswered, so a server's own conflict check and a
    /// Find-PxeDhcpServer run on the server's machine list the other servers only, and the inventory gets no phantom client.
    /// </summary>
    public static bool IsFromThisHost(DhcpMessage request, IPEndPoint source, IPAddress interfaceAddress)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(source);
        return request.ClientHardwareAddress.AsSpan(0, 3).SequenceEqual(ProbeMacPrefix)
            && (source.Address.Equals(interfaceAddress) || IsLocalAddress(source.Address));
    }

    /// <summary>
    /// True when <paramref name="address"/> belongs to this machine: a broadcast sent on loopback (or with
    /// SO_BINDTODEVICE) leaves from the address of the default route's interface, not the listener's.
    /// Asked only for the probe's own MAC prefix, so the interface list is read rarely.
    /// </summary>
    private static bool IsLocalAddress(IPAddress address)
    {
        try
        {
            return Engine.Net.NetworkInterfaces.GetAll()
                .Any(i => i.GetIPProperties().UnicastAddresses.Any(u => u.Address.Equals(address)));
        }
        catch (Exception ex) when (ex is System.Net.NetworkInformation.NetworkInformationException or PxeException)
        {
            return false;
        }
    }

    /// <summary>The first three bytes of every probe MAC (02-50-58, locally administered).</summary>
    internal static ReadOnlySpan<byte> ProbeMacPrefix => [0x02, 0x50, 0x58];
}
