using System.Collections.Concurrent;
using System.Net;
using System.Net.NetworkInformation;

namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// The MTU of the interface a request arrived on (from IP_PKTINFO's interface index), cached for a minute.
/// Loopback answers 65536; unknown interfaces answer null (no clamp beyond RFC 2348 and the options).
/// </summary>
internal sealed class TftpInterfaceMtu(TimeProvider time)
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<int, (int? Mtu, long Expires)> _cache = new();

    public int? Lookup(IPAddress localAddress, int interfaceIndex)
    {
        if (IPAddress.IsLoopback(localAddress))
        {
            return 65536;
        }

        long now = time.GetTimestamp();
        if (_cache.TryGetValue(interfaceIndex, out var entry) && entry.Expires > now)
        {
            return entry.Mtu;
        }

        int? mtu = null;
        try
        {
            foreach (var nic in Net.NetworkInterfaces.GetAll())
            {
                var properties = nic.GetIPProperties();
                int index = localAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                    ? properties.GetIPv6Properties()?.Index ?? -1
                    : properties.GetIPv4Properties()?.Index ?? -1;
                if (index == interfaceIndex)
                {
                    mtu = localAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                        ? properties.GetIPv6Properties()?.Mtu
                        : properties.GetIPv4Properties()?.Mtu;
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is NetworkInformationException or PxeException)
        {
            // No MTU known: the default block size stands.
        }
        catch (PlatformNotSupportedException)
        {
        }

        if (mtu <= 0)
        {
            mtu = null;
        }

        _cache[interfaceIndex] = (mtu, now + (long)(Lifetime.TotalSeconds * time.TimestampFrequency));
        return mtu;
    }
}
