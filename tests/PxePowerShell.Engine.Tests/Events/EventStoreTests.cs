using System.Diagnostics;
using System.Net;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Tests.Storage;

namespace PxePowerShell.Engine.Tests.Events;

/// <summary>Events behind the storage seam: the in-memory history, and a durable store written through without ever holding up a server.</summary>
public sealed class EventStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_memory_store_keeps_the_newest_events_and_answers_by_time_kind_client_and_server()
    {
        var store = new MemoryEventStore(4);
        for (int i = 0; i < 6; i++)
        {
            store.Append(Event(i, i % 2 == 0 ? "a" : "b", i < 3 ? PxeEventKind.DhcpDiscover : PxeEventKind.TransferCompleted));
        }

        Assert.Equal([2, 3, 4, 5], store.Query(PxeEventQuery.All).Select(Index));
        Assert.Equal([2, 4], store.Query(new PxeEventQuery { Servers = ["A"] }).Select(Index));
        Assert.Equal([3, 4, 5], store.Query(new PxeEventQuery { Kinds = [PxeEventKind.TransferCompleted] }).Select(Index));
        Assert.Equal([4, 5], store.Query(new PxeEventQuery { Since = T0.AddSeconds(4) }).Select(Index));
        Assert.Equal([2, 3], store.Query(new PxeEventQuery { Until = T0.AddSeconds(4) }).Select(Index));
        Assert.Equal([3], store.Query(new PxeEventQuery { MacAddress = "52-54-00-00-00-03" }).Select(Index));
        Assert.Equal([5], store.Query(new PxeEventQuery { ClientAddress = IPAddress.Parse("10.0.0.5") }).Select(Index));
        Assert.Equal([4, 5], store.Query(new PxeEventQuery { Newest = 2 }).Select(Index));
    }

    [Fact]
    public async Task A_store_that_hangs_never_holds_up_a_publisher_and_what_it_cannot_take_is_counted()
    {
        var hub = new EventHub(historySize: 10);
        using var store = new InMemoryEventStore();
        store.Hang.Reset();
        hub.AttachStore(store);

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 30_000; i++)
        {
            hub.Publish(Event(i, "a", PxeEventKind.TransferStarted));
        }

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"publishing took {clock.Elapsed} against a hung store");
        Assert.True(hub.StoreDropped > 0, "a full queue drops and counts");
        Assert.Equal(10, hub.History().Count); // the in-memory history does not wait for the store

        store.Hang.Set();
        await hub.FlushStoreAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(30_000, hub.StoreWritten + hub.StoreDropped);
        Assert.Equal(hub.StoreWritten, store.Query(PxeEventQuery.All).Count);
    }

    [Fact]
    public async Task A_failing_store_counts_its_drops_and_is_written_again_once_it_is_back()
    {
        var hub = new EventHub();
        using var store = new InMemoryEventStore { Down = true };
        hub.AttachStore(store);
        for (int i = 0; i < 10; i++)
        {
            hub.Publish(Event(i, "a", PxeEventKind.DhcpDiscover)); // never throws, though every write fails
        }

        await hub.FlushStoreAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(10, hub.StoreDropped);
        Assert.IsType<PxeStorageException>(hub.LastStoreError);
        Assert.Empty(store.Query(PxeEventQuery.All));

        store.Down = false;
        for (int i = 10; i < 15; i++)
        {
            hub.Publish(Event(i, "a", PxeEventKind.DhcpAck));
        }

        await hub.FlushStoreAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal([10, 11, 12, 13, 14], store.Query(PxeEventQuery.All).Select(Index));
        Assert.Equal(5, hub.StoreWritten);
        Assert.Equal(15, hub.History().Count);
    }

    [Fact]
    public async Task The_host_writes_through_its_storages_event_store_reads_from_it_and_detaches_it_when_disposed()
    {
        var storage = new InMemoryStorage();
        var host = new PxeHost(new PxeHostOptions { DataDirectory = Path.GetTempPath(), Storage = _ => storage });
        Assert.IsType<MemoryEventStore>(host.Events.Store); // nothing opened yet: the in-memory history
        _ = host.Storage;
        Assert.Same(storage.EventStore, host.Events.Store);

        host.Events.Publish(Event(1, "a", PxeEventKind.DhcpOffer));
        await host.Events.FlushStoreAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(storage.EventStore.Query(PxeEventQuery.All));

        host.Dispose();
        Assert.IsType<MemoryEventStore>(host.Events.Store);
        host.Events.Publish(Event(2, "a", PxeEventKind.DhcpOffer));
        Assert.Single(storage.EventStore.Query(PxeEventQuery.All));
    }

    [Fact]
    public void The_embedded_storage_keeps_events_in_the_hubs_memory_only()
    {
        using var storage = new Engine.Storage.EmbeddedStorage(Path.Combine(Path.GetTempPath(), "pxe-no-such-dir-" + Guid.NewGuid().ToString("N")));
        Assert.Null(storage.Events);
    }

    private static PxeEvent Event(int i, string server, PxeEventKind kind) => new()
    {
        Kind = kind,
        Time = T0.AddSeconds(i),
        Server = server,
        MacAddress = $"52-54-00-00-00-{i:x2}",
        ClientAddress = IPAddress.Parse($"10.0.{i / 256}.{i % 256}"),
        Bytes = i,
    };

    private static int Index(PxeEvent e) => (int)e.Bytes!.Value;
}
