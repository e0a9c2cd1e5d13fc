using System.Net;

namespace PxePowerShell.Engine.Tftp;

/// <summary>How a <see cref="TftpServer"/> listens and what it allows.</summary>
public sealed record TftpServerOptions
{
    /// <summary>The local address to listen on (any IPv4 address by default).</summary>
    public IPAddress Address { get; init; } = IPAddress.Any;

    /// <summary>The UDP port; 69 by default, 0 for an ephemeral port (tests).</summary>
    public int Port { get; init; } = 69;

    /// <summary>Concurrent transfers allowed; past it a request gets ERROR 0 "server busy: N sessions".</summary>
    public int MaxSessions { get; init; } = 1000;

    /// <summary>Whether WRQ (uploads into the namespace's writable root) is allowed.</summary>
    public bool AllowWrite { get; init; }

    /// <summary>Whether a WRQ may replace an existing file.</summary>
    public bool AllowOverwrite { get; init; }

    /// <summary>Retransmission timeout unless the client negotiates "timeout".</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Retransmissions after which a silent client's transfer fails.</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>Largest block size granted (RFC 2348 allows 8–65464).</summary>
    public int MaxBlockSize { get; init; } = 65464;

    /// <summary>Largest window size granted (RFC 7440); the client's request is clamped to it.</summary>
    public int MaxWindowSize { get; init; } = 64;

    /// <summary>How transfer sockets are read; <see cref="TftpReceiveMode.Auto"/> picks the fastest available (tests force one).</summary>
    internal TftpReceiveMode ReceiveMode { get; init; }

    /// <summary>I/O threads of the Linux loops; 0 picks <see cref="TftpDatagramReceiverFactory.DefaultThreads"/>.</summary>
    internal int IoThreads { get; init; }

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Address);
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 0, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSessions, 1, nameof(MaxSessions));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetries, 0, nameof(MaxRetries));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBlockSize, TftpOptionNegotiator.MinBlockSize, nameof(MaxBlockSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxBlockSize, TftpOptionNegotiator.MaxBlockSize, nameof(MaxBlockSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxWindowSize, 1, nameof(MaxWindowSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxWindowSize, 65535, nameof(MaxWindowSize));
    }
}
