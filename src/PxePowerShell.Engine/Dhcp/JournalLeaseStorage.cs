namespace PxePowerShell.Engine.Dhcp;

/// <summary>The embedded lease storage: a <see cref="JournalLeaseStore"/> in one directory (<c>leases/</c> or <c>leases6/</c> of the data directory).</summary>
public sealed class JournalLeaseStorage : ILeaseStorage
{
    /// <summary>The storage in <paramref name="directory"/> (created when a store is opened).</summary>
    public JournalLeaseStorage(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = directory;
    }

    /// <summary>The journal's directory.</summary>
    public string Directory { get; }

    /// <inheritdoc />
    public string Location => Directory;

    /// <inheritdoc />
    public ILeaseStore Open() => new JournalLeaseStore(Directory);

    /// <inheritdoc />
    public LeaseStoreContents Read() => JournalLeaseStore.Read(Directory);
}
