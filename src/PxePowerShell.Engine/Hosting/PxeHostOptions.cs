using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Engine.Hosting;

/// <summary>What a <see cref="PxeHost"/> is built from; every property has a default, so <c>new PxeHostOptions()</c> is the module's own set-up.</summary>
public sealed record PxeHostOptions
{
    /// <summary>
    /// The data directory; null follows <see cref="Configuration.PxeDataDirectory.Resolve()"/> on every use (the module:
    /// a changed <c>$env:PXEPOWERSHELL_DATA</c> takes effect at the next command).
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>
    /// The one storage setting: builds the storage of a data directory. Null is <see cref="EmbeddedStorage"/> (files in
    /// the data directory, nothing to configure); a shared database passes its provider here.
    /// </summary>
    public Func<string, IPxeStorage>? Storage { get; init; }

    /// <summary>
    /// Opens the shared store a server's configuration names (<see cref="Configuration.PxeServerConfiguration.Store"/>):
    /// the setting, the server's name and the data directory (for what stays local) give a storage the server owns and
    /// closes when it stops. Null: a configuration with a Store setting cannot be served (StoreUnreachable). The module
    /// passes the PostgreSQL store here; it throws <see cref="PxeStorageException"/> when the store cannot be opened.
    /// </summary>
    public Func<string, string, string, IPxeStorage>? OpenStore { get; init; }

    /// <summary>How many events the host's hub remembers for Get-PxeEvent.</summary>
    public int EventHistorySize { get; init; } = 5000;

    /// <summary>The servers' registry; null = a new one (the module passes <see cref="ServerRegistry.Default"/>).</summary>
    public ServerRegistry? Servers { get; init; }

    /// <summary>The clock; null = the system clock.</summary>
    public TimeProvider? TimeProvider { get; init; }
}
