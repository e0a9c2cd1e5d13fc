using PxePowerShell.Engine.Events;

namespace PxePowerShell.Engine.Tests.Storage;

/// <summary>
/// A durable event store as the hub sees one, in memory: it can be made to fail (<see cref="Down"/>, as a database that
/// is down) or to hang (<see cref="Hang"/>, as one that does not answer) to show that neither reaches a server.
/// </summary>
internal sealed class InMemoryEventStore : IEventStore
{
    private readonly MemoryEventStore _events = new(100_000);

    public volatile bool Down;

    public ManualResetEventSlim Hang { get; } = new(initialState: true);

    public int Batches;

    public string Location => "memory (durable)";

    public void Append(IReadOnlyList<PxeEvent> events)
    {
        Hang.Wait(TimeSpan.FromSeconds(30));
        if (Down)
        {
            throw new Engine.PxeStorageException("StoreUnreachable", PxeErrorCategory.ResourceUnavailable, "the test's store is down");
        }

        Interlocked.Increment(ref Batches);
        _events.Append(events);
    }

    public IReadOnlyList<PxeEvent> Query(PxeEventQuery query) => _events.Query(query);

    public void Dispose() => Hang.Dispose();
}
