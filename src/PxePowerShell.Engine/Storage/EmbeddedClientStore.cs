using System.Net;
using Microsoft.Data.Sqlite;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Storage;

/// <summary>
/// The embedded inventory (<see cref="SqliteClientStore"/>) behind the seam: every failure of SQLite (or of loading its
/// native library) leaves as a <see cref="PxeStorageException"/> with the original message, so no caller names a type
/// of the storage library.
/// </summary>
internal sealed class EmbeddedClientStore : IClientStore
{
    /// <summary>The ErrorId of every inventory failure.</summary>
    public const string ErrorId = PxeErrorIds.InventoryUnavailable;

    private readonly SqliteClientStore _inner;

    private EmbeddedClientStore(SqliteClientStore inner) => _inner = inner;

    /// <summary>Opens (creating when absent) the inventory file of <paramref name="dataDirectory"/>.</summary>
    public static EmbeddedClientStore Open(string dataDirectory) =>
        Guard(() => new EmbeddedClientStore(SqliteClientStore.OpenDirectory(dataDirectory)));

    /// <inheritdoc />
    public string Location => _inner.Location;

    /// <inheritdoc />
    public void Record(IReadOnlyList<ClientSighting> sightings) => Guard(() => _inner.Record(sightings));

    /// <inheritdoc />
    public IReadOnlyList<ClientRecord> Query(ClientQuery query) => Guard(() => _inner.Query(query));

    /// <inheritdoc />
    public IReadOnlyList<BootTraceStep> ReadTrace(string? macAddress, IPAddress? ipAddress, DateTimeOffset? since = null) =>
        Guard(() => _inner.ReadTrace(macAddress, ipAddress, since));

    /// <inheritdoc />
    public ClientRecord? Find(MacAddress macAddress) => Guard(() => _inner.Find(macAddress));

    /// <inheritdoc />
    public string? FindBootEntry(MacAddress macAddress) => Guard(() => _inner.FindBootEntry(macAddress));

    /// <inheritdoc />
    public ClientRecord? Update(MacAddress macAddress, ClientChanges changes, bool create) => Guard(() => _inner.Update(macAddress, changes, create));

    /// <inheritdoc />
    public bool Remove(MacAddress macAddress) => Guard(() => _inner.Remove(macAddress));

    /// <inheritdoc />
    public bool RemoveByAddress(IPAddress address) => Guard(() => _inner.RemoveByAddress(address));

    /// <inheritdoc />
    public void Dispose() => _inner.Dispose();

    private static void Guard(Action action) => Guard(() =>
    {
        action();
        return 0;
    });

    private static T Guard<T>(Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (Translate(ex) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The seam's exception for a failure of the store underneath, or null for one that is the caller's (an argument).</summary>
    internal static PxeStorageException? Translate(Exception ex) => ex switch
    {
        PxeStorageException => null,
        SqliteException => new(ErrorId, PxeErrorCategory.ResourceUnavailable, ex.Message, ex),
        InvalidDataException => new(ErrorId, PxeErrorCategory.InvalidData, ex.Message, ex),
        UnauthorizedAccessException => new(ErrorId, PxeErrorCategory.PermissionDenied, ex.Message, ex),
        IOException or DllNotFoundException or TypeInitializationException or EntryPointNotFoundException or BadImageFormatException or ObjectDisposedException
            => new(ErrorId, PxeErrorCategory.ResourceUnavailable, ex.Message, ex),
        _ => null,
    };
}
