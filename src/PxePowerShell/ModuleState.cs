using PxePowerShell.Engine.Events;
using PxePowerShell.Engine.Hosting;

namespace PxePowerShell;

/// <summary>What the module keeps for the life of the PowerShell process: its servers and their event stream.</summary>
internal static class ModuleState
{
    /// <summary>The servers started in this process.</summary>
    public static ServerRegistry Servers => ServerRegistry.Default;

    /// <summary>Every server the module starts publishes here, so one Get-PxeEvent sees them all.</summary>
    public static EventHub Events { get; } = new(historySize: 5000);
}
