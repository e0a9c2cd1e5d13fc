using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Clients;
using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Hosting;
using PxePowerShell.Engine.Iso;

namespace PxePowerShell;

/// <summary>
/// What the module keeps for the life of the PowerShell process: one <see cref="PxeHost"/>, the composition root that
/// owns the servers, their event stream, the client inventory, the boot entries and the ISO mounts. Its data directory
/// follows <c>$env:PXEPOWERSHELL_DATA</c> (read at every use). The members below only name the host's parts for the cmdlets.
/// </summary>
internal static class ModuleState
{
    static ModuleState()
    {
        // Write what the servers reported last before the process goes.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Host.Dispose();
    }

    /// <summary>The module's composition root.</summary>
    public static PxeHost Host { get; } = new(new PxeHostOptions { Servers = ServerRegistry.Default, OpenStore = StoreSetting.Open });

    /// <summary>The servers started in this process (<see cref="PxeHost.Servers"/>).</summary>
    public static ServerRegistry Servers => Host.Servers;

    /// <summary>Every server the module starts publishes here (<see cref="PxeHost.Events"/>).</summary>
    public static EventHub Events => Host.Events;

    /// <summary>The client inventory of the current data directory (<see cref="PxeHost.Clients"/>); throws when it cannot be opened.</summary>
    public static ClientRegistry Clients => Host.Clients;

    /// <summary>The data directory of the open inventory, or null when none is open.</summary>
    public static string? ClientsDirectory => Host.ClientsDirectory;

    /// <summary>The boot entries of the current data directory (<see cref="PxeHost.BootEntries"/>); throws StoreUnreadable when they cannot be read.</summary>
    public static BootEntryStore BootEntries => Host.BootEntries;

    /// <summary>The data directory of the open boot entry store, or null when none is open.</summary>
    public static string? BootEntriesDirectory => Host.BootEntriesDirectory;

    /// <summary>The ISO images mounted in this process (<see cref="PxeHost.IsoMounts"/>).</summary>
    public static IsoMountTable IsoMounts => Host.IsoMounts;

    /// <summary>The saved mounts that could not be mounted again, once (then empty).</summary>
    public static IReadOnlyList<(string MountPoint, string Error)> TakeIsoRestoreFailures() => Host.TakeIsoRestoreFailures();

    /// <summary>Waits until every event published so far has reached the inventory and been written.</summary>
    public static Task FlushClientsAsync(CancellationToken cancellationToken) => Host.FlushClientsAsync(cancellationToken);
}
