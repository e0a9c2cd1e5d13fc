namespace PxePowerShell.Engine.Tftp;

/// <summary>
/// The one retransmission timer of a server: a periodic tick from the <see cref="TimeProvider"/> that visits
/// the sessions and lets each retransmit or fail once its deadline has passed. Sessions only store a
/// deadline on the hot path; nothing is scheduled per packet and there is no timer per session.
/// </summary>
internal sealed class TftpRetransmitTimer : IDisposable
{
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private readonly List<TftpSession> _sessions = [];
    private readonly ITimer _timer;
    private TftpSession[] _snapshot = new TftpSession[16];
    private int _ticking;

    public TftpRetransmitTimer(TimeProvider time, TimeSpan period)
    {
        _time = time;
        _timer = time.CreateTimer(static state => ((TftpRetransmitTimer)state!).Tick(), this, period, period);
    }

    public void Add(TftpSession session)
    {
        lock (_gate)
        {
            _sessions.Add(session);
        }
    }

    public void Remove(TftpSession session)
    {
        lock (_gate)
        {
            _sessions.Remove(session);
        }
    }

    public TftpSession[] Snapshot()
    {
        lock (_gate)
        {
            return [.. _sessions];
        }
    }

    /// <summary>Sums a value over the running sessions (for statistics snapshots).</summary>
    public long Sum(Func<TftpSession, long> selector)
    {
        long total = 0;
        foreach (var session in Snapshot())
        {
            total += selector(session);
        }

        return total;
    }

    private void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
        {
            return;
        }

        try
        {
            int count;
            lock (_gate)
            {
                count = _sessions.Count;
                if (_snapshot.Length < count)
                {
                    _snapshot = new TftpSession[Math.Max(count, _snapshot.Length * 2)];
                }

                _sessions.CopyTo(_snapshot);
            }

            long now = _time.GetTimestamp();
            for (int i = 0; i < count; i++)
            {
                _snapshot[i].OnTick(now);
                _snapshot[i] = null!;
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }

    public void Dispose() => _timer.Dispose();
}
