namespace PxePowerShell.Engine.Events;

/// <summary>
/// The embedded event store: the last <see cref="Capacity"/> events in a ring in memory (the host's
/// <c>EventHistorySize</c>), gone when the process ends. Appending is cheap and never blocks on I/O, so the hub writes
/// it on the publishing thread.
/// </summary>
public sealed class MemoryEventStore : IEventStore
{
    private readonly object _gate = new();
    private readonly PxeEvent?[] _ring;
    private int _next;

    /// <summary>A store that keeps the last <paramref name="capacity"/> events.</summary>
    public MemoryEventStore(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _ring = new PxeEvent?[capacity];
    }

    /// <summary>How many events are kept; older ones are overwritten.</summary>
    public int Capacity => _ring.Length;

    /// <inheritdoc />
    public string Location => "memory";

    /// <summary>Keeps one event.</summary>
    public void Append(PxeEvent pxeEvent)
    {
        lock (_gate)
        {
            _ring[_next] = pxeEvent;
            _next = (_next + 1) % _ring.Length;
        }
    }

    /// <inheritdoc />
    public void Append(IReadOnlyList<PxeEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var pxeEvent in events)
        {
            Append(pxeEvent);
        }
    }

    /// <inheritdoc />
    public IReadOnlyList<PxeEvent> Query(PxeEventQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var list = new List<PxeEvent>();
        lock (_gate)
        {
            for (int i = 0; i < _ring.Length; i++)
            {
                if (_ring[(_next + i) % _ring.Length] is { } item && query.Matches(item))
                {
                    list.Add(item);
                }
            }
        }

        return query.Newest is { } newest && list.Count > newest ? list.GetRange(list.Count - newest, newest) : list;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // Nothing held.
    }
}
