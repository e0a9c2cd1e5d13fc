namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// Where a server of a high-availability group stands (what Kea's <c>ha-status-get</c> tells an administrator): its
/// state, which of the 256 RFC 3074 buckets it answers and whose clients they are, and what it last saw of each peer.
/// <see cref="DhcpServerStatistics.HighAvailability"/> of a server started with HaPeers; a snapshot.
/// </summary>
public sealed record DhcpHaStatus
{
    /// <summary>This server's name in the group (Kea's this-server-name).</summary>
    public required string ServerName { get; init; }

    /// <summary>LoadBalancing while every peer heartbeats, PartnerDown while this server answers a silent peer's clients.</summary>
    public DhcpHaState State { get; init; }

    /// <summary>How many of the 256 buckets this server answers now (256 / the number of peers while all are up).</summary>
    public int Buckets { get; init; }

    /// <summary>
    /// The servers whose clients this server answers now (Kea's scopes): itself, and each silent peer some of whose
    /// buckets came to it.
    /// </summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>The other servers of the group, in bucket order, as this server last saw them.</summary>
    public IReadOnlyList<DhcpHaPeerStatus> Peers { get; init; } = [];

    /// <summary>How old the heartbeats this status was computed from may be: the group's HaMaxResponseDelay.</summary>
    public TimeSpan MaxResponseDelay { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{ServerName}: {State}, {Buckets} buckets ({string.Join(", ", Scopes)})";
}
