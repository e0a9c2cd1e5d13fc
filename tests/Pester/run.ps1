#Requires -Version 7.4
<#
.SYNOPSIS
    Runs the Pester suite (tests/Pester) with Pester 5.7.1 from the NuGet cache and prints one line
    "pester: N passed, N failed, N skipped". Exit code: the number of failures (tests, blocks and containers).
.DESCRIPTION
    tests/run.sh and ./build.ps1 -Task Test call it after `dotnet restore tests/Pester/restore` put Pester 5.7.1 in the
    NuGet cache. Needs the built module (out/PxePowerShell) and root for the tests that create network namespaces.
.EXAMPLE
    dotnet pwsh -NoProfile -File tests/Pester/run.ps1 -Path tests/Pester/BootEntry.Tests.ps1
#>
param(
    [string[]] $Path = $PSScriptRoot,
    [string] $Output = 'Normal'
)

$ErrorActionPreference = 'Stop'
$packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget/packages' }
$pester = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
if (-not (Test-Path $pester)) {
    Write-Host "Pester 5.7.1 is not in $packages; run: dotnet restore tests/Pester/restore"
    Write-Host 'pester: 0 passed, 1 failed, 0 skipped'
    exit 1
}
Import-Module $pester -RequiredVersion 5.7.1 -Force

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = $Output
$stopwatch = [Diagnostics.Stopwatch]::StartNew()
$result = Invoke-Pester -Configuration $configuration
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
Write-Host ("Pester took {0:n0} s" -f $stopwatch.Elapsed.TotalSeconds)
Write-Host "pester: $($result.PassedCount) passed, $failed failed, $($result.SkippedCount + $result.NotRunCount) skipped"
exit $failed
