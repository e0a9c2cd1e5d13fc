using System.Net;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Clients;

/// <summary>
/// Durable storage of the client inventory. Implementations are safe to call from several threads and, for
/// file-based stores, from several stores (or processes) over the same file.
/// </summary>
public interface IClientStore : IDisposable
{
    /// <summary>Where the data lives (a file path for SQLite).</summary>
    string Location { get; }

    /// <summary>Merges <paramref name="sightings"/> into the inventory in one transaction.</summary>
    void Record(IReadOnlyList<ClientSighting> sightings);

    /// <summary>The clients matching <paramref name="query"/>, ordered by MAC address (clients known only by IP last).</summary>
    IReadOnlyList<ClientRecord> Query(ClientQuery query);

    /// <summary>
    /// The boot trace of the client with this MAC address (or, when <paramref name="macAddress"/> is null, of the
    /// client known only by <paramref name="ipAddress"/>), oldest first; empty for an unknown client.
    /// </summary>
    IReadOnlyList<BootTraceStep> ReadTrace(string? macAddress, IPAddress? ipAddress, DateTimeOffset? since = null);

    /// <summary>The client with this hardware address, or null.</summary>
    ClientRecord? Find(MacAddress macAddress);

    /// <summary>The boot entry assigned to this hardware address, or null.</summary>
    string? FindBootEntry(MacAddress macAddress);

    /// <summary>
    /// Applies <paramref name="changes"/> to the client; when it is unknown, creates it if <paramref name="create"/>
    /// (a pre-registered client) and otherwise returns null.
    /// </summary>
    ClientRecord? Update(MacAddress macAddress, ClientChanges changes, bool create);

    /// <summary>Removes the client; false when it was not there.</summary>
    bool Remove(MacAddress macAddress);

    /// <summary>Removes a client known only by its IP address; false when there is none.</summary>
    bool RemoveByAddress(IPAddress address);
}
