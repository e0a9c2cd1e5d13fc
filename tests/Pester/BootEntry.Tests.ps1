#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Acceptance tests for the boot entry and menu cmdlets: the examples of docs/cmdlets/New-PxeBootEntry.md (one per seed
# recipe) and of the other boot help pages, run for real in pwsh. CI without pwsh only parses this file.

BeforeAll {
    $repo = Resolve-Path "$PSScriptRoot/../.."
    Import-Module "$repo/out/PxePowerShell/PxePowerShell.psd1" -Force
    $savedData = $env:PXEPOWERSHELL_DATA

    function Use-FreshDataDirectory {
        $env:PXEPOWERSHELL_DATA = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
    }

    function New-TftpRoot([string[]] $Files) {
        $root = Join-Path $TestDrive ('root-' + [guid]::NewGuid().ToString('N'))
        foreach ($file in $Files) {
            $path = Join-Path $root $file
            New-Item -ItemType Directory -Force -Path (Split-Path $path) | Out-Null
            Set-Content -Path $path -Value 'x'
        }
        $root
    }
}

AfterAll {
    $env:PXEPOWERSHELL_DATA = $savedData
}

Describe 'New-PxeBootEntry seed recipes (docs/cmdlets/New-PxeBootEntry.md)' {
    BeforeEach { Use-FreshDataDirectory }

    It 'Example 1: memtest86+ from the TFTP root' {
        New-PxeBootEntry -Name memtest -Label 'Memtest86+' -Kind Image -Kernel memtest86+.bin -Architecture Bios -HelpText 'Tests the memory of this machine.'
        $menu = Get-PxeBootMenu
        $menu | Should -Match '(?m)^LABEL memtest$'
        $menu | Should -Match '(?m)^  LINUX memtest86\+\.bin$'
        (Get-PxeBootEntry memtest).Kind | Should -Be 'Image'
    }

    It 'Example 2: Debian and Ubuntu from their netboot tarballs' {
        New-PxeBootEntry -Name debian-installer -Label '^Debian installer (amd64)' -Kernel debian-installer/amd64/linux -Initrd debian-installer/amd64/initrd.gz -Arguments 'vga=788 --- quiet' -Default
        New-PxeBootEntry -Name ubuntu-installer -Label 'Ubuntu installer (amd64)' -Kernel ubuntu-installer/amd64/linux -Initrd ubuntu-installer/amd64/initrd.gz -Arguments 'vga=788 --- quiet' -Order 1
        New-PxeBootEntry -Name local -Label 'Boot from local disk' -Kind LocalBoot -Order 9
        (Get-PxeBootEntry).Name | Should -Be @('debian-installer', 'ubuntu-installer', 'local')
        Get-PxeBootMenu | Should -Match '(?m)^DEFAULT debian-installer$'
        Get-PxeBootMenu | Should -Match '(?m)^  LOCALBOOT 0$'
    }

    It 'Example 3: the Arch Linux ISO, checked against -Root' {
        $root = New-TftpRoot 'arch/arch/boot/x86_64/vmlinuz-linux', 'arch/arch/boot/x86_64/initramfs-linux.img', 'arch/boot/syslinux/archiso.cfg'
        New-PxeBootEntry -Name arch -Label 'Arch Linux (HTTP)' -Kernel arch/arch/boot/x86_64/vmlinuz-linux -Initrd arch/arch/boot/x86_64/initramfs-linux.img -Arguments 'archisobasedir=arch archiso_http_srv={http}/arch/ ip=dhcp' -Architecture Bios,EfiX64 -Root $root -WarningVariable warnings
        New-PxeBootEntry -Name arch-syslinux -Label "Arch Linux (the ISO's own menu)" -Kind ConfigInclude -ConfigPath arch/boot/syslinux/archiso.cfg -Loader Pxelinux -Order 1 -Root $root
        $warnings | Should -BeNullOrEmpty
        Get-PxeBootMenu -Format Ipxe -HttpBaseUri http://192.168.0.1:8080/ | Should -Match 'archiso_http_srv=http://192\.168\.0\.1:8080/arch/'
        Get-PxeBootMenu | Should -Match '(?m)^  CONFIG arch/boot/syslinux/archiso\.cfg$'
    }

    It 'Example 4: SystemRescueCd with netboot=' {
        New-PxeBootEntry -Name sysrcd -Label 'SystemRescueCd' -Kernel sysrcd/rescue64 -Initrd sysrcd/initram.igz -Arguments 'netboot=tftp://{server}/sysrcd/sysrcd.dat setkmap=de dodhcp' -Architecture Bios,EfiX64 -HelpText 'Loads sysrcd.dat over the network.'
        Get-PxeBootMenu -ServerAddress 192.168.0.1 | Should -Match 'APPEND netboot=tftp://192\.168\.0\.1/sysrcd/sysrcd\.dat setkmap=de dodhcp'
    }

    It 'Example 5: the XenServer installer (multiboot)' {
        New-PxeBootEntry -Name xenserver -Label 'XenServer installer' -Kind Multiboot -Kernel xenserver/boot/xen.gz -Arguments 'dom0_max_vcpus=2 dom0_mem=1024M com1=115200,8n1 console=com1,vga' -Module 'xenserver/boot/vmlinuz xencons=hvc console=hvc0 console=tty0 answerfile=http://{server}/answer.xml install', 'xenserver/install.img'
        $menu = Get-PxeBootMenu -ServerAddress 192.168.0.1
        $menu | Should -Match '(?m)^  KERNEL mboot\.c32$'
        $menu | Should -Match ' --- xenserver/install\.img$'
        Get-PxeBootMenu -Format Syslinux | Should -Not -Match 'xenserver'
        Get-PxeBootMenu -Format Grub -Architecture EfiX64 | Should -Match 'multiboot2'
    }

    It 'Example 6: UEFI clients with syslinux.efi and the Debian installer' {
        New-PxeBootEntry -Name debian-uefi -Label 'Debian installer (UEFI)' -Kernel debian-installer/amd64/linux -Initrd debian-installer/amd64/initrd.gz -Arguments 'priority=low ---' -Architecture EfiX64 -Default
        $menu = Get-PxeBootMenu -Format Syslinux
        # syslinux.efi resolves paths against its own directory (efi64/): the menu roots them at the TFTP root with ::/.
        $menu | Should -Match '(?m)^  KERNEL ::/debian-installer/amd64/linux$'
        $menu | Should -Match '(?m)^DEFAULT debian-uefi$'
    }

    It 'Example 7 and 8: a rescue entry for one machine, and a copy of an entry' {
        New-PxeBootEntry -Name debian-installer -Kernel debian-installer/amd64/linux -Initrd debian-installer/amd64/initrd.gz -Arguments 'vga=788 --- quiet' -Default
        New-PxeBootEntry -Name rescue-db01 -Label 'Rescue db01' -Kernel rescue/vmlinuz -Initrd rescue/initrd.img -MacAddress 52:54:00:12:34:56 -Default
        Get-PxeBootEntry debian-installer | New-PxeBootEntry -Name debian-serial -Label 'Debian installer (serial console)' -Arguments 'console=ttyS0,115200n8 ---' -Default:$false
        (Get-PxeBootEntry debian-serial).Kernel | Should -Be 'debian-installer/amd64/linux'
        Get-PxeBootMenu -MacAddress 52:54:00:12:34:56 | Should -Match '(?m)^DEFAULT rescue-db01$'
        Get-PxeBootMenu | Should -Not -Match 'rescue-db01'
    }

    It 'Example 9: the Debian installer for RISC-V 64 clients' {
        New-PxeBootEntry -Name debian-riscv64 -Label 'Debian installer (riscv64)' -Kernel debian-installer/riscv64/linux -Initrd debian-installer/riscv64/initrd.gz -Architecture EfiRiscV64
        $menu = Get-PxeBootMenu -Format Grub -Architecture EfiRiscV64
        $menu | Should -Match '(?m)^menuentry ''Debian installer \(riscv64\)'' --id debian-riscv64 \{$'
        $menu | Should -Match '(?m)^  linux /debian-installer/riscv64/linux$'
        (Get-PxeBootEntry -Architecture EfiRiscV64Http).Name | Should -Be 'debian-riscv64'
        Get-PxeBootMenu -Format Grub -Architecture EfiArm64 | Should -Not -Match 'riscv64'
        # The one grub.cfg every GRUB reads sends ${grub_platform}-${grub_cpu} = efi-riscv64 to this entry.
        Get-PxeBootMenu -Format Grub | Should -Match "'default-efi-riscv64'"
    }

    It 'refuses a missing kernel with -Strict, a duplicate name and an unknown architecture' {
        $root = New-TftpRoot 'present/vmlinuz'
        New-PxeBootEntry -Name missing -Kernel absent/vmlinuz -Root $root -Strict -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'KernelNotFound,*'
        New-PxeBootEntry -Name one -Kind LocalBoot
        New-PxeBootEntry -Name ONE -Kind LocalBoot -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DuplicateName,*'
        New-PxeBootEntry -Name sparc -Kernel k -Architecture Sparc64 -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'UnknownArchitecture,*'
    }
}

Describe 'Get/Set/Remove-PxeBootEntry examples' {
    BeforeEach {
        Use-FreshDataDirectory
        New-PxeBootEntry -Name debian-installer -Kernel debian-installer/amd64/linux -Arguments 'vga=788 --- quiet' -Default
        New-PxeBootEntry -Name ubuntu-installer -Kernel ubuntu-installer/amd64/linux -Order 1
        New-PxeBootEntry -Name memtest -Kind Image -Kernel memtest86+.bin -Architecture Bios
        New-PxeBootEntry -Name sysrcd -Kernel sysrcd/rescue64 -Architecture Bios,EfiX64
    }

    It 'Get-PxeBootEntry filters by wildcard and platform' {
        (Get-PxeBootEntry -Name debian*, ubuntu*).Name | Should -Be @('debian-installer', 'ubuntu-installer')
        (Get-PxeBootEntry -Architecture EfiX64).Name | Should -Not -Contain 'memtest'
    }

    It 'Set-PxeBootEntry moves the default and changes several entries through the pipeline' {
        Set-PxeBootEntry debian-installer -Default:$false
        Set-PxeBootEntry ubuntu-installer -Default
        (Get-PxeBootEntry -Default).Name | Should -Be 'ubuntu-installer'
        Get-PxeBootEntry *-installer | Set-PxeBootEntry -Arguments 'console=ttyS0,115200n8 --- quiet' -PassThru | Should -HaveCount 2
        Set-PxeBootEntry sysrcd -MacAddress 52:54:00:12:34:56, 52-54-00-AB-CD-EF
        (Get-PxeBootEntry sysrcd).MacAddresses | Should -Be @('52-54-00-12-34-56', '52-54-00-ab-cd-ef')
    }

    It '-WhatIf changes nothing' {
        $file = Join-Path $env:PXEPOWERSHELL_DATA 'boot-entries.json'
        $before = Get-FileHash $file
        Set-PxeBootEntry memtest -Order 50 -WhatIf
        Remove-PxeBootEntry *-installer -WhatIf
        (Get-FileHash $file).Hash | Should -Be $before.Hash
    }

    It 'Remove-PxeBootEntry removes through the pipeline' {
        Get-PxeBootEntry | Remove-PxeBootEntry -Confirm:$false
        Get-PxeBootEntry | Should -BeNullOrEmpty
    }
}

Describe 'Export-PxeBootMenu, Import-PxeBootEntry and Export-PxeBootEntry' {
    BeforeEach {
        Use-FreshDataDirectory
        New-PxeBootEntry -Name debian-installer -Kernel debian-installer/amd64/linux -Initrd debian-installer/amd64/initrd.gz -Arguments 'vga=788 --- quiet' -Default
        New-PxeBootEntry -Name rescue-db01 -Kernel rescue/vmlinuz -MacAddress 52:54:00:12:34:56
    }

    It 'writes the menus for dnsmasq, and -WhatIf writes nothing' {
        $tftp = Join-Path $TestDrive 'tftp'
        Export-PxeBootMenu -Format Pxelinux, Syslinux, Ipxe, Grub -Path $tftp -WhatIf
        Test-Path $tftp | Should -BeFalse
        $files = Export-PxeBootMenu -Format Pxelinux, Syslinux, Ipxe, Grub -Path $tftp -ServerAddress 192.168.0.1 -PassThru
        $files.Count | Should -Be 6
        Get-Content (Join-Path $tftp 'pxelinux.cfg/default') -Raw | Should -Be (Get-PxeBootMenu -ServerAddress 192.168.0.1)
        Test-Path (Join-Path $tftp 'pxelinux.cfg/01-52-54-00-12-34-56') | Should -BeTrue
        Test-Path (Join-Path $tftp 'efi64/pxelinux.cfg/default') | Should -BeTrue
        Get-Content (Join-Path $tftp 'boot.ipxe') -TotalCount 1 | Should -Be '#!ipxe'
    }

    It 'moves a setup: export, remove, import' {
        $json = Join-Path $TestDrive 'boot-setup.json'
        Export-PxeBootEntry -Path $json
        Get-PxeBootEntry | Remove-PxeBootEntry -Confirm:$false
        (Import-PxeBootEntry -Path $json).Name | Should -Be @('debian-installer', 'rescue-db01')
        Import-PxeBootEntry -Path $json -ErrorVariable e -ErrorAction SilentlyContinue
        $e[0].FullyQualifiedErrorId | Should -BeLike 'DuplicateName,*'
        Get-Item $json | Import-PxeBootEntry -Force | Should -HaveCount 2
    }
}

Describe 'Start-PxeTftpServer serves the generated menus' {
    BeforeEach { Use-FreshDataDirectory }

    It 'answers pxelinux.cfg/01-<mac> for a targeted client and default for everybody else' {
        New-PxeBootEntry -Name debian-installer -Kernel debian-installer/amd64/linux -Default
        New-PxeBootEntry -Name rescue-db01 -Kernel rescue/vmlinuz -MacAddress 52:54:00:12:34:56 -Default
        $root = New-TftpRoot 'hello.txt'
        Set-Content (Join-Path $root menu.c32) 'x'   # beside the loader: the served menus use it, as Get-PxeBootMenu renders them
        $server = Start-PxeTftpServer -Root $root -Address 127.0.0.1 -Port 0 -Name pester-menus
        try {
            $port = $server.EndPoints[0].Port
            $out = Join-Path $TestDrive 'client.cfg'
            curl -s -o $out "tftp://127.0.0.1:$port/pxelinux.cfg/01-52-54-00-12-34-56"
            $LASTEXITCODE | Should -Be 0
            Get-Content $out -Raw | Should -Be (Get-PxeBootMenu -MacAddress 52:54:00:12:34:56 -ServerAddress 127.0.0.1)
            curl -s -o $out "tftp://127.0.0.1:$port/pxelinux.cfg/default"
            Get-Content $out -Raw | Should -Not -Match 'rescue-db01'
            curl -s -o $out "tftp://127.0.0.1:$port/pxelinux.cfg/C0A80005"
            $LASTEXITCODE | Should -Not -Be 0
        } finally {
            $server | Stop-PxeServer
        }
    }
}

Describe 'ConvertFrom-PxeSyslinuxConfig (docs/cmdlets/ConvertFrom-PxeSyslinuxConfig.md)' {
    BeforeEach { Use-FreshDataDirectory }

    It 'Example 1 and 2: a hand-written menu becomes managed entries, untranslated lines are warnings' {
        $root = New-TftpRoot 'debian-installer/amd64/linux'
        $cfg = Join-Path $root 'pxelinux.cfg/default'
        New-Item -ItemType Directory -Force -Path (Split-Path $cfg) | Out-Null
        Set-Content -Path $cfg -Value @(
            'DEFAULT install', 'LABEL install', '  KERNEL debian-installer/amd64/linux',
            '  APPEND initrd=debian-installer/amd64/initrd.gz --- quiet', '  IPAPPEND 2', 'LABEL local', '  LOCALBOOT 0')
        $entries = ConvertFrom-PxeSyslinuxConfig $cfg -WarningVariable untranslated
        $entries.Name | Should -Be @('install', 'local')
        $untranslated | Should -HaveCount 1
        "$untranslated" | Should -Match 'pxelinux\.cfg/default:5: IPAPPEND'
        $entries | Where-Object Kind -eq Linux | New-PxeBootEntry
        (Get-PxeBootEntry).Name | Should -Be @('install')
        Get-PxeBootMenu | Should -Match '(?m)^DEFAULT install$'
    }
}

Describe 'ConvertFrom-PxeGrubConfig (docs/cmdlets/ConvertFrom-PxeGrubConfig.md)' {
    BeforeEach { Use-FreshDataDirectory }

    It "Example 1: Debian's netboot GRUB menu becomes managed entries" {
        # /srv/tftp in the example is a root holding Debian's netboot tree (debian-installer-12-netboot-amd64).
        $tree = '/usr/lib/debian-installer/images/12/amd64/text'
        ConvertFrom-PxeGrubConfig "$tree/debian-installer/amd64/grub/grub.cfg" | New-PxeBootEntry -Root $tree -Strict
        (Get-PxeBootEntry).Count | Should -Be 26
        (Get-PxeBootEntry -Default).Label | Should -Be 'Install'
    }

    It 'Example 2: look first, then import only the top-level entries' {
        Push-Location $TestDrive
        try {
            New-Item -ItemType Directory -Force -Path ./tftpboot/boot/grub | Out-Null
            Set-Content -Path ./tftpboot/boot/grub/grub.cfg -Value @(
                'set timeout=5', "menuentry 'Rescue' {", '  linux /boot/vmlinuz console=ttyS0', '  initrd /boot/initrd.img', '}',
                "submenu 'More' {", "  menuentry 'Debug' {", '    linux /boot/vmlinuz debug', '  }', '}')
            $entries = ConvertFrom-PxeGrubConfig ./tftpboot/boot/grub/grub.cfg -Root ./tftpboot -WarningVariable untranslated
            $entries | Where-Object Label -notmatch ' / ' | New-PxeBootEntry
            $untranslated | Should -HaveCount 1
            "$untranslated" | Should -Match 'grub\.cfg:1: the menu waits 5 s'
            (Get-PxeBootEntry).Label | Should -Be @('Rescue')
        } finally {
            Pop-Location
        }
    }
}
