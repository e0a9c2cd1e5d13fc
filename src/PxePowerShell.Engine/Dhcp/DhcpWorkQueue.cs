using System.Collections.Concurrent;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// The answers of a server whose leases a shared database allocates (<see cref="ILeaseAllocator"/>), run on a few
/// dedicated worker threads instead of the receive loop: the loop never waits for a database round trip, and several
/// allocations (each its own transaction) are in flight at once, as in Kea's multi-threaded packet queue. A client's
/// packets always go to the same worker (by its hardware address). Each worker has two short rings, urgent work (a
/// REQUEST: an exchange that has its offer and ends in an ACK) taken before the rest (a DISCOVER starts a new one); when a
/// ring is full its oldest packet is dropped for the newest (its drop action runs), as Kea's packet queue does, so that
/// under more load than the database takes the answers that do leave are fresh and finish exchanges already begun,
/// rather than every answer coming after a wait the client has given up on.
/// </summary>
internal sealed class DhcpWorkQueue
{
    private readonly BlockingCollection<(Action Work, Action Dropped)>[][] _queues; // per worker: [urgent, other]
    private readonly TaskCompletionSource[] _stopped;
    private readonly CancellationTokenSource _stop = new();
    private readonly Action<Exception> _fault;

    /// <summary>Starts <paramref name="workers"/> threads named after <paramref name="name"/>, each with a queue of <paramref name="depth"/>; <paramref name="fault"/> hears what a work item threw.</summary>
    public DhcpWorkQueue(string name, int workers, int depth, Action<Exception> fault)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        _fault = fault;
        _queues = new BlockingCollection<(Action, Action)>[workers][];
        _stopped = new TaskCompletionSource[workers];
        for (int i = 0; i < workers; i++)
        {
            _queues[i] = [new(new ConcurrentQueue<(Action, Action)>(), depth), new(new ConcurrentQueue<(Action, Action)>(), depth)];
            _stopped[i] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            int worker = i;
            new Thread(() => Run(worker)) { IsBackground = true, Name = $"{name} dhcp worker {i}" }.Start();
        }
    }

    /// <summary>How many workers there are.</summary>
    public int Workers => _queues.Length;

    /// <summary>
    /// Queues <paramref name="work"/> on the worker of <paramref name="key"/> (a client's hardware address), ahead of the
    /// worker's other work when <paramref name="urgent"/>; when that ring is full its oldest item is dropped (that item's
    /// <c>dropped</c> runs, on this thread). False once stopped.
    /// </summary>
    public bool Post(ReadOnlySpan<byte> key, bool urgent, Action work, Action dropped)
    {
        var queue = _queues[WorkerOf(key, _queues.Length)][urgent ? 0 : 1];
        try
        {
            while (!queue.TryAdd((work, dropped)))
            {
                if (queue.TryTake(out var oldest))
                {
                    oldest.Dropped();
                }
            }

            return true;
        }
        catch (InvalidOperationException)
        {
            return false; // stopped
        }
    }

    /// <summary>The worker of <paramref name="workers"/> that answers the client <paramref name="key"/> (FNV-1a of its hardware address).</summary>
    public static int WorkerOf(ReadOnlySpan<byte> key, int workers)
    {
        uint hash = 2166136261;
        foreach (byte b in key)
        {
            hash = (hash ^ b) * 16777619;
        }

        return (int)(hash % (uint)workers);
    }

    /// <summary>Stops taking work, drops what is queued and completes when every worker has finished the item it was running.</summary>
    public Task StopAsync()
    {
        _stop.Cancel();
        foreach (var pair in _queues)
        {
            pair[0].CompleteAdding();
            pair[1].CompleteAdding();
        }

        return Task.WhenAll(Array.ConvertAll(_stopped, s => s.Task));
    }

    private void Run(int worker)
    {
        var rings = _queues[worker];
        try
        {
            while (true)
            {
                // TakeFromAny looks at the rings in order: the urgent one first.
                BlockingCollection<(Action, Action)>.TakeFromAny(rings, out var work, _stop.Token);
                try
                {
                    work.Item1();
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    _fault(ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // stopping: what is still queued is dropped, the clients retry
        }
        catch (ArgumentException)
        {
            // both rings completed and empty: stopped
        }
        finally
        {
            _stopped[worker].TrySetResult();
        }
    }
}
