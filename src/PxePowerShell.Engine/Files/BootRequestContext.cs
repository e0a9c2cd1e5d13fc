using System.Net;

namespace PxePowerShell.Engine.Files;

/// <summary>Who asks for a file: lets generated sources (menus) answer per client.</summary>
/// <param name="Protocol">"tftp" or "http".</param>
/// <param name="Client">The client's endpoint, when known.</param>
public sealed record BootRequestContext(string Protocol, IPEndPoint? Client)
{
    /// <summary>The query string of an HTTP request (without '?'), when there was one.</summary>
    public string? Query { get; init; }

    /// <summary>
    /// The address of this server the request arrived on (the TFTP request's destination, the HTTP connection's local
    /// address), when known: generated menus fill <c>{server}</c> and <c>{http}</c> with it when the server listens on
    /// every interface.
    /// </summary>
    public IPAddress? Server { get; init; }

    /// <summary>
    /// Whether names must match exactly. False (the default) lets a directory source fall back to a case-insensitive
    /// match ("PXELINUX.0" finds pxelinux.0), as TFTP clients of the Windows era need; the HTTP server sets it unless
    /// its IgnoreCase option is on, since web clients (and nginx) treat paths as case-sensitive.
    /// </summary>
    public bool CaseSensitive { get; init; }

    /// <summary>A context for local callers (tests, cmdlets).</summary>
    public static BootRequestContext Local { get; } = new("local", null);
}
