namespace PxePowerShell.Engine.Tftp.Linux;

/// <summary>
/// The Linux receiver: a small fixed set of <see cref="EpollWorker"/> threads; each session's socket is set
/// non-blocking and registered with one of them (round robin). Every datagram is read and answered on the
/// worker thread.
/// </summary>
internal sealed class EpollReceiveLoop : ITftpDatagramReceiver
{
    private readonly EpollWorker[] _workers;
    private int _next;

    private EpollReceiveLoop(EpollWorker[] workers) => _workers = workers;

    public string Kind => "epoll";

    /// <summary>The worker threads (tests).</summary>
    internal int ThreadCount => _workers.Length;

    /// <summary>Sessions registered right now over all workers (tests).</summary>
    internal int Registered
    {
        get
        {
            int total = 0;
            foreach (var worker in _workers)
            {
                total += worker.Registered;
            }

            return total;
        }
    }

    /// <summary>Starts <paramref name="threads"/> workers; throws (having released what it made) when epoll is unavailable.</summary>
    public static EpollReceiveLoop Start(int threads)
    {
        var workers = new EpollWorker[threads];
        try
        {
            for (int i = 0; i < threads; i++)
            {
                workers[i] = EpollWorker.Start(i);
            }
        }
        catch
        {
            foreach (var worker in workers)
            {
                worker?.RequestStop();
            }

            throw;
        }

        return new EpollReceiveLoop(workers);
    }

    public Task Attach(TftpSession session)
    {
        var worker = _workers[(int)((uint)Interlocked.Increment(ref _next) % (uint)_workers.Length)];
        if (!worker.Add(session))
        {
            session.OnReceiveFailed(); // stopping (no-op when the session already finished)
        }

        return Task.CompletedTask;
    }

    public void Detach(TftpSession session)
    {
        ulong token = session.ReceiverToken;
        if (token != 0)
        {
            _workers[(int)((token >> 24) & 0xFF)].Remove(session);
        }
    }

    public async Task StopAsync()
    {
        foreach (var worker in _workers)
        {
            worker.RequestStop();
        }

        foreach (var worker in _workers)
        {
            await worker.Stopped.ConfigureAwait(false);
        }
    }
}
