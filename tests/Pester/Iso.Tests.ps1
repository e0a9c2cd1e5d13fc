#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Acceptance tests for the ISO cmdlets: the examples of docs/cmdlets/Mount-PxeIso.md on an Arch-shaped image built with
# xorriso, run for real in pwsh. CI without pwsh only parses this file.

BeforeAll {
    $repo = Resolve-Path "$PSScriptRoot/../.."
    Import-Module "$repo/out/PxePowerShell/PxePowerShell.psd1" -Force
    $savedData = $env:PXEPOWERSHELL_DATA
    $env:PXEPOWERSHELL_DATA = Join-Path $TestDrive 'data'
    $tree = Join-Path $TestDrive 'tree'
    New-Item -ItemType Directory -Force "$tree/arch/boot/x86_64" | Out-Null
    Set-Content "$tree/arch/boot/x86_64/vmlinuz-linux" 'kernel'
    Set-Content "$tree/arch/boot/x86_64/initramfs-linux.img" 'initramfs'
    $image = Join-Path $TestDrive 'archlinux.iso'
    xorriso -as mkisofs -quiet -R -J -V ARCH_202611 -o $image $tree 2>$null
}

AfterAll {
    Get-PxeIso | Dismount-PxeIso
    Get-PxeServer | Where-Object Name -like 'pester-*' | Stop-PxeServer
    $env:PXEPOWERSHELL_DATA = $savedData
}

Describe 'Mount-PxeIso' {
    It 'Example 1: the mount pipes into New-PxeBootEntry' {
        $iso = Mount-PxeIso $image -MountPoint arch
        $iso.Distribution | Should -Be 'Arch Linux'
        $entry = $iso | New-PxeBootEntry -Default
        $entry.Kernel | Should -Be 'arch/arch/boot/x86_64/vmlinuz-linux'
        $entry.Arguments | Should -Match 'archiso_http_srv=\{http\}/arch/'
    }

    It 'serves the image over TFTP and lists it' {
        $server = Start-PxeTftpServer -Root $TestDrive -Address 127.0.0.1 -Port 0 -Name pester-iso
        $port = $server.EndPoints[0].Port
        curl -s "tftp://127.0.0.1:$port/arch/arch/boot/x86_64/vmlinuz-linux" | Should -Be 'kernel'
        (Get-PxeIsoItem -MountPoint arch -Path arch/boot -Recurse).Name | Should -Contain 'vmlinuz-linux'
        $server | Stop-PxeServer
    }

    It 'Example 4: an image for one server only' {
        $lab = Start-PxeTftpServer -Root $TestDrive -Address 127.0.0.1 -Port 0 -Name pester-lab
        $prod = Start-PxeTftpServer -Root $TestDrive -Address 127.0.0.1 -Port 0 -Name pester-prod
        $scoped = Mount-PxeIso $image -MountPoint scoped -Server $lab
        $scoped.Servers | Should -Be 'pester-lab'
        (Get-PxeIso -Server pester-prod).MountPoint | Should -Not -Contain 'scoped'
        curl -s "tftp://127.0.0.1:$($lab.EndPoints[0].Port)/scoped/arch/boot/x86_64/vmlinuz-linux" | Should -Be 'kernel'
        curl -s "tftp://127.0.0.1:$($prod.EndPoints[0].Port)/scoped/arch/boot/x86_64/vmlinuz-linux" | Out-Null
        $LASTEXITCODE | Should -Be 68
        { Mount-PxeIso $image -MountPoint other -Server pester-none -ErrorAction Stop } | Should -Throw -ErrorId 'ServerNotFound,PxePowerShell.Cmdlets.MountPxeIsoCommand'
        Dismount-PxeIso scoped
        $lab, $prod | Stop-PxeServer
    }

    It 'a file that is not an image is InvalidIsoImage' {
        $text = Join-Path $TestDrive 'notes.iso'
        Set-Content $text ('x' * 70000)
        { Mount-PxeIso $text -MountPoint notes -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidIsoImage,PxePowerShell.Cmdlets.MountPxeIsoCommand'
    }

    It 'Dismount-PxeIso stops serving it' {
        Dismount-PxeIso arch
        Get-PxeIso | Where-Object MountPoint -eq arch | Should -BeNullOrEmpty
    }
}
