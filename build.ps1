#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, packages and benchmarks PxePowerShell.
.DESCRIPTION
    A thin wrapper over the dotnet CLI. Without an installed pwsh, run it with the pinned one:
    dotnet tool restore, then dotnet pwsh ./build.ps1 -Task <Task>.
.EXAMPLE
    ./build.ps1                 # Build: lays the module out in out/PxePowerShell
.EXAMPLE
    ./build.ps1 -Task Start     # builds the module and runs Start-PxeServer on out/sample-root until Ctrl+C or SIGTERM
.EXAMPLE
    ./build.ps1 -Task Test      # bash tests/run.sh: every xunit suite, then Invoke-Pester tests/Pester
.EXAMPLE
    ./build.ps1 -Task Package   # out/PxePowerShell.<version>.nupkg, a PowerShell module package (Publish-PSResource -NupkgPath)
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Start', 'Test', 'Package', 'Bench', 'Clean')]
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
    'Start' {
        # The README's run command: the module and the sample root (out/sample-root) are laid out by this build.
        Write-Host "Building the module ($Configuration)..."
        $log = dotnet build src/PxePowerShell/PxePowerShell.csproj -c $Configuration -nologo -v quiet 2>&1
        if ($LASTEXITCODE -ne 0) { $log | Out-Host; throw "dotnet build failed with exit code $LASTEXITCODE" }
        Import-Module ./out/PxePowerShell -Force
        # As root the real ports (proxyDHCP 67/4011, TFTP 69), so PXE machines on the network boot the sample iPXE menu;
        # otherwise unprivileged ones. pxeps (src/PxePowerShell.Host) runs the same server as a service without pwsh.
        $root = ($IsWindows -or (id -u) -eq '0')
        $ports = if ($root) { @{ TftpPort = 69; HttpPort = 8080 } } else { @{ Port = 6767; ClientPort = 6868; TftpPort = 6969; HttpPort = 8080 } }
        $tftp = if ($root) { 'tftp://127.0.0.1/hello.txt' } else { 'tftp://127.0.0.1:6969/hello.txt' }
        Write-Host "PxePowerShell: serving out/sample-root with proxyDHCP, TFTP and HTTP until Ctrl+C or SIGTERM."
        Write-Host "  try: curl $tftp or curl http://127.0.0.1:8080/boot.ipxe"
        Start-PxeServer -Root ./out/sample-root @ports -Http -IpxeScript boot.ipxe -Name sample -Wait | Out-Host
    }
    'Test' {
        # The README's test command: Debian packages, pwsh and Pester restored, every xunit suite, then tests/Pester.
        Invoke-Native bash @('tests/run.sh', $Configuration)
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
