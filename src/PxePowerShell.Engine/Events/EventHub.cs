using System.Threading.Channels;

namespace PxePowerShell.Engine.Events;

/// <summary>
/// Bounded fan-out of events: servers publish without ever blocking, each subscriber reads from its own
/// bounded queue (a slow reader loses its oldest events and the loss is counted), and the most recent
/// events are kept for <c>Get-PxeEvent</c> without <c>-Wait</c>.
/// </summary>
public sealed class EventHub
{
    private readonly object _gate = new();
    private readonly PxeEvent?[] _history;
    private int _historyNext;
    private long _published;
    private long _dropped;
    private Subscription[] _subscribers = [];

    /// <summary>Creates a hub that remembers the last <paramref name="historySize"/> events.</summary>
    public EventHub(int historySize = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(historySize, 1);
        _history = new PxeEvent?[historySize];
    }

    /// <summary>Events published so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Events that slow subscribers lost.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Publishes an event to the history and every subscriber; never blocks.</summary>
    public void Publish(PxeEvent pxeEvent)
    {
        ArgumentNullException.ThrowIfNull(pxeEvent);
        Subscription[] subscribers;
        lock (_gate)
        {
            _history[_historyNext] = pxeEvent;
            _historyNext = (_historyNext + 1) % _history.Length;
            subscribers = _subscribers;
        }

        Interlocked.Increment(ref _published);
        foreach (var subscriber in subscribers)
        {
            subscriber.Offer(pxeEvent, this);
        }
    }

    /// <summary>The remembered events, oldest first.</summary>
    public IReadOnlyList<PxeEvent> History()
    {
        lock (_gate)
        {
            var list = new List<PxeEvent>(_history.Length);
            for (int i = 0; i < _history.Length; i++)
            {
                var item = _history[(_historyNext + i) % _history.Length];
                if (item is not null)
                {
                    list.Add(item);
                }
            }

            return list;
        }
    }

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
