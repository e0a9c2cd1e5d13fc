#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The module installs like any other: build.ps1 -Task Package makes the .nupkg, which is published to a local
# PSResourceGet file repository, installed with Install-PSResource into a clean module path and imported BY NAME in a
# fresh pwsh that then serves a file over TFTP (the native SQLite of the inventory included). Every PSResourceGet
# call runs in a child pwsh whose HOME is a temporary directory, so the user's repositories and modules are untouched.

BeforeAll {
    $repo = Resolve-Path "$PSScriptRoot/../.."
    $manifest = Import-PowerShellDataFile "$repo/out/PxePowerShell/PxePowerShell.psd1"

    # Runs $Command in a new pwsh (this one's executable; `dotnet pwsh.dll` when this pwsh is the dotnet tool) with
    # $Environment added; returns its output lines and fails on a non-zero exit code.
    function Invoke-ChildPwsh([string] $Command, [hashtable] $Environment) {
        $exe = [Environment]::ProcessPath
        $arguments = @(if ((Split-Path -Leaf $exe) -like 'dotnet*') { Join-Path $PSHOME 'pwsh.dll' })
        $saved = @{}
        foreach ($name in $Environment.Keys) {
            $saved[$name] = [Environment]::GetEnvironmentVariable($name)
            [Environment]::SetEnvironmentVariable($name, $Environment[$name])
        }
        try {
            $output = & $exe @arguments -NoProfile -NonInteractive -Command $Command 2>&1 | ForEach-Object ToString
            $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
            $output
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
    }
}

Describe 'The PowerShell module package' {
    It 'build.ps1 -Task Package makes PxePowerShell.{version}.nupkg with the module, its help and native SQLite' {
        & "$repo/build.ps1" -Task Package -NoBuild -OutputDirectory $TestDrive
        $package = Join-Path $TestDrive "PxePowerShell.$($manifest.ModuleVersion).nupkg"
        $package | Should -Exist
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($package)
        try { $entries = $zip.Entries.FullName } finally { $zip.Dispose() }
        $entries | Should -Contain 'PxePowerShell.psd1'
        $entries | Should -Contain 'PxePowerShell.dll'
        $entries | Should -Contain 'PxePowerShell.Engine.dll'
        $entries | Should -Contain 'en-US/PxePowerShell.dll-Help.xml'
        $entries | Should -Contain 'runtimes/linux-x64/native/libe_sqlite3.so'
    }

    It 'publishes to a file repository, installs with Install-PSResource, imports by name and serves TFTP' {
        $package = Join-Path $TestDrive "PxePowerShell.$($manifest.ModuleVersion).nupkg"
        if (-not (Test-Path $package)) { & "$repo/build.ps1" -Task Package -NoBuild -OutputDirectory $TestDrive }
        $userHome = New-Item -ItemType Directory (Join-Path $TestDrive 'home')
        $feed = New-Item -ItemType Directory (Join-Path $TestDrive 'feed')
        $root = New-Item -ItemType Directory (Join-Path $TestDrive 'root')
        Set-Content -Path "$root/hello.txt" -Value 'hello from the installed module' -NoNewline
        $clean = @{ HOME = $userHome.FullName; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; PSModulePath = $null }

        $installed = Invoke-ChildPwsh -Environment $clean -Command @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name PxeLocal -Uri '$($feed.FullName)' -Trusted
Publish-PSResource -NupkgPath '$package' -Repository PxeLocal
Find-PSResource -Name PxePowerShell -Repository PxeLocal | Out-Null
Install-PSResource -Name PxePowerShell -Repository PxeLocal -Scope CurrentUser -TrustRepository -Quiet
(Get-InstalledPSResource -Name PxePowerShell).InstalledLocation
"@
        $modules = @($installed)[-1]
        $modules | Should -BeLike "$($userHome.FullName)*"
        Join-Path $modules "PxePowerShell/$($manifest.ModuleVersion)/runtimes/linux-x64/native/libe_sqlite3.so" | Should -Exist

        $lines = Invoke-ChildPwsh -Environment @{ HOME = $userHome.FullName; PSModulePath = $modules; PXEPOWERSHELL_DATA = (Join-Path $TestDrive 'data') } -Command @"
`$ErrorActionPreference = 'Stop'
Import-Module PxePowerShell
`$server = Start-PxeTftpServer -Root '$($root.FullName)' -Address 127.0.0.1 -Port 0 -Name package
try {
    "BASE=`$((Get-Module PxePowerShell).ModuleBase)"
    "GOT=`$(curl -s "tftp://127.0.0.1:`$(`$server.EndPoints[0].Port)/hello.txt")"
    "CLIENTS=`$(@(Get-PxeClient).Count)"
}
finally { `$server | Stop-PxeServer }
"@
        $lines | Should -Contain "BASE=$(Join-Path $modules "PxePowerShell/$($manifest.ModuleVersion)")"
        $lines | Should -Contain 'GOT=hello from the installed module'
        ($lines | Where-Object { $_ -like 'CLIENTS=*' }) | Should -Not -BeNullOrEmpty
    }
}
