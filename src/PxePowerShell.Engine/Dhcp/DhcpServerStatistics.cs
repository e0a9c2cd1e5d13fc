using PxePowerShell.Engine.Services;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>Counters of a DHCP or proxyDHCP server.</summary>
public sealed record DhcpServerStatistics : IPxeServiceStatistics
{
    /// <summary>Datagrams received.</summary>
    public long Received { get; init; }

    /// <summary>Datagrams that were not valid DHCP (dropped).</summary>
    public long Malformed { get; init; }

    /// <summary>Valid requests ignored on purpose (not PXE, for another server...).</summary>
    public long Ignored { get; init; }

    /// <summary>DISCOVERs received.</summary>
    public long Discovers { get; init; }

    /// <summary>REQUESTs received.</summary>
    public long Requests { get; init; }

    /// <summary>OFFERs sent (full DHCP).</summary>
    public long Offers { get; init; }

    /// <summary>ACKs sent (full DHCP, including INFORM answers).</summary>
    public long Acks { get; init; }

    /// <summary>NAKs sent.</summary>
    public long Naks { get; init; }

    /// <summary>DECLINEs accepted.</summary>
    public long Declines { get; init; }

    /// <summary>RELEASEs accepted.</summary>
    public long Releases { get; init; }

    /// <summary>Proxy OFFERs sent.</summary>
    public long ProxyOffers { get; init; }

    /// <summary>Proxy ACKs sent (port 4011).</summary>
    public long ProxyAcks { get; init; }

    /// <summary>Replies the socket refused to send.</summary>
    public long SendErrors { get; init; }

    /// <summary>Relayed requests dropped because giaddr cannot be a relay agent (a broadcast, network, own or non-unicast address).</summary>
    public long BadRelayAgents { get; init; }

    /// <summary>Client messages left to another server of the high-availability group (their RFC 3074 bucket is that peer's; docs/fleet.md).</summary>
    public long LeftToPeers { get; init; }

    /// <summary>Heartbeats of the high-availability group that could not be written or read (the store was unreachable).</summary>
    public long HeartbeatFailures { get; init; }

    /// <summary>
    /// Where this server stands in its high-availability group (state, buckets it answers, peers seen alive; docs/fleet.md),
    /// null for a server without HaPeers and for a proxyDHCP server.
    /// </summary>
    public DhcpHaStatus? HighAvailability { get; init; }

    /// <summary>Replies sent in total.</summary>
    public long Replies => Offers + Acks + Naks + ProxyOffers + ProxyAcks;
}
