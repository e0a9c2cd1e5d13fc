using System.Diagnostics;
using PxePowerShell.Engine.Metrics;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Engine.Dhcp;

/// <summary>
/// Group commit for an append-only journal. Writers number each record after its write(2) (<see cref="Written"/>);
/// one flusher thread runs the flush (fsync) for everything written before it started, so one fsync covers every
/// record written while the previous one was in flight; a waiter (<see cref="WhenCommitted"/>) is released only
/// after the flush that covers its record. A failing flush fails exactly the waiters it covered with a
/// <see cref="PxeStorageException"/> (JournalFlushFailed), also when asked later; later records get their own flush.
/// </summary>
internal sealed class JournalCommitQueue : IDisposable
{
    private readonly object _gate = new();
    private readonly Action _flush;
    private readonly string _location;
    private readonly Thread _flusher;
    private TaskCompletionSource _next = NewWaiter();
    private TaskCompletionSource? _inFlight;
    private long _written;
    private long _flushing;
    private long _committed;
    private long _flushes;
    private (long From, long To, PxeStorageException Error)? _failed;
    private bool _disposed;

    /// <summary>Starts the flusher; <paramref name="flush"/> makes every record written so far durable.</summary>
    public JournalCommitQueue(Action flush, string location)
    {
        _flush = flush;
        _location = location;
        _flusher = new Thread(Run) { IsBackground = true, Name = "journal flusher" };
        _flusher.Start();
    }

    /// <summary>
    /// Raised on the flusher thread after each flush has released its waiters (their tasks are complete, successfully
    /// or not) and before the next flush starts; once more when the queue closes. A handler must be quick and must not
    /// wait for a commit. The DHCP listener sends the ACKs a flush released from here, one sendmmsg(2) per flush,
    /// instead of as a thread-pool item per flush, whose workers spun for the next item at hundreds of flushes a second.
    /// </summary>
    public event Action? Committed;

    /// <summary>Flushes run so far (each covering one or more records).</summary>
    public long Flushes => Interlocked.Read(ref _flushes);

    /// <summary>The number of records written so far.</summary>
    public long WrittenCount
    {
        get
        {
            lock (_gate)
            {
                return _written;
            }
        }
    }

    /// <summary>Counts a record whose write completed and returns its sequence number (from 1).</summary>
    public long Written()
    {
        lock (_gate)
        {
            long sequence = ++_written;
            Monitor.Pulse(_gate);
            return sequence;
        }
    }

    /// <summary>Completes once record <paramref name="sequence"/> (and every one before it) is flushed; completed at once when it is.</summary>
    public Task WhenCommitted(long sequence)
    {
        lock (_gate)
        {
            if (sequence <= _committed)
            {
                return _failed is { } f && sequence > f.From && sequence <= f.To ? Task.FromException(f.Error) : Task.CompletedTask;
            }

            if (_inFlight is { } flight && sequence <= _flushing)
            {
                return flight.Task;
            }

            return _disposed ? Task.FromException(Closed()) : _next.Task;
        }
    }

    /// <summary>Blocks until record <paramref name="sequence"/> is flushed; throws the flush's <see cref="PxeStorageException"/>.</summary>
    public void WaitCommitted(long sequence) => WhenCommitted(sequence).GetAwaiter().GetResult();

    /// <summary>Flushes what is pending, releases its waiters and stops the flusher.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            Monitor.Pulse(_gate);
        }

        _flusher.Join();
    }

    private static TaskCompletionSource NewWaiter() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Run()
    {
        while (true)
        {
            TaskCompletionSource flight;
            long target;
            bool closing;
            lock (_gate)
            {
                while (_written == _committed && !_disposed)
                {
                    Monitor.Wait(_gate);
                }

                flight = _next;
                closing = _written == _committed;
                target = _written;
                if (!closing)
                {
                    _flushing = target;
                    _inFlight = flight;
                    _next = NewWaiter();
                }
            }

            if (closing)
            {
                flight.TrySetException(Closed());
                Committed?.Invoke();
                return;
            }

            PxeStorageException? failure = null;
            long started = Stopwatch.GetTimestamp();
            try
            {
                _flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException)
            {
                failure = ex as PxeStorageException ?? new PxeStorageException(
                    "JournalFlushFailed", PxeErrorCategory.WriteError, $"The lease journal in '{_location}' could not be flushed to disk: {ex.Message}", ex);
            }

            StoreLatency.Journal.ObserveSince(started);
            Interlocked.Increment(ref _flushes);
            lock (_gate)
            {
                if (failure is not null)
                {
                    _failed = (_committed, target, failure); // the latest failed flush stays failed for late waiters
                }

                _committed = target;
                _inFlight = null;
            }

            if (failure is null)
            {
                flight.TrySetResult();
            }
            else
            {
                flight.TrySetException(failure);
            }

            Committed?.Invoke();
        }
    }

    private PxeStorageException Closed() =>
        new("JournalClosed", PxeErrorCategory.ResourceUnavailable, $"The lease journal in '{_location}' is closed.");
}
