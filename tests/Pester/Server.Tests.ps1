#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Acceptance tests for Start-PxeServer and Export-PxeConfiguration: the examples of docs/cmdlets/Start-PxeServer.md and
# docs/cmdlets/Export-PxeConfiguration.md on unprivileged ports, run for real in pwsh. CI without pwsh only parses this file.

BeforeAll {
    $repo = Resolve-Path "$PSScriptRoot/../.."
    Import-Module "$repo/out/PxePowerShell/PxePowerShell.psd1" -Force
    $sample = "$repo/out/sample-root"
    $savedData = $env:PXEPOWERSHELL_DATA
    $env:PXEPOWERSHELL_DATA = Join-Path $TestDrive 'data'
}

AfterAll {
    Get-PxeServer | Where-Object Name -like 'pester-*' | Stop-PxeServer
    $env:PXEPOWERSHELL_DATA = $savedData
}

Describe 'Start-PxeServer' {
    It 'Example 1: serves the sample root over TFTP and HTTP' {
        $server = Start-PxeServer -Root $sample -Address 127.0.0.1 -Port 16767 -PxePort 0 -TftpPort 0 -Http -HttpPort 0 -Name pester-all
        try {
            $server.Services.Role | Should -Be @('Http', 'Tftp', 'ProxyDhcp')
            $tftp = $server.Tftp.EndPoints[0].Port
            $http = $server.Http.EndPoints[0].Port
            curl -s "tftp://127.0.0.1:$tftp/hello.txt" | Should -Be (Get-Content "$sample/hello.txt")
            (Invoke-WebRequest "http://127.0.0.1:$http/boot.ipxe").Content | Should -Match '^#!ipxe'
            $server.HttpBootUrl | Should -Be "http://127.0.0.1:$http/"
        }
        finally {
            $server | Stop-PxeServer
        }
    }

    It 'Example 6: -SecureBoot serves the signed chain and the generated GRUB menu' -Skip:(-not (Test-Path /usr/lib/shim/shimx64.efi.signed)) {
        New-PxeBootEntry -Name sb-debian -Kernel vmlinuz -Arguments quiet -Default | Out-Null
        $server = Start-PxeServer -Root $sample -Address 127.0.0.1 -NoDhcp -TftpPort 0 -SecureBoot -Name pester-sb
        try {
            $tftp = $server.Tftp.EndPoints[0].Port
            $copy = Join-Path $TestDrive 'shimx64.efi'
            curl -s -o $copy "tftp://127.0.0.1:$tftp/secureboot/shimx64.efi"
            (Get-FileHash $copy).Hash | Should -Be (Get-FileHash /usr/lib/shim/shimx64.efi.signed).Hash
            (curl -s "tftp://127.0.0.1:$tftp/grub/grub.cfg") -join "`n" | Should -Match 'linux /vmlinuz quiet'
        }
        finally {
            $server | Stop-PxeServer
            Remove-PxeBootEntry sb-debian
        }
    }

    It 'Example 4: a configuration file starts the same server again' {
        $null = Start-PxeServer -Root $sample -Address 127.0.0.1 -NoDhcp -TftpPort 0 -Http -HttpPort 0 -Name pester-file
        $file = Join-Path $TestDrive 'lab.psd1'
        Export-PxeConfiguration -Path $file -Name pester-file
        Stop-PxeServer pester-file
        (Import-PowerShellDataFile $file).Http | Should -BeTrue
        $again = Start-PxeServer -ConfigurationPath $file
        try {
            $again.Name | Should -Be 'pester-file'
            $again.Configuration.DhcpMode | Should -Be 'None'
        }
        finally {
            $again | Stop-PxeServer
        }
    }

    It 'a bad configuration file is an error with a stable id' {
        $file = Join-Path $TestDrive 'bad.psd1'
        Set-Content $file "@{ Root = '$sample'; TftpPorts = 69 }"
        { Start-PxeServer -ConfigurationPath $file -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidConfiguration,PxePowerShell.Cmdlets.StartPxeServerCommand'
    }
}
