namespace PxePowerShell.Engine.Events;

/// <summary>
/// Where events are kept for <c>Get-PxeEvent</c>: the host's in-memory history (<see cref="MemoryEventStore"/>, the
/// embedded default) or a shared database that every server of a fleet appends to. The <see cref="EventHub"/> never
/// calls <see cref="Append"/> on a server's thread: a durable store is written by the hub's background writer in
/// batches, and a failing or slow store costs counted drops (<see cref="EventHub.StoreDropped"/>), never a blocked or
/// failed server. Implementations are safe from several threads and keep a bounded number of events (their retention).
/// </summary>
public interface IEventStore : IDisposable
{
    /// <summary>Where the events live, for messages (never a password).</summary>
    string Location { get; }

    /// <summary>
    /// Stores <paramref name="events"/> (oldest first) in one write. May block on I/O; throws an <see cref="IOException"/>
    /// (the storage seam's <c>PxeStorageException</c>) when they could not be stored.
    /// </summary>
    void Append(IReadOnlyList<PxeEvent> events);

    /// <summary>
    /// The kept events matching <paramref name="query"/>, oldest first. Throws an <see cref="IOException"/> (the
    /// storage seam's <c>PxeStorageException</c>) when the store cannot be read.
    /// </summary>
    IReadOnlyList<PxeEvent> Query(PxeEventQuery query);
}
