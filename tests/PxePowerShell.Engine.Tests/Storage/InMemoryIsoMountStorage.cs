using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell.Engine.Tests.Storage;

/// <summary>An ISO mount list in memory; counts the reads.</summary>
internal sealed class InMemoryIsoMountStorage : IIsoMountStorage
{
    private IReadOnlyList<IsoMountConfiguration> _mounts = [];

    public int Reads { get; private set; }

    public string Location => "memory";

    public IReadOnlyList<IsoMountConfiguration> Read()
    {
        Reads++;
        return _mounts;
    }

    public void Write(IReadOnlyList<IsoMountConfiguration> mounts) => _mounts = [.. mounts];
}
