# A module with nothing in it: lets pxeps start without importing PxePowerShell, so the bench can time a cold Import-Module.
@{
    ModuleVersion = '1.0.0'
    CmdletsToExport = @()
    FunctionsToExport = @()
}
