using System.Net;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Net;

namespace PxePowerShell.Engine.Tests.Storage;

/// <summary>An inventory in memory that keeps the sightings it was given (and answers queries with nothing).</summary>
internal sealed class InMemoryClientStore : IClientStore
{
    private readonly object _gate = new();
    private readonly List<ClientSighting> _sightings = [];

    public string Location => "memory";

    public bool Disposed { get; private set; }

    public IReadOnlyList<ClientSighting> Sightings
    {
        get
        {
            lock (_gate)
            {
                return [.. _sightings];
            }
        }
    }

    public void Record(IReadOnlyList<ClientSighting> sightings)
    {
        lock (_gate)
        {
            _sightings.AddRange(sightings);
        }
    }

    public IReadOnlyList<ClientRecord> Query(ClientQuery query) => [];

    public IReadOnlyList<BootTraceStep> ReadTrace(string? macAddress, IPAddress? ipAddress, DateTimeOffset? since = null) => [];

    public ClientRecord? Find(MacAddress macAddress) => null;

    public string? FindBootEntry(MacAddress macAddress) => null;

    public ClientRecord? Update(MacAddress macAddress, ClientChanges changes, bool create) => null;

    public bool Remove(MacAddress macAddress) => false;

    public bool RemoveByAddress(IPAddress address) => false;

    public void Dispose() => Disposed = true;
}
