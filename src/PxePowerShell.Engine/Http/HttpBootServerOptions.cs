using System.Net;

namespace PxePowerShell.Engine.Http;

/// <summary>Settings of an <see cref="HttpBootServer"/>.</summary>
public sealed record HttpBootServerOptions
{
    /// <summary>The address to listen on (<see cref="IPAddress.Any"/> for every IPv4 interface).</summary>
    public IPAddress Address { get; init; } = IPAddress.Any;

    /// <summary>The TCP port; 0 picks a free port (see <see cref="HttpBootServer.BaseUri"/> after start).</summary>
    public int Port { get; init; } = 80;

    /// <summary>Most connections served at once; a connection past the cap gets 503 and is closed.</summary>
    public int MaxConnections { get; init; } = 1000;

    /// <summary>Largest request head (request line + headers) in bytes; larger gets 431 (a request line over 8 KiB gets 414).</summary>
    public int MaxHeaderBytes { get; init; } = 16384;

    /// <summary>How long a client may take to send a whole request head (slowloris guard).</summary>
    public TimeSpan HeaderTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long an idle keep-alive connection is kept open waiting for the next request. Also the longest a
    /// response chunk may wait on a client that stopped reading.
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether directory requests may be answered with a listing. Off by default. Boot sources have no
    /// listing API yet, so a directory request is answered 403 "directory listing disabled" either way.
    /// </summary>
    public bool ListDirectories { get; init; }
}
