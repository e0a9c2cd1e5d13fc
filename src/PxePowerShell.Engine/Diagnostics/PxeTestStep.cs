using System.Net;

namespace PxePowerShell.Engine.Diagnostics;

/// <summary>One step of a simulated PXE boot: what was tried, whether it worked, how long it took and what went wrong.</summary>
/// <param name="Step">The step name (Discover, ProxyOffer, Request4011, ProxyAck, TftpBootFile, HttpBootFile, TftpMenu).</param>
/// <param name="Success">True when the step worked.</param>
/// <param name="Duration">How long the step took.</param>
/// <param name="Detail">What happened (server, file, bytes, block size).</param>
/// <param name="Error">What went wrong, or null.</param>
public sealed record PxeTestStep(string Step, bool Success, TimeSpan Duration, string? Detail, string? Error)
{
    /// <summary>The server that answered the step, when one did.</summary>
    public IPAddress? Server { get; init; }

    /// <summary>The file the step is about, when it is about one.</summary>
    public string? File { get; init; }

    /// <summary>Bytes transferred in the step.</summary>
    public long Bytes { get; init; }
}
