using System.Net;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Diagnostics;

/// <summary>The outcome of a simulated PXE boot (<c>Test-PxeServer</c>): the steps and a summary.</summary>
public sealed record PxeTestResult
{
    /// <summary>True when every step worked.</summary>
    public bool Success { get; init; }

    /// <summary>The simulated client's MAC address (aa-bb-cc-dd-ee-ff).</summary>
    public string MacAddress { get; init; } = string.Empty;

    /// <summary>The simulated architecture.</summary>
    public ClientArchitecture Architecture { get; init; }

    /// <summary>The proxyDHCP server that offered PXE boot.</summary>
    public IPAddress? ProxyServer { get; init; }

    /// <summary>The server the boot file comes from (next-server / siaddr, or the URL's host).</summary>
    public IPAddress? BootServer { get; init; }

    /// <summary>The boot file (or URL) the client was told to load.</summary>
    public string? BootFile { get; init; }

    /// <summary>The menu file the boot loader would read, when one was served.</summary>
    public string? MenuFile { get; init; }

    /// <summary>The boot file bytes downloaded.</summary>
    public long Bytes { get; init; }

    /// <summary>SHA-256 (hex) of the downloaded boot file bytes, when it was downloaded.</summary>
    public string? BootFileSha256 { get; init; }

    /// <summary>Addresses offered by plain DHCP servers seen during the DISCOVER.</summary>
    public IReadOnlyList<IPAddress> DhcpOffers { get; init; } = [];

    /// <summary>The whole run's time.</summary>
    public TimeSpan TotalDuration { get; init; }

    /// <summary>The first failed step's error, or null.</summary>
    public string? Error { get; init; }

    /// <summary>The steps in order.</summary>
    public IReadOnlyList<PxeTestStep> Steps { get; init; } = [];
}
