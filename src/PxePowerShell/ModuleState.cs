using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell;

/// <summary>What the module keeps for the life of the PowerShell process: its servers, their event stream, the client inventory and the boot entries.</summary>
internal static class ModuleState
{
    private static readonly object s_inventoryGate = new();
    private static ClientRegistry? s_clients;
    private static ClientInventoryObserver? s_observer;
    private static string? s_clientsDirectory;
    private static int s_exitHooked;
    private static readonly object s_bootGate = new();
    private static BootEntryStore? s_bootEntries;
    private static string? s_bootDirectory;
    private static readonly object s_isoGate = new();
    private static IsoMountTable? s_isoMounts;
    private static IReadOnlyList<(string MountPoint, string Error)> s_isoRestoreFailures = [];

    /// <summary>The servers started in this process.</summary>
    public static ServerRegistry Servers => ServerRegistry.Default;

    /// <summary>Every server the module starts publishes here, so one Get-PxeEvent sees them all.</summary>
    public static EventHub Events { get; } = new(historySize: 5000);

    /// <summary>
    /// The client inventory of the current data directory (<see cref="PxeDataDirectory"/>), opened on first use with
    /// an observer on <see cref="Events"/> so every server the module starts feeds it. When the data directory
    /// changes (<c>$env:PXEPOWERSHELL_DATA</c>), the open inventory is flushed and closed and the new one opened.
    /// Throws when the inventory cannot be opened.
    /// </summary>
    public static ClientRegistry Clients
    {
        get
        {
            string directory = PxeDataDirectory.Resolve();
            lock (s_inventoryGate)
            {
                if (s_clients is not null && string.Equals(directory, s_clientsDirectory, StringComparison.Ordinal))
                {
                    return s_clients;
                }

                CloseInventory();
                if (Interlocked.Exchange(ref s_exitHooked, 1) == 0)
                {
                    // Write what the servers reported last before the process goes.
                    AppDomain.CurrentDomain.ProcessExit += (_, _) =>
                    {
                        lock (s_inventoryGate)
                        {
                            CloseInventory();
                        }
                    };
                }

                var registry = ClientRegistry.Open(directory);
                s_observer = new ClientInventoryObserver(Events, registry);
                s_clients = registry;
                s_clientsDirectory = directory;
                return registry;
            }
        }
    }

    /// <summary>The data directory of the open inventory, or null when none is open.</summary>
    public static string? ClientsDirectory
    {
        get
        {
            lock (s_inventoryGate)
            {
                return s_clientsDirectory;
            }
        }
    }

    /// <summary>
    /// The boot entries of the current data directory (<see cref="PxeDataDirectory"/>): boot-entries.json, opened on
    /// first use and opened again when the data directory changes (<c>$env:PXEPOWERSHELL_DATA</c>). The store writes
    /// every change at once, so nothing needs closing. Throws <see cref="BootEntryException"/> (StoreUnreadable) when
    /// the file cannot be read; the next use tries again.
    /// </summary>
    public static BootEntryStore BootEntries
    {
        get
        {
            string directory = PxeDataDirectory.Resolve();
            lock (s_bootGate)
            {
                if (s_bootEntries is not null && string.Equals(directory, s_bootDirectory, StringComparison.Ordinal))
                {
                    return s_bootEntries;
                }

                s_bootEntries = null;
                s_bootDirectory = null;
                var store = new BootEntryStore(Path.Combine(directory, BootEntryStore.DefaultFileName));
                s_bootEntries = store;
                s_bootDirectory = directory;
                return store;
            }
        }
    }

    /// <summary>
    /// The ISO images mounted in this process (Mount-PxeIso), served in every namespace a server of the module serves.
    /// Opened on first use with the data directory's mounts.json, and the mounts saved there are mounted again (the
    /// ones that fail are in <see cref="TakeIsoRestoreFailures"/>).
    /// </summary>
    public static IsoMountTable IsoMounts
    {
        get
        {
            lock (s_isoGate)
            {
                if (s_isoMounts is null)
                {
                    var table = new IsoMountTable(Path.Combine(PxeDataDirectory.Resolve(), "mounts.json"));
                    try
                    {
                        s_isoRestoreFailures = table.Restore();
                    }
                    catch (InvalidDataException ex)
                    {
                        s_isoRestoreFailures = [("*", ex.Message)];
                    }

                    s_isoMounts = table;
                }

                return s_isoMounts;
            }
        }
    }

    /// <summary>The saved mounts that could not be mounted again, once (then empty).</summary>
    public static IReadOnlyList<(string MountPoint, string Error)> TakeIsoRestoreFailures()
    {
        lock (s_isoGate)
        {
            var failures = s_isoRestoreFailures;
            s_isoRestoreFailures = [];
            return failures;
        }
    }

    /// <summary>The data directory of the open boot entry store, or null when none is open.</summary>
    public static string? BootEntriesDirectory
    {
        get
        {
            lock (s_bootGate)
            {
                return s_bootDirectory;
            }
        }
    }

    /// <summary>
    /// Waits until every event published so far has reached the inventory and been written (or
    /// <paramref name="cancellationToken"/> fires). Opens the inventory when it is not open.
    /// </summary>
    public static Task FlushClientsAsync(CancellationToken cancellationToken)
    {
        _ = Clients;
        ClientInventoryObserver? observer;
        lock (s_inventoryGate)
        {
            observer = s_observer;
        }

        return observer?.FlushAsync(cancellationToken) ?? Task.CompletedTask;
    }

    private static void CloseInventory()
    {
        s_observer?.Dispose();
        s_clients?.Dispose();
        s_observer = null;
        s_clients = null;
        s_clientsDirectory = null;
    }
}
