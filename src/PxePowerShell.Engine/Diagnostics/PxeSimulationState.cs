using System.Net;

namespace PxePowerShell.Engine.Diagnostics;

/// <summary>What one simulated boot found out so far (the makings of its <see cref="PxeTestResult"/>).</summary>
internal sealed class PxeSimulationState
{
    public IPAddress? ProxyServer { get; set; }

    public IPAddress? BootServer { get; set; }

    public string? BootFile { get; set; }

    public string? MenuFile { get; set; }

    public long Bytes { get; set; }

    public string? Sha256 { get; set; }

    public List<IPAddress> DhcpOffers { get; } = [];
}
