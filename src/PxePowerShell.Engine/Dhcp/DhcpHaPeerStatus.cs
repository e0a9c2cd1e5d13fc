namespace PxePowerShell.Engine.Dhcp;

/// <summary>What a server of a high-availability group last saw of one of its peers (Kea's <c>ha-status-get</c> "remote").</summary>
public sealed record DhcpHaPeerStatus
{
    /// <summary>The peer's name (one of HaPeers).</summary>
    public required string Name { get; init; }

    /// <summary>Whether its last heartbeat is younger than HaMaxResponseDelay (Kea's in-touch): it answers its own clients.</summary>
    public bool IsAlive { get; init; }

    /// <summary>How old its last heartbeat was at the time of this status (Kea's age); null when it never heartbeated.</summary>
    public TimeSpan? HeartbeatAge { get; init; }

    /// <summary>How many of the 256 buckets it answers now (0 while it is down: the live servers answer them).</summary>
    public int Buckets { get; init; }

    /// <inheritdoc />
    public override string ToString() => $"{Name}: {(IsAlive ? "alive" : "down")}, {Buckets} buckets";
}
