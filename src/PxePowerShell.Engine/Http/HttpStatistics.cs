using PxePowerShell.Engine.Services;

namespace PxePowerShell.Engine.Http;

/// <summary>Live counters of an <see cref="HttpBootServer"/>; safe to read while it runs.</summary>
public sealed class HttpStatistics : IPxeServiceStatistics
{
    private long _activeConnections;
    private long _totalConnections;
    private long _rejectedConnections;
    private long _evictedConnections;
    private long _requests;
    private long _responses2xx;
    private long _responses3xx;
    private long _responses4xx;
    private long _responses5xx;
    private long _bytesSent;
    private long _badRequests;
    private long _timedOut;
    private long _transfersStarted;
    private long _transfersCompleted;
    private long _transfersFailed;

    /// <summary>Connections open now.</summary>
    public long ActiveConnections => Interlocked.Read(ref _activeConnections);

    /// <summary>Connections accepted since start (including those refused with 503).</summary>
    public long TotalConnections => Interlocked.Read(ref _totalConnections);

    /// <summary>
    /// Connections refused with 503: their address held <see cref="HttpBootServerOptions.MaxConnectionsPerAddress"/>, or
    /// <see cref="HttpBootServerOptions.MaxConnections"/> were open and every one was busy.
    /// </summary>
    public long RejectedConnections => Interlocked.Read(ref _rejectedConnections);

    /// <summary>Idle connections (waiting for a request the longest) closed to make room for a new one at <see cref="HttpBootServerOptions.MaxConnections"/>.</summary>
    public long EvictedConnections => Interlocked.Read(ref _evictedConnections);

    /// <summary>Request heads received (well-formed or not).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Responses with a 2xx status.</summary>
    public long Responses2xx => Interlocked.Read(ref _responses2xx);

    /// <summary>Responses with a 3xx status (304).</summary>
    public long Responses3xx => Interlocked.Read(ref _responses3xx);

    /// <summary>Responses with a 4xx status.</summary>
    public long Responses4xx => Interlocked.Read(ref _responses4xx);

    /// <summary>Responses with a 5xx status.</summary>
    public long Responses5xx => Interlocked.Read(ref _responses5xx);

    /// <summary>Bytes sent, heads and bodies.</summary>
    public long BytesSent => Interlocked.Read(ref _bytesSent);

    /// <summary>Requests refused as malformed or unsupported (400, 405, 414, 431, 501, 505).</summary>
    public long BadRequests => Interlocked.Read(ref _badRequests);

    /// <summary>Connections closed because a client was too slow (head not sent in time, idle keep-alive, stalled reader).</summary>
    public long TimedOut => Interlocked.Read(ref _timedOut);

    /// <summary>Bodies (GET 200/206) whose sending began.</summary>
    public long TransfersStarted => Interlocked.Read(ref _transfersStarted);

    /// <summary>Bodies (GET 200/206) delivered in full.</summary>
    public long TransfersCompleted => Interlocked.Read(ref _transfersCompleted);

    /// <summary>Bodies cut short (client gone, timeout, file shrank, server stopped).</summary>
    public long TransfersFailed => Interlocked.Read(ref _transfersFailed);

    internal void ConnectionOpened()
    {
        Interlocked.Increment(ref _totalConnections);
        Interlocked.Increment(ref _activeConnections);
    }

    internal void ConnectionClosed() => Interlocked.Decrement(ref _activeConnections);

    internal void ConnectionRejected()
    {
        Interlocked.Increment(ref _totalConnections);
        Interlocked.Increment(ref _rejectedConnections);
    }

    internal void ConnectionEvicted() => Interlocked.Increment(ref _evictedConnections);

    internal void RequestReceived() => Interlocked.Increment(ref _requests);

    internal void ResponseSent(int status)
    {
        switch (status / 100)
        {
            case 2: Interlocked.Increment(ref _responses2xx); break;
            case 3: Interlocked.Increment(ref _responses3xx); break;
            case 4: Interlocked.Increment(ref _responses4xx); break;
            case 5: Interlocked.Increment(ref _responses5xx); break;
        }
    }

    internal void Sent(long bytes) => Interlocked.Add(ref _bytesSent, bytes);

    internal void BadRequest() => Interlocked.Increment(ref _badRequests);

    internal void TimeOut() => Interlocked.Increment(ref _timedOut);

    internal void TransferStarted() => Interlocked.Increment(ref _transfersStarted);

    internal void TransferCompleted() => Interlocked.Increment(ref _transfersCompleted);

    internal void TransferFailed() => Interlocked.Increment(ref _transfersFailed);

    /// <summary>A one-line summary.</summary>
    public override string ToString() =>
        $"active={ActiveConnections} connections={TotalConnections} requests={Requests} 2xx={Responses2xx} 3xx={Responses3xx} 4xx={Responses4xx} 5xx={Responses5xx} sent={BytesSent} bad={BadRequests} timedout={TimedOut}";
}
