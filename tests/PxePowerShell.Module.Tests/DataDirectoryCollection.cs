namespace PxePowerShell.Module.Tests;

/// <summary>
/// Test classes that point $env:PXEPOWERSHELL_DATA at their own directories. The variable belongs to the process, so
/// these classes must not run in parallel: one switching the directory would close the store another is using.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DataDirectoryCollection
{
    public const string Name = "PXEPOWERSHELL_DATA";
}
