using System.Net;

namespace PxePowerShell.Engine.Files;

/// <summary>Who asks for a file: lets generated sources (menus) answer per client.</summary>
/// <param name="Protocol">"tftp" or "http".</param>
/// <param name="Client">The client's endpoint, when known.</param>
public sealed record BootRequestContext(string Protocol, IPEndPoint? Client)
{
    /// <summary>The query string of an HTTP request (without '?'), when there was one.</summary>
    public string? Query { get; init; }

    /// <summary>A context for local callers (tests, cmdlets).</summary>
    public static BootRequestContext Local { get; } = new("local", null);
}
