namespace PxePowerShell.Engine.Dhcp;

/// <summary>The state of a server of a high-availability group (<see cref="DhcpHaStatus.State"/>), named after Kea HA's states.</summary>
public enum DhcpHaState
{
    /// <summary>Every peer heartbeats: each server answers its own share of the clients (Kea's load-balancing).</summary>
    LoadBalancing,

    /// <summary>At least one peer's heartbeat stopped: the live servers answer its clients too (Kea's partner-down).</summary>
    PartnerDown,
}
