using System.Net.Sockets;

namespace PxePowerShell.Engine.Tftp.Linux;

/// <summary>
/// The Linux receiver: a small fixed set of I/O threads, io_uring ones (<see cref="UringWorker"/>) where the
/// kernel allows it and epoll ones (<see cref="EpollWorker"/>) otherwise. Each session's socket is set
/// non-blocking and given to one of them (round robin); every datagram is read and answered on that thread.
/// </summary>
internal sealed class LinuxReceiveLoop : ITftpDatagramReceiver
{
    private readonly ITftpIoWorker[] _workers;
    private int _next;

    private LinuxReceiveLoop(string kind, ITftpIoWorker[] workers)
    {
        Kind = kind;
        _workers = workers;
    }

    /// <summary>"io_uring" or "epoll".</summary>
    public string Kind { get; }

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

    /// <summary>Starts <paramref name="threads"/> io_uring workers; throws (having released what it made) when io_uring is unavailable.</summary>
    public static LinuxReceiveLoop StartUring(int threads) => Start("io_uring", threads, UringWorker.Start);

    /// <summary>Starts <paramref name="threads"/> epoll workers; throws (having released what it made) when epoll is unavailable.</summary>
    public static LinuxReceiveLoop StartEpoll(int threads) => Start("epoll", threads, EpollWorker.Start);

    private static LinuxReceiveLoop Start(string kind, int threads, Func<int, ITftpIoWorker> start)
    {
        var workers = new ITftpIoWorker[threads];
        try
        {
            for (int i = 0; i < threads; i++)
            {
                workers[i] = start(i);
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

        return new LinuxReceiveLoop(kind, workers);
    }

    public Task Attach(TftpSession session)
    {
        var worker = _workers[(int)((uint)Interlocked.Increment(ref _next) % (uint)_workers.Length)];
        if (worker.Add(session) is { } attached)
        {
            return attached;
        }

        session.OnReceiveFailed(); // stopping (no-op when the session already finished)
        return Task.CompletedTask;
    }

    public bool Detach(TftpSession session)
    {
        if (Owner(session) is { } worker)
        {
            return worker.Remove(session);
        }

        // Not attached yet on its worker's thread: every worker forgets it (only one ever had it).
        bool closesSocket = false;
        foreach (var each in _workers)
        {
            closesSocket |= each.Remove(session);
        }

        return closesSocket;
    }

    public bool TryQueueSend(TftpSession session, ReadOnlySpan<byte> packet) =>
        Owner(session) is { } worker && worker.TryQueueSend(session, packet);

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

    /// <summary>The worker named in the session's registration token; null before it was registered.</summary>
    private ITftpIoWorker? Owner(TftpSession session)
    {
        ulong token = session.ReceiverToken;
        return token == 0 ? null : _workers[WorkerToken.Worker(token)];
    }
}
