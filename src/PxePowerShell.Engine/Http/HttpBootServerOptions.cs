using System.Net;

namespace PxePowerShell.Engine.Http;

/// <summary>Settings of an <see cref="HttpBootServer"/>.</summary>
public sealed record HttpBootServerOptions
{
    /// <summary>The address to listen on (<see cref="IPAddress.Any"/> for every IPv4 interface).</summary>
    public IPAddress Address { get; init; } = IPAddress.Any;

    /// <summary>The TCP port; 0 picks a free port (see <see cref="HttpBootServer.BaseUri"/> after start).</summary>
    public int Port { get; init; } = 80;

    /// <summary>
    /// Most connections served at once. A connection past the cap closes the idlest open connection (one waiting for a
    /// request the longest: idle keep-alive or a slow head) to make room, as nginx reuses idle keep-alive connections;
    /// only when every open connection is busy sending a response does the newcomer get 503.
    /// </summary>
    public int MaxConnections { get; init; } = 1000;

    /// <summary>
    /// Most connections one client address may hold at once (nginx's <c>limit_conn</c> per <c>$binary_remote_addr</c>);
    /// past it that address's newest connection gets 503 and is closed. Protects everyone else from one client's
    /// slowloris or keep-alive flood. 0 = no per-address limit.
    /// </summary>
    public int MaxConnectionsPerAddress { get; init; } = 64;

    /// <summary>
    /// How long an idle keep-alive connection is kept while the server is under pressure (more than half of
    /// <see cref="MaxConnections"/> open), instead of <see cref="KeepAliveTimeout"/>.
    /// </summary>
    public TimeSpan KeepAliveTimeoutUnderLoad { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Whether a path that does not match exactly may match a file whose name differs only in case (as for TFTP).
    /// Off by default: URLs are case-sensitive, as in nginx; <c>/HELLO.TXT</c> does not serve <c>hello.txt</c>.
    /// </summary>
    public bool IgnoreCase { get; init; }

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
    /// The path answered with <see cref="Metrics"/> in the Prometheus text format instead of a file (matched exactly after
    /// percent-decoding, before the namespace is looked at), such as <c>/-/metrics</c>; null (or no <see cref="Metrics"/>) = none.
    /// </summary>
    public string? MetricsPath { get; init; }

    /// <summary>Renders the metrics text (Prometheus exposition format 0.0.4) for each request of <see cref="MetricsPath"/>.</summary>
    public Func<string>? Metrics { get; init; }

    /// <summary>
    /// Whether directory requests may be answered with a listing. Off by default. Boot sources have no
    /// listing API yet, so a directory request is answered 403 "directory listing disabled" either way.
    /// </summary>
    public bool ListDirectories { get; init; }
}
