using System.Threading.Channels;

namespace PxePowerShell.Engine.Events;

/// <summary>
/// A bounded queue that a background task drains in batches into a slow store (the client inventory, a durable event
/// store): producers never block (<see cref="TryEnqueue"/> is false when the queue is full or stopped), a batch that
/// fails is counted and the writer goes on with the next, and <see cref="FlushAsync"/> waits for what came before it.
/// Woken by an item after it was idle, the writer lingers (a few milliseconds, <see cref="Linger"/>) so that what
/// arrives meanwhile is written in the same batch; a flush or a stop does not wait for the linger, nor does a writer
/// that finds items already waiting.
/// </summary>
/// <typeparam name="T">What is queued.</typeparam>
internal sealed class BatchWriter<T>
    where T : class
{
    private readonly Channel<Work> _queue;
    private readonly Action<List<T>> _write;
    private readonly Action<Exception, int> _failed;
    private readonly Action? _afterBatch;
    private readonly int _batchSize;
    private readonly Linger _linger;

    /// <summary>Starts the background writer.</summary>
    /// <param name="write">Stores one batch (oldest first); may block and throw.</param>
    /// <param name="failed">Hears a batch of this size fail with this exception (the items are lost).</param>
    /// <param name="capacity">Items that may wait before new ones are refused.</param>
    /// <param name="batchSize">The most items in one batch.</param>
    /// <param name="afterBatch">Runs after each batch, stored or failed.</param>
    /// <param name="linger">How long the writer, woken by an item, waits for more before it writes (zero: never).</param>
    /// <param name="clock">The linger's clock (the tests' fake clock).</param>
    public BatchWriter(Action<List<T>> write, Action<Exception, int> failed, int capacity, int batchSize, Action? afterBatch = null, TimeSpan linger = default, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(failed);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _write = write;
        _failed = failed;
        _afterBatch = afterBatch;
        _batchSize = batchSize;
        _linger = new Linger(linger, clock);
        _queue = Channel.CreateBounded<Work>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
        Completion = Task.Run(RunAsync);
    }

    /// <summary>Completes when the writer has stopped (after <see cref="Complete"/>, once the queue is written).</summary>
    public Task Completion { get; }

    /// <summary>Queues one item; false when the queue is full or the writer stopped (never blocks).</summary>
    public bool TryEnqueue(T item) => _queue.Writer.TryWrite(new Work(item, null));

    /// <summary>Completes once every item queued before the call has been written (or failed to be).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(new Work(null, done), cancellationToken).ConfigureAwait(false);
            _linger.Hurry();
        }
        catch (ChannelClosedException)
        {
            await Completion.WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops taking items; the writer writes what is queued and then stops (<see cref="Completion"/>).</summary>
    public void Complete()
    {
        _queue.Writer.TryComplete();
        _linger.Hurry();
    }

    private async Task RunAsync()
    {
        var batch = new List<T>(_batchSize);
        var flushes = new List<TaskCompletionSource>();
        var reader = _queue.Reader;
        while (await _linger.WaitToReadAsync(reader, _batchSize).ConfigureAwait(false))
        {
            while (batch.Count < _batchSize && reader.TryRead(out var work))
            {
                if (work.Item is not null)
                {
                    batch.Add(work.Item);
                }
                else if (work.Flush is not null)
                {
                    flushes.Add(work.Flush);
                    if (batch.Count > 0)
                    {
                        break; // write what came before the flush, then answer it
                    }
                }
            }

            if (batch.Count > 0)
            {
                try
                {
                    _write(batch);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // A failing disk or a database that is down must not stop the writer (or the servers feeding it).
                    _failed(ex, batch.Count);
                }

                batch.Clear();
                _afterBatch?.Invoke();
            }

            foreach (var flush in flushes)
            {
                flush.TrySetResult();
            }

            flushes.Clear();
        }
    }

    private readonly record struct Work(T? Item, TaskCompletionSource? Flush);
}
