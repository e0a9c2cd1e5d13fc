using System.Threading.Channels;

namespace PxePowerShell.Engine.Events;

/// <summary>
/// Bounded fan-out of events: servers publish without ever blocking, each subscriber reads from its own
/// bounded queue (a slow reader loses its oldest events and the loss is counted), and the most recent
/// events are kept for <c>Get-PxeEvent</c> without <c>-Wait</c> (<see cref="MemoryEventStore"/>). A durable
/// <see cref="IEventStore"/> of the storage (a shared database) is written through as well (<see cref="AttachStore"/>),
/// from a background writer in batches, so a slow or failing store never blocks or fails a publishing server.
/// </summary>
public sealed class EventHub
{
    private readonly object _gate = new();
    private readonly MemoryEventStore _history;
    private EventStoreWriter? _writer;
    private long _published;
    private long _dropped;
    private long _storeDropped;
    private Subscription[] _subscribers = [];

    /// <summary>Creates a hub that remembers the last <paramref name="historySize"/> events.</summary>
    public EventHub(int historySize = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historySize, 1);
        _history = new MemoryEventStore(historySize);
    }

    /// <summary>Events published so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Events that slow subscribers lost.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events the attached durable store lost: its queue was full, or it failed to store them (the database was down).</summary>
    public long StoreDropped
    {
        get
        {
            lock (_gate)
            {
                return Interlocked.Read(ref _storeDropped) + (_writer?.Dropped ?? 0);
            }
        }
    }

    /// <summary>Events the attached durable store has stored.</summary>
    public long StoreWritten
    {
        get
        {
            lock (_gate)
            {
                return _writer?.Written ?? 0;
            }
        }
    }

    /// <summary>The last failure of the attached durable store, or null.</summary>
    public Exception? LastStoreError
    {
        get
        {
            lock (_gate)
            {
                return _writer?.LastError;
            }
        }
    }

    /// <summary>
    /// Where the events are read from: the attached durable store (the whole fleet's events, for a shared database), or
    /// else this hub's in-memory history.
    /// </summary>
    public IEventStore Store
    {
        get
        {
            lock (_gate)
            {
                return _writer?.Store ?? _history;
            }
        }
    }

    /// <summary>
    /// Writes every event published from now on through to <paramref name="store"/> as well (null: to none). A store
    /// attached before is detached first: what it still queues is written, waiting at most a few seconds. The hub does
    /// not own the store (the storage that gave it does).
    /// </summary>
    public void AttachStore(IEventStore? store)
    {
        EventStoreWriter? old;
        lock (_gate)
        {
            old = _writer;
            if (old is not null && ReferenceEquals(old.Store, store))
            {
                return;
            }

            _writer = store is null ? null : new EventStoreWriter(store);
        }

        if (old is not null)
        {
            old.Dispose();
            Interlocked.Add(ref _storeDropped, old.Dropped);
        }
    }

    /// <summary>Completes once every event published before the call has reached the durable store (or been dropped).</summary>
    public Task FlushStoreAsync(CancellationToken cancellationToken = default)
    {
        EventStoreWriter? writer;
        lock (_gate)
        {
            writer = _writer;
        }

        return writer?.FlushAsync(cancellationToken) ?? Task.CompletedTask;
    }

    /// <summary>Publishes an event to the history, the durable store and every subscriber; never blocks.</summary>
    public void Publish(PxeEvent pxeEvent)
    {
        ArgumentNullException.ThrowIfNull(pxeEvent);
        Subscription[] subscribers;
        _history.Append(pxeEvent);
        lock (_gate)
        {
            subscribers = _subscribers;
            _writer?.Enqueue(pxeEvent);
        }

        Interlocked.Increment(ref _published);
        foreach (var subscriber in subscribers)
        {
            subscriber.Offer(pxeEvent, this);
        }
    }

    /// <summary>The remembered events, oldest first.</summary>
    public IReadOnlyList<PxeEvent> History() => _history.Query(PxeEventQuery.All);

    /// <summary>Starts receiving every event published from now on. Dispose the subscription to stop.</summary>
    public Subscription Subscribe(int capacity = 10_000)
    {
        var subscription = new Subscription(this, capacity);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscription];
        }

        return subscription;
    }

    private void Remove(Subscription subscription)
    {
        lock (_gate)
        {
            _subscribers = Array.FindAll(_subscribers, s => !ReferenceEquals(s, subscription));
        }
    }

    /// <summary>A subscriber's bounded queue of events.</summary>
    public sealed class Subscription : IDisposable
    {
        private readonly EventHub _hub;
        private readonly Channel<PxeEvent> _channel;
        private readonly int _capacity;

        internal Subscription(EventHub hub, int capacity)
        {
            _hub = hub;
            _capacity = capacity;
            _channel = Channel.CreateBounded<PxeEvent>(new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = false,
            });
        }

        /// <summary>The events, as they arrive.</summary>
        public ChannelReader<PxeEvent> Reader => _channel.Reader;

        internal void Offer(PxeEvent pxeEvent, EventHub hub)
        {
            // DropOldest never fails a write; count when the queue was already full.
            if (_channel.Reader.Count >= _capacity)
            {
                Interlocked.Increment(ref hub._dropped);
            }

            if (!_channel.Writer.TryWrite(pxeEvent))
            {
                Interlocked.Increment(ref hub._dropped);
            }
        }

        /// <summary>Stops the subscription; the reader completes.</summary>
        public void Dispose()
        {
            _hub.Remove(this);
            _channel.Writer.TryComplete();
        }
    }
}
