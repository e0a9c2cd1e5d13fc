namespace PxePowerShell.Engine.Events;

/// <summary>
/// Writes the hub's events to a durable <see cref="IEventStore"/> from a background task, in batches: a publishing
/// server only queues (never blocks, never sees an exception). A full queue or a failed batch is counted in
/// <see cref="Dropped"/>; the writer goes on with the next batch, so a store that comes back is written again.
/// </summary>
internal sealed class EventStoreWriter : IDisposable
{
    private readonly BatchWriter<PxeEvent> _writer;
    private long _written;
    private long _dropped;
    private int _disposed;

    public EventStoreWriter(IEventStore store, int capacity = 20_000, int batchSize = 1000)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        _writer = new BatchWriter<PxeEvent>(
            batch =>
            {
                store.Append(batch);
                Interlocked.Add(ref _written, batch.Count);
            },
            (ex, count) =>
            {
                LastError = ex;
                Interlocked.Add(ref _dropped, count);
            },
            capacity,
            batchSize,
            linger: Linger.ForBatches);
    }

    public IEventStore Store { get; }

    public long Written => Interlocked.Read(ref _written);

    public long Dropped => Interlocked.Read(ref _dropped);

    public Exception? LastError { get; private set; }

    /// <summary>Queues one event; a full queue (or a stopped writer) drops it and counts the drop.</summary>
    public void Enqueue(PxeEvent pxeEvent)
    {
        if (!_writer.TryEnqueue(pxeEvent))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Completes once every event queued before the call has been stored (or dropped).</summary>
    public Task FlushAsync(CancellationToken cancellationToken) => _writer.FlushAsync(cancellationToken);

    /// <summary>Stops taking events and writes what is queued, waiting at most five seconds for a slow store.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writer.Complete();
        _writer.Completion.Wait(TimeSpan.FromSeconds(5));
    }
}
