using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Dhcp;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Iso;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Engine.Tests.Storage;

/// <summary>The whole storage seam in memory: what a shared database would plug in, minus the database.</summary>
internal sealed class InMemoryStorage : IPxeStorage
{
    public InMemoryLeaseStorage Leases4 { get; } = new();

    public InMemoryLeaseStorage Leases6 { get; } = new();

    public InMemoryClientStore Clients { get; } = new();

    public InMemoryBootEntryStorage Entries { get; } = new();

    public InMemoryIsoMountStorage Mounts { get; } = new();

    public InMemoryEventStore EventStore { get; } = new();

    public bool Disposed { get; private set; }

    public string Description => "memory";

    public IBootEntryStorage BootEntries => Entries;

    public IIsoMountStorage IsoMounts => Mounts;

    public IEventStore? Events => EventStore;

    public ILeaseStorage Leases(LeaseFamily family) => family == LeaseFamily.IPv6 ? Leases6 : Leases4;

    public IClientStore OpenClients() => Clients;

    public void Dispose() => Disposed = true;
}
