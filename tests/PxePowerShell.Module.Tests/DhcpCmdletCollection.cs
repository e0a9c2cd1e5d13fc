namespace PxePowerShell.Module.Tests;

/// <summary>Runs the DHCP cmdlet tests on their own: their clients are recorded in the process-wide client inventory.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DhcpCmdletCollection
{
    public const string Name = "DHCP cmdlets (client inventory)";
}
