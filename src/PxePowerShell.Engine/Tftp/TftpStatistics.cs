using PxePowerShell.Engine.Services;

namespace PxePowerShell.Engine.Tftp;

/// <summary>A snapshot of a <see cref="TftpServer"/>'s counters.</summary>
public sealed record TftpStatistics : IPxeServiceStatistics
{
    /// <summary>The server's name.</summary>
    public required string Server { get; init; }

    /// <summary>Transfers in progress.</summary>
    public int ActiveSessions { get; init; }

    /// <summary>Transfers started since the server started.</summary>
    public long TotalSessions { get; init; }

    /// <summary>Transfers that delivered every byte.</summary>
    public long CompletedTransfers { get; init; }

    /// <summary>Transfers that ended early (timeouts, client errors, server stopping).</summary>
    public long FailedTransfers { get; init; }

    /// <summary>File bytes delivered to clients (acknowledged).</summary>
    public long BytesSent { get; init; }

    /// <summary>File bytes received from clients (uploads).</summary>
    public long BytesReceived { get; init; }

    /// <summary>Packets sent again.</summary>
    public long Retransmits { get; init; }

    /// <summary>Datagrams dropped because they were not valid TFTP.</summary>
    public long MalformedDatagrams { get; init; }

    /// <summary>
    /// Requests not answered because they repeated the running transfer's request from the same client end point (a
    /// duplicate from the network, or a client's retransmission): one held and then served because the transfer ended
    /// by the client's ERROR (a PXE ROM's size probe) is counted here too.
    /// </summary>
    public long DuplicateRequests { get; init; }

    /// <summary>Requests refused (unsafe paths, missing files, writes not allowed, session cap).</summary>
    public long RefusedRequests { get; init; }

    /// <summary>Requests refused because <see cref="TftpServerOptions.MaxSessions"/> transfers were running.</summary>
    public long SessionLimitRejections { get; init; }
}
