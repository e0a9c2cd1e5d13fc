using System.Collections.Immutable;
using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Engine.Tests.Storage;

/// <summary>Boot entries in memory; <see cref="Version"/> counts the writes.</summary>
internal sealed class InMemoryBootEntryStorage : IBootEntryStorage
{
    private readonly object _gate = new();
    private BootConfiguration? _stored;
    private int _version;

    public string Location => "memory";

    public object? Version
    {
        get
        {
            lock (_gate)
            {
                return _stored is null ? null : _version;
            }
        }
    }

    public BootConfiguration? Read()
    {
        lock (_gate)
        {
            return _stored;
        }
    }

    public void Write(BootMenuSettings settings, ImmutableArray<BootEntry> entries)
    {
        lock (_gate)
        {
            _stored = new BootConfiguration(settings, entries, DateTimeOffset.UnixEpoch.AddDays(++_version));
        }
    }
}
