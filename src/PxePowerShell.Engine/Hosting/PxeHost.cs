using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Files;
using PxePowerShell.Engine.Iso;
using PxePowerShell.Engine.Storage;

namespace PxePowerShell.Engine.Hosting;

/// <summary>
/// The composition root: one object that owns the data directory and its storage (<see cref="IPxeStorage"/>), the
/// event hub, the server registry, the client inventory (fed by the events), the boot-entry store and the ISO mount
/// table, and builds a server from a <see cref="PxeServerConfiguration"/> alone (<see cref="CreateServer"/>). The module
/// keeps one (ModuleState), the hostile-test host and any service build one the same way, so nothing is wired twice.
/// The inventory, the entries and the mount table are opened on first use; when the data directory follows the
/// environment and it changes, the inventory and the entries of the old one are closed and those of the new one opened
/// at their next use. The mount table is opened once: the images it mounted are served by running servers, so it stays
/// with the directory it was opened in. Thread-safe.
/// </summary>
public sealed class PxeHost : IAsyncDisposable, IDisposable
{
    private readonly object _gate = new();
    private readonly object _isoGate = new();
    private readonly PxeHostOptions _options;
    private string? _directory;
    private IPxeStorage? _storage;
    private ClientRegistry? _clients;
    private ClientInventoryObserver? _observer;
    private BootEntryStore? _bootEntries;
    private IsoMountTable? _isoMounts;
    private IReadOnlyList<(string MountPoint, string Error)> _isoRestoreFailures = [];
    private bool _disposed;

    /// <summary>Creates the host; nothing is opened until used.</summary>
    public PxeHost(PxeHostOptions? options = null)
    {
        _options = options ?? new PxeHostOptions();
        Events = new EventHub(historySize: _options.EventHistorySize);
        Servers = _options.Servers ?? new ServerRegistry();
        Time = _options.TimeProvider ?? TimeProvider.System;
    }

    /// <summary>Every server this host builds publishes here, so one subscriber (Get-PxeEvent, the inventory) sees them all.</summary>
    public EventHub Events { get; }

    /// <summary>The servers started through this host.</summary>
    public ServerRegistry Servers { get; }

    /// <summary>The clock of everything this host builds.</summary>
    public TimeProvider Time { get; }

    /// <summary>The data directory now (an absolute path; it may not exist yet).</summary>
    public string DataDirectory => _options.DataDirectory is { } fixedDirectory ? Path.GetFullPath(fixedDirectory) : PxeDataDirectory.Resolve();

    /// <summary>The storage of <see cref="DataDirectory"/> (built by <see cref="PxeHostOptions.Storage"/>, embedded by default).</summary>
    public IPxeStorage Storage
    {
        get
        {
            lock (_gate)
            {
                return StorageLocked();
            }
        }
    }

    /// <summary>
    /// The client inventory, opened on first use with an observer on <see cref="Events"/> so every server of this host
    /// feeds it. Throws <see cref="PxeStorageException"/> when it cannot be opened (the next use tries again).
    /// </summary>
    public ClientRegistry Clients
    {
        get
        {
            lock (_gate)
            {
                var storage = StorageLocked();
                if (_clients is null)
                {
                    var registry = new ClientRegistry(storage.OpenClients());
                    _observer = new ClientInventoryObserver(Events, registry);
                    _clients = registry;
                }

                return _clients;
            }
        }
    }

    /// <summary>The data directory of the open inventory, or null when none is open.</summary>
    public string? ClientsDirectory
    {
        get
        {
            lock (_gate)
            {
                return _clients is null ? null : _directory;
            }
        }
    }

    /// <summary>
    /// The boot entries, opened on first use. The store writes every change at once, so nothing needs closing. Throws
    /// <see cref="BootEntryException"/> (StoreUnreadable) when they cannot be read; the next use tries again.
    /// </summary>
    public BootEntryStore BootEntries
    {
        get
        {
            lock (_gate)
            {
                var storage = StorageLocked();
                return _bootEntries ??= new BootEntryStore(storage.BootEntries, Time);
            }
        }
    }

    /// <summary>The data directory of the open boot entries, or null when they are not open.</summary>
    public string? BootEntriesDirectory
    {
        get
        {
            lock (_gate)
            {
                return _bootEntries is null ? null : _directory;
            }
        }
    }

    /// <summary>
    /// The ISO images mounted through this host, served in every namespace its servers serve. Opened on first use with
    /// the storage's saved list, whose mounts are mounted again (those that fail are in <see cref="TakeIsoRestoreFailures"/>).
    /// </summary>
    public IsoMountTable IsoMounts
    {
        get
        {
            lock (_isoGate)
            {
                if (_isoMounts is null)
                {
                    var table = IsoMountTable.Over(Storage.IsoMounts, Time);
                    try
                    {
                        _isoRestoreFailures = table.Restore();
                    }
                    catch (InvalidDataException ex)
                    {
                        _isoRestoreFailures = [("*", ex.Message)];
                    }

                    _isoMounts = table;
                }

                return _isoMounts;
            }
        }
    }

    /// <summary>The saved mounts that could not be mounted again, once (then empty).</summary>
    public IReadOnlyList<(string MountPoint, string Error)> TakeIsoRestoreFailures()
    {
        lock (_isoGate)
        {
            var failures = _isoRestoreFailures;
            _isoRestoreFailures = [];
            return failures;
        }
    }

    /// <summary>
    /// Waits until every event published so far has reached the inventory and been written (or
    /// <paramref name="cancellationToken"/> fires). Opens the inventory when it is not open.
    /// </summary>
    public Task FlushClientsAsync(CancellationToken cancellationToken = default)
    {
        _ = Clients;
        ClientInventoryObserver? observer;
        lock (_gate)
        {
            observer = _observer;
        }

        return observer?.FlushAsync(cancellationToken) ?? Task.CompletedTask;
    }

    /// <summary>
    /// Builds (does not start) the all-in-one server of <paramref name="configuration"/>: its namespace over
    /// <see cref="PxeServerConfiguration.Root"/>, the generated menus from <see cref="BootEntries"/> (re-read when another
    /// process changed them) unless <see cref="PxeServerConfiguration.BootMenu"/> is off, its leases in <see cref="Storage"/>
    /// (or in <see cref="PxeServerConfiguration.DataDirectory"/> when set), publishing to <see cref="Events"/>. When the
    /// boot entries cannot be read, the server serves no generated menus and <paramref name="warn"/> hears why.
    /// </summary>
    public PxeServer CreateServer(PxeServerConfiguration configuration, Action<string>? warn = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.IsNullOrEmpty(configuration.Root))
        {
            throw new ArgumentException("The server needs a root to serve (PxeServerConfiguration.Root).", nameof(configuration));
        }

        return new PxeServer(configuration, new BootNamespace(configuration.Root), BootEntrySource(configuration, warn), Events, Time, Storage);
    }

    /// <summary>
    /// Serves in <paramref name="boot"/>, the namespace of the server named <paramref name="serverName"/>, every mounted
    /// ISO image that server serves, now and as images are mounted later, until <see cref="DetachIsoMounts"/>.
    /// </summary>
    public void AttachIsoMounts(BootNamespace boot, string serverName) => IsoMounts.Attach(boot, serverName);

    /// <summary>Stops <paramref name="boot"/> from following the ISO mounts (a no-op when the table was never opened).</summary>
    public void DetachIsoMounts(BootNamespace boot)
    {
        IsoMountTable? table;
        lock (_isoGate)
        {
            table = _isoMounts;
        }

        table?.Detach(boot);
    }

    /// <summary>
    /// Starts a server built by <see cref="CreateServer"/> the way the module does: the inventory opened (a failure is
    /// returned as a warning: clients are then not recorded), the ISO mounts attached to its namespace (detached again
    /// when it stops or fails to start), registered in <see cref="Servers"/> once running. Returns the warnings.
    /// </summary>
    public async Task<IReadOnlyList<string>> StartAsync(PxeServer server, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var warnings = new List<string>();
        if (OpenClientsOrWarn() is { } warning)
        {
            warnings.Add(warning);
        }

        AttachIsoMounts(server.Files, server.Name);
        warnings.AddRange(TakeIsoRestoreFailures().Select(f => $"The saved ISO mount '{f.MountPoint}' was not mounted again: {f.Error}"));
        try
        {
            await server.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            DetachIsoMounts(server.Files);
            throw;
        }

        _ = server.Completion.ContinueWith(_ => DetachIsoMounts(server.Files), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        Servers.Add(server);
        return warnings;
    }

    /// <summary>Opens the inventory so servers' events are recorded; the message when it cannot be (null when it is open).</summary>
    public string? OpenClientsOrWarn()
    {
        try
        {
            _ = Clients;
            return null;
        }
        catch (PxeStorageException ex)
        {
            return $"Clients will not be recorded in the inventory: {ex.Message} Set $env:{PxeDataDirectory.EnvironmentVariable} to a writable directory.";
        }
    }

    /// <summary>Flushes and closes the inventory, closes the mounted images and the storage. Servers are not stopped.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CloseLocked();
        }

        lock (_isoGate)
        {
            _isoMounts?.Dispose();
            _isoMounts = null;
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private Func<BootConfiguration>? BootEntrySource(PxeServerConfiguration configuration, Action<string>? warn)
    {
        if (!configuration.BootMenu)
        {
            return null;
        }

        try
        {
            return BootEntries.Refresh;
        }
        catch (Exception ex) when (ex is BootEntryException or IOException or UnauthorizedAccessException)
        {
            warn?.Invoke($"No generated boot menus are served: {ex.Message}");
            return null;
        }
    }

    /// <summary>The storage of the data directory now; a changed directory closes what the old one had open.</summary>
    private IPxeStorage StorageLocked()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        string directory = DataDirectory;
        if (_storage is not null && string.Equals(directory, _directory, StringComparison.Ordinal))
        {
            return _storage;
        }

        CloseLocked();
        _storage = _options.Storage is { } build ? build(directory) : new EmbeddedStorage(directory);
        _directory = directory;
        Events.AttachStore(_storage.Events);
        return _storage;
    }

    private void CloseLocked()
    {
        _observer?.Dispose();
        _clients?.Dispose();
        if (_storage is not null)
        {
            Events.AttachStore(null); // writes what the durable store still queues, before the storage closes
        }

        _storage?.Dispose();
        _observer = null;
        _clients = null;
        _bootEntries = null;
        _storage = null;
        _directory = null;
    }
}
