#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages and benchmarks PxePowerShell.
.DESCRIPTION
    A thin wrapper over the dotnet CLI. Machines without pwsh run the same steps with the plain
    commands in README.md (dotnet build PxePowerShell.sln; bash tests/run.sh).
.EXAMPLE
    ./build.ps1                 # Build: lays the module out in out/PxePowerShell
.EXAMPLE
    ./build.ps1 -Task Test      # xunit suites, then the Pester acceptance tests when Pester is installed
.EXAMPLE
    ./build.ps1 -Task Package   # out/PxePowerShell.<version>.nupkg, a PowerShell module package (Publish-PSResource -NupkgPath)
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Bench', 'Clean')]
    [string] $Task = 'Build',
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',
    # Package: use the module already laid out in out/PxePowerShell instead of building it first.
    [switch] $NoBuild,
    # Package: where the .nupkg goes.
    [string] $OutputDirectory = 'out'
)

$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot

function Invoke-Native([string] $File, [string[]] $Arguments) {
    & $File @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$File $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

switch ($Task) {
    'Clean' {
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue out
        Invoke-Native dotnet @('clean', 'PxePowerShell.sln', '-c', $Configuration)
    }
    'Build' {
        Invoke-Native dotnet @('build', 'PxePowerShell.sln', '-c', $Configuration)
        Write-Host "Module laid out in $(Join-Path $PSScriptRoot 'out/PxePowerShell')"
    }
    'Test' {
        Invoke-Native bash @('tests/run.sh', $Configuration)
        if (Get-Module -ListAvailable Pester | Where-Object Version -ge '5.0') {
            $result = Invoke-Pester -Path tests/Pester -PassThru -Output Detailed
            if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester tests failed" }
        } else {
            Write-Warning 'Pester 5 is not installed: skipping tests/Pester (Install-Module Pester).'
        }
    }
    'Package' {
        if (-not $NoBuild) {
            Invoke-Native dotnet @('build', 'PxePowerShell.sln', '-c', $Configuration)
        }
        # The module folder as it is laid out (assemblies, native SQLite under runtimes/, formats, help) becomes a
        # PowerShell module package, the .nupkg that Publish-PSResource and Install-PSResource handle.
        $version = (Import-PowerShellDataFile out/PxePowerShell/PxePowerShell.psd1).ModuleVersion
        $null = New-Item -ItemType Directory -Force -Path $OutputDirectory
        Compress-PSResource -Path out/PxePowerShell -DestinationPath $OutputDirectory
        $package = Get-Item -LiteralPath (Join-Path $OutputDirectory "PxePowerShell.$version.nupkg")
        Write-Host "Packaged $($package.FullName) (Publish-PSResource -NupkgPath <it> -Repository <yours>)"
    }
    'Bench' {
        Get-ChildItem bench -Filter run.sh -Recurse | ForEach-Object { Invoke-Native bash @($_.FullName) }
    }
}
