using System.Net;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>Settings of a proxyDHCP server (<c>Start-PxeProxyDhcp</c>).</summary>
public sealed record ProxyDhcpServerOptions
{
    /// <summary>Interface names to serve (e.g. "eth0"). Empty together with <see cref="Addresses"/>: every up, non-loopback IPv4 interface.</summary>
    public IReadOnlyList<string> Interfaces { get; init; } = [];

    /// <summary>Interface addresses to serve (each names the interface that has it).</summary>
    public IReadOnlyList<IPAddress> Addresses { get; init; } = [];

    /// <summary>The DHCP server port (67; tests use another).</summary>
    public int Port { get; init; } = 67;

    /// <summary>The PXE boot server port (4011); 0 lets the system choose (tests only).</summary>
    public int PxePort { get; init; } = 4011;

    /// <summary>The client port that broadcast replies go to (68).</summary>
    public int ClientPort { get; init; } = 68;

    /// <summary>What clients boot.</summary>
    public PxeBootOptions Boot { get; init; } = new();

    /// <summary>Never put options into the sname/file fields (like dnsmasq's dhcp-no-override).</summary>
    public bool NoOverride { get; init; }
}
