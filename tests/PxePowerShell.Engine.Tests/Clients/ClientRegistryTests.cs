using System.Net;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Clients;

public sealed class ClientRegistryTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static ClientSighting Seen(MacAddress mac, int second = 0) => new() { Time = T0.AddSeconds(second), MacAddress = mac, Architecture = "Bios" };

    [Fact]
    public async Task Observed_sightings_are_written_in_the_background_and_visible_after_a_flush()
    {
        await using var registry = ClientRegistry.Open(_temp.Path);
        Assert.True(File.Exists(_temp.File("clients.db")));
        for (int i = 0; i < 100; i++)
        {
            registry.Observe(Seen(MacAddress.FromBytes([2, 0, 0, 0, 0, (byte)i]), i));
        }

        await registry.FlushAsync().WaitAsync(Timeout);
        Assert.Equal(100, registry.Get().Count);
        Assert.Equal(100, registry.Written);
        Assert.Equal(0, registry.Dropped);
    }

    [Fact]
    public async Task Observe_never_blocks_when_the_writer_is_stuck_and_counts_what_it_drops()
    {
        var store = new BlockingStore();
        await using var registry = new ClientRegistry(store, capacity: 4, batchSize: 1);
        var mac = MacAddress.Parse("02-00-00-00-00-01");
        registry.Observe(Seen(mac));
        Assert.True(store.Entered.Wait(Timeout)); // the writer is now stuck inside Record

        for (int i = 0; i < 20; i++)
        {
            registry.Observe(Seen(mac, i)); // returns at once even though nothing drains
        }

        Assert.Equal(16, registry.Dropped);
        store.Release.Set();
        await registry.FlushAsync().WaitAsync(Timeout);
        Assert.Equal(5, registry.Written);
    }

    [Fact]
    public async Task A_failing_store_is_reported_and_the_writer_carries_on()
    {
        var store = new BlockingStore { Fail = true };
        store.Release.Set();
        await using var registry = new ClientRegistry(store);
        registry.Observe(Seen(MacAddress.Parse("02-00-00-00-00-01")));
        await registry.FlushAsync().WaitAsync(Timeout);
        Assert.Equal(1, registry.Failed);
        Assert.IsType<IOException>(registry.LastWriteError);

        store.Fail = false;
        registry.Observe(Seen(MacAddress.Parse("02-00-00-00-00-02")));
        await registry.FlushAsync().WaitAsync(Timeout);
        Assert.Equal(1, registry.Written);
    }

    [Fact]
    public async Task Assign_registers_unknown_clients_answers_lookups_and_raises_AssignmentChanged()
    {
        await using var registry = ClientRegistry.Open(_temp.Path);
        var mac = MacAddress.Parse("AA:BB:CC:DD:EE:01");
        var changes = new List<ClientAssignmentChangedEventArgs>();
        registry.AssignmentChanged += (_, e) => changes.Add(e);

        Assert.Null(registry.GetAssignedBootEntry(mac));
        var record = registry.Assign(mac, "rescue");
        Assert.Equal("rescue", record.BootEntry);
        Assert.Equal("rescue", registry.GetAssignedBootEntry(mac));
        registry.Assign(mac, "rescue"); // unchanged: no event
        Assert.Null(registry.Update(MacAddress.Parse("aa-bb-cc-dd-ee-02"), new ClientChanges { BootEntry = "x" }, create: false));
        Assert.True(registry.Remove(mac));
        Assert.Null(registry.GetAssignedBootEntry(mac));

        Assert.Collection(
            changes,
            e => Assert.Equal(("aa-bb-cc-dd-ee-01", "rescue"), (e.MacAddress.ToString(), e.BootEntry)),
            e => Assert.Equal(("aa-bb-cc-dd-ee-01", (string?)null), (e.MacAddress.ToString(), e.BootEntry)));
    }

    [Fact]
    public async Task Two_registries_over_one_file_share_the_inventory()
    {
        await using var first = ClientRegistry.Open(_temp.Path);
        await using var second = ClientRegistry.Open(_temp.Path);
        var tasks = new[] { first, second }.Select((registry, r) => Task.Run(async () =>
        {
            for (int i = 0; i < 200; i++)
            {
                registry.Observe(Seen(MacAddress.FromBytes([2, 0, 0, 0, (byte)r, (byte)i]), i));
                if (i % 50 == 0)
                {
                    registry.Assign(MacAddress.FromBytes([2, 0, 0, 1, (byte)r, (byte)i]), "e");
                }
            }

            await registry.FlushAsync();
        })).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(408, first.Get().Count);
        Assert.Equal(408, second.Get().Count);
        Assert.Equal("e", second.GetAssignedBootEntry(MacAddress.FromBytes([2, 0, 0, 1, 0, 50])));
    }

    [Fact]
    public async Task Dispose_writes_what_is_still_queued()
    {
        var registry = ClientRegistry.Open(_temp.Path);
        for (int i = 0; i < 50; i++)
        {
            registry.Observe(Seen(MacAddress.FromBytes([2, 0, 0, 0, 1, (byte)i])));
        }

        await registry.DisposeAsync();
        registry.Observe(Seen(MacAddress.Parse("02-00-00-00-02-00"))); // after dispose: dropped, not thrown
        await registry.FlushAsync().WaitAsync(Timeout);

        await using var reopened = ClientRegistry.Open(_temp.Path);
        Assert.Equal(50, reopened.Get().Count);
    }

    private sealed class BlockingStore : IClientStore
    {
        public ManualResetEventSlim Entered { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public bool Fail { get; set; }

        public string Location => "memory";

        public void Record(IReadOnlyList<ClientSighting> sightings)
        {
            Entered.Set();
            Release.Wait();
            if (Fail)
            {
                throw new IOException("disk full");
            }
        }

        public IReadOnlyList<ClientRecord> Query(ClientQuery query) => [];

        public ClientRecord? Find(MacAddress macAddress) => null;

        public IReadOnlyList<BootTraceStep> ReadTrace(string? macAddress, IPAddress? ipAddress, DateTimeOffset? since = null) => [];

        public string? FindBootEntry(MacAddress macAddress) => null;

        public ClientRecord? Update(MacAddress macAddress, ClientChanges changes, bool create) => null;

        public bool Remove(MacAddress macAddress) => false;

        public bool RemoveByAddress(IPAddress address) => false;

        public void Dispose()
        {
            Entered.Dispose();
            Release.Dispose();
        }
    }
}
