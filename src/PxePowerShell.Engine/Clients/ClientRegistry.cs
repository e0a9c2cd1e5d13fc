using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Clients;

/// <summary>
/// The client inventory as servers and cmdlets use it. Servers call <see cref="Observe"/>, which never blocks: the
/// sighting goes into a bounded queue that a background writer drains in batches, one transaction per batch of what
/// arrived within a few milliseconds (when
/// the queue is full the sighting is dropped and counted in <see cref="Dropped"/>). DHCP and the menus ask
/// <see cref="GetAssignedBootEntry"/>; cmdlets use <see cref="Get"/>, <see cref="Assign"/>, <see cref="Update"/> and
/// <see cref="Remove"/>, after <see cref="FlushAsync"/> when they must see every sighting observed so far.
/// </summary>
public sealed class ClientRegistry : IAsyncDisposable, IDisposable
{
    private readonly BatchWriter<ClientSighting> _writer;
    private long _observed;
    private long _dropped;
    private long _written;
    private long _failed;
    private int _disposed;

    /// <summary>Creates a registry over <paramref name="store"/> (which it owns and disposes).</summary>
    /// <param name="store">Where the inventory is kept.</param>
    /// <param name="capacity">Sightings that may wait for the writer before new ones are dropped.</param>
    /// <param name="batchSize">The most sightings written in one transaction.</param>
    public ClientRegistry(IClientStore store, int capacity = 8192, int batchSize = 512)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Store = store;
        _writer = new BatchWriter<ClientSighting>(
            batch =>
            {
                Store.Record(batch);
                Interlocked.Add(ref _written, batch.Count);
            },
            (ex, count) =>
            {
                LastWriteError = ex;
                Interlocked.Add(ref _failed, count);
            },
            capacity,
            batchSize,
            () => BatchWritten?.Invoke(this, EventArgs.Empty),
            Linger.ForBatches);
    }

    /// <summary>Opens the SQLite inventory (<c>clients.db</c>) of a data directory, creating it when absent.</summary>
    public static ClientRegistry Open(string dataDirectory)
    {
        PxeDataDirectory.Ensure(dataDirectory);
        return new ClientRegistry(SqliteClientStore.OpenDirectory(dataDirectory));
    }

    /// <summary>Raised after <see cref="Assign"/>, <see cref="Update"/> or <see cref="Remove"/> changed a client's boot entry.</summary>
    public event EventHandler<ClientAssignmentChangedEventArgs>? AssignmentChanged;

    /// <summary>Raised on the background writer after each batch of sightings is committed (or failed).</summary>
    public event EventHandler? BatchWritten;

    /// <summary>The store underneath.</summary>
    public IClientStore Store { get; }

    /// <summary>Sightings accepted into the queue.</summary>
    public long Observed => Interlocked.Read(ref _observed);

    /// <summary>Sightings dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Sightings written to the store.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Sightings lost because the store failed to write them.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>The last error the background writer met, or null.</summary>
    public Exception? LastWriteError { get; private set; }

    /// <summary>Queues a sighting for the background writer; never blocks and never throws for a full queue.</summary>
    public void Observe(ClientSighting sighting)
    {
        ArgumentNullException.ThrowIfNull(sighting);
        if (_writer.TryEnqueue(sighting))
        {
            Interlocked.Increment(ref _observed);
        }
        else
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Completes once every sighting observed before the call has been written (or failed to be).</summary>
    public Task FlushAsync(CancellationToken cancellationToken = default) => _writer.FlushAsync(cancellationToken);

    /// <summary>The clients matching <paramref name="query"/> (every client when null).</summary>
    public IReadOnlyList<ClientRecord> Get(ClientQuery? query = null) => Store.Query(query ?? ClientQuery.All);

    /// <summary>The client with this hardware address, or null.</summary>
    public ClientRecord? Find(MacAddress macAddress) => Store.Find(macAddress);

    /// <summary>The client's boots, oldest first, split from its stored trace (see <see cref="BootTrace.Split"/>).</summary>
    public IReadOnlyList<BootTrace> GetBootTraces(ClientRecord client, DateTimeOffset? since = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        return BootTrace.Split(client.MacAddress, Store.ReadTrace(client.MacAddress, client.MacAddress is null ? client.IPAddress : null, since));
    }

    /// <summary>
    /// The boot entry assigned to this client, or null for the default. A primary-key lookup on a pooled
    /// connection that never waits for the writer (WAL readers do not block).
    /// </summary>
    public string? GetAssignedBootEntry(MacAddress macAddress) => Store.FindBootEntry(macAddress);

    /// <summary>Assigns <paramref name="bootEntry"/> (null or "" for none) to the client, registering it when it is unknown.</summary>
    public ClientRecord Assign(MacAddress macAddress, string? bootEntry) =>
        Update(macAddress, new ClientChanges { BootEntry = bootEntry ?? string.Empty }, create: true)!;

    /// <summary>
    /// Applies <paramref name="changes"/>; an unknown client is registered when <paramref name="create"/> and
    /// otherwise null is returned.
    /// </summary>
    public ClientRecord? Update(MacAddress macAddress, ClientChanges changes, bool create)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var before = changes.BootEntry is null ? null : Store.FindBootEntry(macAddress);
        var record = Store.Update(macAddress, changes, create);
        if (record is not null && changes.BootEntry is not null && !string.Equals(before, record.BootEntry, StringComparison.Ordinal))
        {
            AssignmentChanged?.Invoke(this, new ClientAssignmentChangedEventArgs(macAddress, record.BootEntry));
        }

        return record;
    }

    /// <summary>Removes the client (and its assignment); false when it was unknown.</summary>
    public bool Remove(MacAddress macAddress)
    {
        var before = Store.FindBootEntry(macAddress);
        bool removed = Store.Remove(macAddress);
        if (removed && before is not null)
        {
            AssignmentChanged?.Invoke(this, new ClientAssignmentChangedEventArgs(macAddress, null));
        }

        return removed;
    }

    /// <summary>Stops accepting sightings, writes those queued, and closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writer.Complete();
        await _writer.Completion.ConfigureAwait(false);
        Store.Dispose();
    }

    /// <summary>Stops accepting sightings, writes those queued, and closes the store.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _writer.Complete();
        _writer.Completion.GetAwaiter().GetResult();
        Store.Dispose();
    }
}
