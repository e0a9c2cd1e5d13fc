using System.Collections.Immutable;
using PxePowerShell.Engine;
using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Storage.Postgres;

/// <summary>
/// The boot entries and menu settings of the whole fleet as one versioned document (the JSON of boot-entries.json):
/// every server reads the same set, and a change made on one is seen by the others at their next
/// <see cref="BootEntryStore"/> check of <see cref="Version"/>. While the database is down, the last version read
/// stands, so servers go on serving the last entries they read.
/// </summary>
public sealed class PostgresBootEntryStorage : IBootEntryStorage
{
    private const string Name = "boot-entries";
    private readonly PostgresDocuments _documents;
    private readonly string _location;
    private object? _known;

    internal PostgresBootEntryStorage(PostgresStore store)
    {
        _documents = new PostgresDocuments(store);
        _location = $"postgresql: {store.Location} ({Name})";
    }

    /// <inheritdoc />
    public string Location => _location;

    /// <inheritdoc />
    public object? Version
    {
        get
        {
            try
            {
                _known = _documents.Version(Name);
            }
            catch (PxeStorageException)
            {
                // The database is down: the last version read stands, and with it the entries read last.
            }

            return _known;
        }
    }

    /// <inheritdoc />
    public BootConfiguration? Read()
    {
        if (_documents.Read(Name) is not var (body, updated))
        {
            return null;
        }

        var (settings, entries) = BootEntryFile.Deserialize(body, PxeErrorIds.StoreUnreadable, _location);
        return new BootConfiguration(settings, entries, updated);
    }

    /// <inheritdoc />
    public void Write(BootMenuSettings settings, ImmutableArray<BootEntry> entries) =>
        _documents.Write(Name, BootEntryFile.Serialize(settings, entries));
}
