namespace PxePowerShell.Engine.Tftp;

/// <summary>The server's running counters, updated with interlocked operations (never per packet).</summary>
internal sealed class TftpCounters
{
    public int ActiveSessions;
    public long TotalSessions;
    public long CompletedTransfers;
    public long FailedTransfers;
    public long BytesSent;
    public long BytesReceived;
    public long Retransmits;
    public long MalformedDatagrams;
    public long DuplicateRequests;
    public long RefusedRequests;
    public long SessionLimitRejections;
}
