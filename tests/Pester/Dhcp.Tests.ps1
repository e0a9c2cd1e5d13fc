#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Acceptance tests for the DHCP cmdlets (docs/cmdlets/Start-PxeProxyDhcp.md, Start-PxeDhcpServer.md, Get-PxeLease.md,
# Remove-PxeLease.md, Add-PxeReservation.md). Servers listen on the loopback interface on unprivileged ports; a UDP
# client sends real DHCP datagrams. Run as root (SO_BINDTODEVICE) with ./build.ps1 -Task Test.

BeforeAll {
    $repo = Resolve-Path "$PSScriptRoot/../.."
    Import-Module "$repo/out/PxePowerShell/PxePowerShell.psd1" -Force
    $port = Get-Random -Minimum 20000 -Maximum 40000

    function New-DhcpPacket([byte]$Type, [byte]$Last, [uint32]$Xid, [byte[]]$Options = @()) {
        $p = [byte[]]::new(240)
        $p[0] = 1; $p[1] = 1; $p[2] = 6; $p[10] = 0x80
        $p[4] = ($Xid -shr 24) -band 255; $p[5] = ($Xid -shr 16) -band 255; $p[6] = ($Xid -shr 8) -band 255; $p[7] = $Xid -band 255
        $p[28] = 0x52; $p[29] = 0x54; $p[30] = 0; $p[31] = 0; $p[32] = 0; $p[33] = $Last
        $p[236] = 99; $p[237] = 130; $p[238] = 83; $p[239] = 99
        [byte[]]($p + @(53, 1, $Type) + $Options + @(255) + [byte[]]::new(40))
    }

    function Send-Dhcp([byte[]]$Packet, [int]$Port) {
        $udp = [System.Net.Sockets.UdpClient]::new()
        try { [void]$udp.Send($Packet, $Packet.Length, '127.0.0.1', $Port) } finally { $udp.Dispose() }
    }

    function Wait-PxeEvent([string]$Server, [string]$Kind) {
        $deadline = [datetime]::UtcNow.AddSeconds(15)
        while ([datetime]::UtcNow -lt $deadline) {
            $e = Get-PxeEvent -Server $Server -Kind $Kind -Newest 1
            if ($e) { return $e }
            Start-Sleep -Milliseconds 50
        }
        throw "no $Kind event from $Server"
    }
}

AfterAll {
    Get-PxeServer | Stop-PxeServer
}

Describe 'Start-PxeProxyDhcp' {
    It 'answers a PXE DISCOVER with a proxy offer' {
        $server = Start-PxeProxyDhcp -Interface lo -Port $port -PxePort 0 -Name pester-proxy -BootFile @{ Bios = 'pxelinux.0'; EfiX64 = 'syslinux.efi' } -Menu 'Network Boot'
        try {
            $vendor = [System.Text.Encoding]::ASCII.GetBytes('PXEClient:Arch:00000:UNDI:002001')
            Send-Dhcp (New-DhcpPacket 1 1 0x1111 ([byte[]](@(60, $vendor.Length) + $vendor + @(93, 2, 0, 0)))) $port
            (Wait-PxeEvent pester-proxy ProxyOffer).MacAddress | Should -Be '52-54-00-00-00-01'
            $server.GetStatistics().ProxyOffers | Should -Be 1
        } finally {
            $server | Stop-PxeServer
        }
    }

    It 'names the valid architectures when a -BootFile key is wrong' {
        { Start-PxeProxyDhcp -Interface lo -Port ($port + 1) -PxePort 0 -BootFile @{ Amiga = 'x' } -ErrorAction Stop } |
            Should -Throw -ErrorId 'UnknownArchitecture,PxePowerShell.Cmdlets.StartPxeProxyDhcpCommand'
    }

    It 'starts nothing with -WhatIf' {
        Start-PxeProxyDhcp -Interface lo -Port ($port + 2) -PxePort 0 -Name pester-whatif -WhatIf
        Get-PxeServer -Name 'pester-whatif*' | Should -BeNullOrEmpty
    }
}

Describe 'Start-PxeDhcpServer, Get-PxeLease, Remove-PxeLease, Add-PxeReservation' {
    BeforeAll {
        $dir = Join-Path $TestDrive 'leases'
        $dhcp = Start-PxeDhcpServer -Range 127.0.0.50, 127.0.0.60 -SubnetMask 255.255.255.0 -LeaseTime 12:00:00 -BootFile @{ Bios = 'pxelinux.0' } -Interface lo -Port ($port + 3) -DataDirectory $dir -Name pester-dhcp
    }

    AfterAll {
        $dhcp | Stop-PxeServer
    }

    It 'leases an address that Get-PxeLease shows as Active' {
        Send-Dhcp (New-DhcpPacket 1 0x42 0x2001) ($port + 3)
        $offered = (Wait-PxeEvent pester-dhcp DhcpOffer).IPAddress
        Send-Dhcp (New-DhcpPacket 3 0x42 0x2002 ([byte[]](@(50, 4) + $offered.GetAddressBytes() + @(54, 4, 127, 0, 0, 1)))) ($port + 3)
        Wait-PxeEvent pester-dhcp DhcpAck | Out-Null
        $lease = Get-PxeLease -Server pester-dhcp | Where-Object AddressState -eq Active
        $lease.ClientId | Should -Be '52-54-00-00-00-42'
        $lease.IPAddress | Should -Be $offered
        (Get-PxeLease -DataDirectory $dir -AddressState Active).IPAddress | Should -Be $offered
    }

    It 'removes a lease only without -WhatIf' {
        Get-PxeLease -Server pester-dhcp -AddressState Active | Remove-PxeLease -WhatIf
        Get-PxeLease -Server pester-dhcp -AddressState Active | Should -Not -BeNullOrEmpty
        Get-PxeLease -Server pester-dhcp -AddressState Active | Remove-PxeLease -Confirm:$false
        Get-PxeLease -Server pester-dhcp -AddressState Active | Should -BeNullOrEmpty
    }

    It 'takes reservations from Import-Csv' {
        $csv = Join-Path $TestDrive 'reservations.csv'
        "IPAddress,ClientId,Name`n127.0.0.70,52:54:00:AA:BB:01,r1`n127.0.0.71,not-a-mac,r2" | Set-Content $csv
        $added = Import-Csv $csv | Add-PxeReservation -Server pester-dhcp -PassThru -ErrorVariable bad -ErrorAction SilentlyContinue
        $added.IPAddress | Should -Be ([ipaddress]'127.0.0.70')
        $bad[0].FullyQualifiedErrorId | Should -BeLike 'InvalidMacAddress,*'
        (Get-PxeLease -Server pester-dhcp -IPAddress 127.0.0.70).AddressState | Should -Be 'InactiveReservation'
    }

    It 'refuses a range outside the interface subnet' {
        { Start-PxeDhcpServer -Range 10.201.250.50, 10.201.250.60 -Interface lo -Port ($port + 4) -DataDirectory (Join-Path $TestDrive 'x') -ErrorAction Stop } |
            Should -Throw -ErrorId 'RangeOutsideSubnet,PxePowerShell.Cmdlets.StartPxeDhcpServerCommand'
    }
}
