using System.Net;
using PxePowerShell.Engine.Events;

namespace PxePowerShell.Engine.Services;

/// <summary>
/// A server that runs in the background of the process: TFTP, HTTP, DHCP, proxyDHCP, or a composite.
/// <c>Get-PxeServer</c> lists them and <c>Stop-PxeServer</c> stops them.
/// </summary>
public interface IPxeService : IAsyncDisposable
{
    /// <summary>The server's name, unique in the session.</summary>
    string Name { get; }

    /// <summary>What kind of server this is ("Tftp", "Http", "ProxyDhcp", "Dhcp", "Pxe").</summary>
    string Role { get; }

    /// <summary>Where it is in its life cycle.</summary>
    PxeServerState State { get; }

    /// <summary>When it started, or null before.</summary>
    DateTimeOffset? StartTime { get; }

    /// <summary>The addresses and ports it listens on (actual ports once started).</summary>
    IReadOnlyList<IPEndPoint> EndPoints { get; }

    /// <summary>Where its events are published.</summary>
    EventHub Events { get; }

    /// <summary>
    /// A snapshot of its counters. Each server narrows the type (a covariant override of
    /// <see cref="PxeServiceBase.GetStatistics"/>): DhcpServerStatistics, TftpStatistics, HttpStatistics,
    /// PxeServerStatistics, so a caller that holds the server reads them without a cast.
    /// </summary>
    IPxeServiceStatistics GetStatistics();

    /// <summary>Binds its sockets and starts serving; throws when a socket cannot be bound.</summary>
    Task StartAsync(CancellationToken cancellationToken = default);

    /// <summary>Stops serving and releases every socket and file; transfers in flight are ended.</summary>
    Task StopAsync(CancellationToken cancellationToken = default);

    /// <summary>Completes when the server has stopped.</summary>
    Task Completion { get; }
}
