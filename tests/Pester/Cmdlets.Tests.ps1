#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# The problems a new user hit in real pwsh (issue 17): parameters refused with clear ErrorRecords, stops that always
# return, -Server taking server objects, pipeline bindings, reservations, architecture 7, completers, progress.
# Everything binds loopback and ports the test picks (0 where the cmdlet allows it).

BeforeAll {
    $repo = Resolve-Path "$PSScriptRoot/../.."
    Import-Module "$repo/out/PxePowerShell/PxePowerShell.psd1" -Force
    $sample = "$repo/out/sample-root"
    $savedData = $env:PXEPOWERSHELL_DATA
    $env:PXEPOWERSHELL_DATA = Join-Path $TestDrive 'data'

    # A free UDP port on loopback (the DHCP cmdlets need a real one: 0 is not a DHCP port).
    function Get-FreeUdpPort {
        $socket = [System.Net.Sockets.UdpClient]::new([System.Net.IPEndPoint]::new([System.Net.IPAddress]::Loopback, 0))
        try { $socket.Client.LocalEndPoint.Port } finally { $socket.Dispose() }
    }

    # The ErrorRecord a command throws (terminating) or writes (non-terminating), or $null.
    function Get-CommandError([scriptblock] $Script) {
        $ErrorActionPreference = 'Stop'
        try {
            $null = & $Script
        }
        catch {
            return $_
        }
        return $null
    }
}

AfterAll {
    Get-PxeServer | Where-Object Name -like 'cm-*' | Stop-PxeServer
    $env:PXEPOWERSHELL_DATA = $savedData
}

Describe 'Every parameter refuses a bad value with a clear ErrorRecord' {
    BeforeAll {
        $root = New-Item -ItemType Directory (Join-Path $TestDrive 'root') -Force
        $leases = Join-Path $TestDrive 'leases'
    }

    It '<Command> <Text> is <Id> (<Category>)' -ForEach @(
        # DHCPv4 carries only IPv4 addresses: refused before anything starts.
        @{ Command = 'Start-PxeDhcpServer'; Text = '-Router ::1'; Splat = @{ Range = '127.0.0.100', '127.0.0.200'; Address = '127.0.0.1'; Router = '::1' }; Id = 'IPv4AddressRequired'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeDhcpServer'; Text = '-DnsServer ::1'; Splat = @{ Range = '127.0.0.100', '127.0.0.200'; Address = '127.0.0.1'; DnsServer = '::1' }; Id = 'IPv4AddressRequired'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeDhcpServer'; Text = '-TftpServer ::2'; Splat = @{ Range = '127.0.0.100', '127.0.0.200'; Address = '127.0.0.1'; TftpServer = '::2' }; Id = 'IPv4AddressRequired'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeDhcpServer'; Text = '-Range ::5,::9'; Splat = @{ Range = '::5', '::9'; Address = '127.0.0.1' }; Id = 'IPv4AddressRequired'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeDhcpServer'; Text = '-SubnetMask ffff::'; Splat = @{ Range = '127.0.0.100', '127.0.0.200'; SubnetMask = 'ffff::' }; Id = 'IPv4AddressRequired'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeDhcpServer'; Text = '-Address ::1'; Splat = @{ Range = '127.0.0.100', '127.0.0.200'; Address = '::1' }; Id = 'IPv4AddressRequired'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeDhcpServer'; Text = "-Reservation @{IPAddress='::5'}"; Splat = @{ Range = '127.0.0.100', '127.0.0.200'; Address = '127.0.0.1'; Reservation = @{ IPAddress = '::5'; ClientId = '52-54-00-12-34-56' } }; Id = 'IPv4AddressRequired'; Category = 'InvalidArgument' }
        # An IPv6 reservation goes to a DHCPv6 server with a range (docs/ipv6.md); none runs here.
        @{ Command = 'Add-PxeReservation'; Text = '-IPAddress ::5 (no DHCPv6 server)'; Splat = @{ IPAddress = '::5'; ClientId = '52-54-00-12-34-56' }; Id = 'ServerNotFound'; Category = 'ObjectNotFound' }
        @{ Command = 'Add-PxeReservation'; Text = '-Duid zz'; Splat = @{ IPAddress = 'fd00::5'; Duid = 'zz' }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
        @{ Command = 'Add-PxeReservation'; Text = '-IPAddress 10.0.0.5 -Duid'; Splat = @{ IPAddress = '10.0.0.5'; Duid = '000300015254' }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeProxyDhcp'; Text = '-TftpServer ::2'; Splat = @{ Address = '127.0.0.1'; TftpServer = '::2' }; Id = 'IPv4AddressRequired'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeProxyDhcp'; Text = '-Address ::1'; Splat = @{ Address = '::1' }; Id = 'IPv4AddressRequired'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeProxyDhcp'; Text = '-Timeout 10 (ticks, not seconds)'; Splat = @{ Address = '127.0.0.1'; Timeout = 10 }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeProxyDhcp'; Text = '-Timeout 00:05:00'; Splat = @{ Address = '127.0.0.1'; Timeout = '00:05:00' }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeServer'; Text = '-Router ::1'; Splat = @{ Root = '.'; Dhcp = $true; Range = '127.0.0.100', '127.0.0.200'; Address = '127.0.0.1'; Router = '::1' }; Id = 'IPv4AddressRequired'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeServer'; Text = '-DnsServer ::1'; Splat = @{ Root = '.'; Dhcp = $true; Range = '127.0.0.100', '127.0.0.200'; Address = '127.0.0.1'; DnsServer = '::1' }; Id = 'IPv4AddressRequired'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeServer'; Text = '-TftpServer ::2'; Splat = @{ Root = '.'; ProxyDhcp = $true; Address = '127.0.0.1'; TftpServer = '::2' }; Id = 'IPv4AddressRequired'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeServer'; Text = '-SubnetMask ffff::'; Splat = @{ Root = '.'; Dhcp = $true; Range = '127.0.0.100', '127.0.0.200'; SubnetMask = 'ffff::' }; Id = 'IPv4AddressRequired'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeServer'; Text = '-PromptTimeout 5 (ticks)'; Splat = @{ Root = '.'; ProxyDhcp = $true; Address = '127.0.0.1'; PromptTimeout = 5 }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeServer'; Text = '-ConflictCheckTimeout -00:00:01'; Splat = @{ Root = '.'; ProxyDhcp = $true; Address = '127.0.0.1'; ConflictCheckTimeout = '-00:00:01' }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
        # TimeSpans out of range.
        @{ Command = 'Start-PxeTftpServer'; Text = '-Timeout 0'; Splat = @{ Root = '.'; Address = '127.0.0.1'; Port = 0; Timeout = 0 }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeTftpServer'; Text = '-Timeout 01:00:00'; Splat = @{ Root = '.'; Address = '127.0.0.1'; Port = 0; Timeout = '01:00:00' }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeHttpServer'; Text = '-HeaderTimeout -00:00:05'; Splat = @{ Root = '.'; Address = '127.0.0.1'; Port = 0; HeaderTimeout = '-00:00:05' }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
        @{ Command = 'Start-PxeHttpServer'; Text = '-KeepAliveTimeout 0'; Splat = @{ Root = '.'; Address = '127.0.0.1'; Port = 0; KeepAliveTimeout = 0 }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
        @{ Command = 'Find-PxeDhcpServer'; Text = '-Timeout -00:00:01'; Splat = @{ Timeout = '-00:00:01' }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
        @{ Command = 'Find-PxeDhcpServer'; Text = '-Interface nosuch0'; Splat = @{ Interface = 'nosuch0' }; Id = 'InterfaceNotFound'; Category = 'ObjectNotFound' }
        @{ Command = 'Test-PxeServer'; Text = '-Interface nosuch0'; Splat = @{ Interface = 'nosuch0' }; Id = 'InterfaceNotFound'; Category = 'ObjectNotFound' }
        @{ Command = 'Test-PxeServer'; Text = '-Timeout 0'; Splat = @{ Server = '127.0.0.1'; Timeout = 0 }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
        @{ Command = 'Get-PxeEvent'; Text = '-Wait -Timeout -00:00:01'; Splat = @{ Wait = $true; Timeout = '-00:00:01' }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
        @{ Command = 'Stop-PxeServer'; Text = '-Timeout 0'; Splat = @{ Name = 'cm-none'; Timeout = 0 }; Id = 'InvalidParameter'; Category = 'InvalidArgument' }
    ) {
        Push-Location $root
        try {
            $splat = $Splat.Clone()
            if ($Command -in 'Start-PxeDhcpServer', 'Start-PxeServer') { $splat.DataDirectory = $leases }
            if ($Command -like 'Start-*') { $splat.Name = 'cm-refused' }
            if ($Command -in 'Start-PxeDhcpServer', 'Start-PxeProxyDhcp', 'Start-PxeServer') { $splat.Port = Get-FreeUdpPort }
            if ($Command -in 'Start-PxeProxyDhcp', 'Start-PxeServer') { $splat.PxePort = 0 }
            if ($Command -eq 'Start-PxeServer') { $splat.TftpPort = 0 }
            $record = Get-CommandError { & $Command @splat -ErrorAction Stop }
        }
        finally {
            Pop-Location
        }

        $record | Should -Not -BeNullOrEmpty -Because "$Command $Text must be refused"
        $record.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $record.CategoryInfo.Category | Should -Be $Category
        $record.Exception.Message | Should -Not -BeNullOrEmpty
        Get-PxeServer -Name cm-refused -ErrorAction Ignore | Should -BeNullOrEmpty -Because 'nothing may start'
    }

    It 'Find-PxeDhcpServer -Interface nosuch0 names the interface and the ones there are' {
        $record = Get-CommandError { Find-PxeDhcpServer -Interface nosuch0 }
        $record.Exception.Message | Should -Match "no interface named 'nosuch0'.*\blo\b"
    }
}

Describe 'Stop-PxeServer always returns' {
    BeforeAll {
        # Servers defined once the module has loaded the engine types; NoRunspaceAffinity lets Stop-PxeServer in another
        # runspace call them while this one waits.
        $script:NewTestServer = Invoke-Expression @'
# Its sockets never close: StopAsync never completes. StopCalled is set once a stop has begun.
[NoRunspaceAffinity()]
class HangingServer : PxePowerShell.Engine.Services.IPxeService {
    [string] $Name = 'cm-hanging'
    [string] $Role = 'Tftp'
    [PxePowerShell.Engine.Services.PxeServerState] $State = 'Running'
    [Nullable[DateTimeOffset]] $StartTime = [DateTimeOffset]::UtcNow
    [System.Collections.Generic.IReadOnlyList[System.Net.IPEndPoint]] $EndPoints = [System.Net.IPEndPoint[]]@()
    [PxePowerShell.Engine.Events.EventHub] $Events = [PxePowerShell.Engine.Events.EventHub]::new()
    [System.Threading.Tasks.Task] $Completion = [System.Threading.Tasks.TaskCompletionSource]::new().Task
    [System.Threading.ManualResetEventSlim] $StopCalled = [System.Threading.ManualResetEventSlim]::new()
    [PxePowerShell.Engine.Services.IPxeServiceStatistics] GetStatistics() { return $null }
    [System.Threading.Tasks.Task] StartAsync([System.Threading.CancellationToken] $token) { return [System.Threading.Tasks.Task]::CompletedTask }
    [System.Threading.Tasks.Task] StopAsync([System.Threading.CancellationToken] $token) { $this.StopCalled.Set(); return $this.Completion }
    [System.Threading.Tasks.ValueTask] DisposeAsync() { return [System.Threading.Tasks.ValueTask]::new() }
}

# A server of the engine's base class whose receive loop died of the error a DHCP option with an IPv6 address raised:
# closing its sockets rethrows it.
[NoRunspaceAffinity()]
class BrokenServer : PxePowerShell.Engine.Services.PxeServiceBase {
    BrokenServer() : base('cm-broken', 'Dhcp', $null, $null) { }
    [System.Collections.Generic.IReadOnlyList[System.Net.IPEndPoint]] get_EndPoints() { return [System.Net.IPEndPoint[]]@() }
    [PxePowerShell.Engine.Services.IPxeServiceStatistics] GetStatistics() { return $null }
    [System.Threading.Tasks.Task] OnStartAsync([System.Threading.CancellationToken] $token) { return [System.Threading.Tasks.Task]::CompletedTask }
    [System.Threading.Tasks.Task] OnStopAsync() { return [System.Threading.Tasks.Task]::FromException([ArgumentException]::new('Only IPv4 addresses can be DHCP option values.')) }
}

{ param($Kind) if ($Kind -eq 'Hanging') { [HangingServer]::new() } else { [BrokenServer]::new() } }
'@
    }

    It 'a server whose loop died stops without a raw exception, and a second stop returns at once' {
        $broken = & $NewTestServer Broken
        $broken.StartAsync().Wait()
        $record = Get-CommandError { Stop-PxeServer -InputObject $broken }
        $record | Should -BeNullOrEmpty -Because 'the ArgumentException of the dead loop must not reach the user'
        $broken.State | Should -Be Stopped
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Stop-PxeServer -InputObject $broken -Timeout 00:00:05
        $broken | Stop-PxeServer
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 2
    }

    It 'stops a server twice: both return, the second at once' {
        $server = Start-PxeTftpServer -Root $sample -Address 127.0.0.1 -Port 0 -Name cm-twice
        Stop-PxeServer -InputObject $server
        $server.State | Should -Be Stopped
        $watch = [Diagnostics.Stopwatch]::StartNew()
        Stop-PxeServer -InputObject $server
        $server | Stop-PxeServer
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        Get-PxeServer -Name cm-twice -ErrorAction Ignore | Should -BeNullOrEmpty
        $record = Get-CommandError { Stop-PxeServer -Name cm-twice }
        $record.FullyQualifiedErrorId | Should -BeLike 'ServerNotFound,*'
    }

    It 'a stop that does not finish within -Timeout is a StopTimedOut error, not a hang' {
        $hanging = & $NewTestServer Hanging
        $watch = [Diagnostics.Stopwatch]::StartNew()
        $record = Get-CommandError { Stop-PxeServer -InputObject $hanging -Timeout 00:00:01 }
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
        $record.FullyQualifiedErrorId | Should -BeLike 'StopTimedOut,*'
        $record.CategoryInfo.Category | Should -Be OperationTimeout
        $record.TargetObject.Name | Should -Be cm-hanging
    }

    It 'Ctrl+C (StopProcessing) ends a stop that is waiting' {
        $hanging = & $NewTestServer Hanging
        $ps = [PowerShell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$repo/out/PxePowerShell/PxePowerShell.psd1'; `$args[0] | Stop-PxeServer").AddArgument($hanging)
            $null = $ps.BeginInvoke()
            # Press Ctrl+C once Stop-PxeServer waits for the server.
            $hanging.StopCalled.Wait([TimeSpan]::FromSeconds(30)) | Should -BeTrue
            $watch = [Diagnostics.Stopwatch]::StartNew()
            $ps.Stop()
            $watch.Elapsed.TotalSeconds | Should -BeLessThan 10
            $ps.InvocationStateInfo.State | Should -Be Stopped
        }
        finally {
            $ps.Dispose()
        }
    }
}

Describe '-Server takes server objects as well as names' {
    It 'Get-PxeEvent -Server $s lists the events of the server Start-PxeTftpServer returned' {
        $s = Start-PxeTftpServer -Root $sample -Address 127.0.0.1 -Port 0 -Name cm-events
        try {
            $events = @(Get-PxeEvent -Server $s)
            $events.Count | Should -BeGreaterThan 0
            $events.Server | Select-Object -Unique | Should -Be cm-events
            @(Get-PxeEvent -Server (Get-PxeServer cm-events)).Count | Should -Be $events.Count
        }
        finally {
            $s | Stop-PxeServer
        }
    }

    It 'Get-PxeLease, Get-PxeReservation, Add-PxeReservation and Remove-PxeReservation take the DHCP server object' {
        $port = Get-FreeUdpPort
        $s = Start-PxeDhcpServer -Range 127.0.0.100, 127.0.0.200 -Address 127.0.0.1 -Port $port -Name cm-dhcp-object -DataDirectory (Join-Path $TestDrive 'leases-object')
        try {
            Add-PxeReservation -IPAddress 127.0.0.150 -ClientId 52-54-00-00-00-01 -Server $s
            (Get-PxeLease -Server $s).IPAddress | Should -Contain ([ipaddress] '127.0.0.150')
            (Get-PxeReservation -Server $s).IPAddress | Should -Be ([ipaddress] '127.0.0.150')
            Remove-PxeReservation -IPAddress 127.0.0.150 -Server $s -Confirm:$false
            Get-PxeReservation -Server $s | Should -BeNullOrEmpty
        }
        finally {
            $s | Stop-PxeServer
        }
    }
}

Describe 'Reservations are listed and removed' {
    BeforeAll {
        $port = Get-FreeUdpPort
        $server = Start-PxeDhcpServer -Range 127.0.0.100, 127.0.0.200 -Address 127.0.0.1 -Port $port -Name cm-reservations `
            -DataDirectory (Join-Path $TestDrive 'leases-reservations') -Reservation @{ IPAddress = '127.0.0.20'; ClientId = '52-54-00-aa-00-20'; Name = 'from-start' }
        $csv = Join-Path $TestDrive 'reservations.csv'
        @(
            [pscustomobject]@{ IPAddress = '127.0.0.21'; ClientId = '52:54:00:AA:00:21'; Name = 'pxe-21' }
            [pscustomobject]@{ IPAddress = '127.0.0.22'; ClientId = '5254.00aa.0022'; Name = 'pxe-22' }
        ) | Export-Csv $csv
        Import-Csv $csv | Add-PxeReservation
    }

    AfterAll {
        $server | Stop-PxeServer
    }

    It 'Get-PxeReservation lists them with the server, and filters by address and client' {
        $all = Get-PxeReservation
        $all.IPAddress.IPAddressToString | Should -Be '127.0.0.20', '127.0.0.21', '127.0.0.22'
        $all.MacAddress | Should -Be '52-54-00-aa-00-20', '52-54-00-aa-00-21', '52-54-00-aa-00-22'
        $all.Server | Select-Object -Unique | Should -Be cm-reservations
        (Get-PxeReservation -IPAddress 127.0.0.21).Name | Should -Be pxe-21
        (Get-PxeReservation -ClientId 52:54:00:aa:00:22).IPAddress | Should -Be ([ipaddress] '127.0.0.22')
        ($all | Format-Table | Out-String -Width 200) | Should -Match 'IPAddress\s+ClientId\s+Name\s+LeaseDuration\s+Server'
    }

    It 'Remove-PxeReservation -WhatIf removes nothing' {
        Remove-PxeReservation -IPAddress 127.0.0.21 -WhatIf
        @(Get-PxeReservation).Count | Should -Be 3
    }

    It 'Get-PxeReservation | Remove-PxeReservation removes by property name' {
        Get-PxeReservation -IPAddress 127.0.0.21, 127.0.0.22 | Remove-PxeReservation -Confirm:$false
        (Get-PxeReservation).IPAddress | Should -Be ([ipaddress] '127.0.0.20')
        (Get-PxeLease).IPAddress | Should -Not -Contain ([ipaddress] '127.0.0.21')
    }

    It 'Remove-PxeReservation -ClientId removes by MAC, -PassThru returns it, and a second removal is ReservationNotFound' {
        $removed = Remove-PxeReservation -ClientId 52:54:00:aa:00:20 -PassThru -Confirm:$false
        $removed.IPAddress | Should -Be ([ipaddress] '127.0.0.20')
        Get-PxeReservation | Should -BeNullOrEmpty
        $record = Get-CommandError { Remove-PxeReservation -IPAddress 127.0.0.20 -Confirm:$false }
        $record.FullyQualifiedErrorId | Should -BeLike 'ReservationNotFound,*'
        $record.CategoryInfo.Category | Should -Be ObjectNotFound
    }

    It 'Get-Help shows synopsis and examples for both' {
        (Get-Help Get-PxeReservation).Synopsis | Should -Match 'reservation'
        (Get-Help Remove-PxeReservation -Examples).examples.example.Count | Should -BeGreaterThan 0
    }
}

Describe 'Pipelines bind the way they read' {
    BeforeAll {
        $tree = Join-Path $TestDrive 'isotree'
        New-Item -ItemType Directory -Force "$tree/boot" | Out-Null
        Set-Content "$tree/boot/vmlinuz" 'kernel'
        $image = Join-Path $TestDrive 'pipe.iso'
        xorriso -as mkisofs -quiet -R -J -V PIPE -o $image $tree 2>$null
        $mount = Mount-PxeIso $image -MountPoint cm-pipe 3>$null
    }

    AfterAll {
        Dismount-PxeIso -MountPoint cm-pipe
    }

    It 'Get-PxeIso | Get-PxeIsoItem lists the image root (the mount''s Path is the image file, not a path inside)' {
        $items = Get-PxeIso -MountPoint cm-pipe | Get-PxeIsoItem
        $items.Name | Should -Be 'boot'
        ($mount | Get-PxeIsoItem -Path boot).Name | Should -Be 'vmlinuz'
        (Get-PxeIsoItem -MountPoint cm-pipe -Path boot | Get-PxeIsoItem).Name | Should -Be 'vmlinuz'
    }

    It 'Get-PxeIso | Copy-PxeIsoItem copies the image' {
        $target = Join-Path $TestDrive 'copied'
        Get-PxeIso -MountPoint cm-pipe | Copy-PxeIsoItem -Destination $target -Recurse
        Get-Content "$target/boot/vmlinuz" | Should -Be 'kernel'
    }

    It 'Remove-PxeBootEntry -InputObject removes without asking for a Name' {
        New-PxeBootEntry -Name cm-remove -Kernel vmlinuz | Out-Null
        Remove-PxeBootEntry -InputObject (Get-PxeBootEntry cm-remove) -Confirm:$false
        Get-PxeBootEntry -Name cm-remove -ErrorAction Ignore | Should -BeNullOrEmpty
    }

    It 'Export-PxeBootEntry -InputObject takes several entries, as an array and from the pipeline' {
        New-PxeBootEntry -Name cm-a -Kernel a | Out-Null
        New-PxeBootEntry -Name cm-b -Kernel b | Out-Null
        $file = Join-Path $TestDrive 'two.json'
        Export-PxeBootEntry -Path $file -InputObject (Get-PxeBootEntry cm-a, cm-b)
        (Get-Content $file -Raw | ConvertFrom-Json).Entries.Name | Should -Be 'cm-a', 'cm-b'
        $piped = Join-Path $TestDrive 'piped.json'
        Get-PxeBootEntry cm-a, cm-b | Export-PxeBootEntry -Path $piped
        (Get-Content $piped -Raw | ConvertFrom-Json).Entries.Name | Should -Be 'cm-a', 'cm-b'
        Remove-PxeBootEntry cm-a, cm-b -Confirm:$false
    }

    It 'New-PxeBootEntry ... | Export-PxeBootMenu writes the menu with every piped entry' {
        $root = Join-Path $TestDrive 'menus'
        'cm-one', 'cm-two' | ForEach-Object { New-PxeBootEntry -Name $_ -Kernel "$_/vmlinuz" } | Export-PxeBootMenu -Format Ipxe -Path $root
        $script = Get-Content (Join-Path $root 'boot.ipxe') -Raw
        $script | Should -Match 'cm-one/vmlinuz'
        $script | Should -Match 'cm-two/vmlinuz'
        Remove-PxeBootEntry cm-one, cm-two -Confirm:$false
    }

    It 'the default boot-entry table shows the Kernel column' {
        New-PxeBootEntry -Name cm-table -Kernel debian/linux | Out-Null
        New-PxeBootEntry -Name cm-chain -Kind Chainload -ChainTarget http://example.invalid/next.efi | Out-Null
        try {
            $table = Get-PxeBootEntry cm-table, cm-chain | Format-Table | Out-String -Width 200
            $table | Should -Match 'cm-table .*debian/linux'
            $table | Should -Match 'cm-chain .*http://example.invalid/next.efi'
        }
        finally {
            Remove-PxeBootEntry cm-table, cm-chain -Confirm:$false
        }
    }
}

Describe 'Clients: architecture 7 is x64 UEFI, and the server''s own probe is no client' {
    BeforeAll {
        $port = Get-FreeUdpPort
        $clientPort = Get-FreeUdpPort
        $pxePort = Get-FreeUdpPort
        $server = Start-PxeServer -Root $sample -ProxyDhcp -Address 127.0.0.1 -Port $port -ClientPort $clientPort -PxePort $pxePort -TftpPort 0 -Name cm-arch `
            -BootFile @{ EfiX64 = 'hello.txt' } -ConflictCheckTimeout 00:00:01
        $null = $server.ConflictCheck.Wait([TimeSpan]::FromSeconds(10))
    }

    AfterAll {
        $server | Stop-PxeServer
    }

    It 'the conflict probe of a server bound to loopback becomes no inventory client and no offer' {
        Get-PxeClient | Where-Object MacAddress -like '02-50-58-*' | Should -BeNullOrEmpty
        Get-PxeEvent -Server cm-arch | Where-Object MacAddress -like '02-50-58-*' | Should -BeNullOrEmpty
    }

    It 'OVMF''s architecture 7 is recorded as EfiX64 with ArchitectureId 7: Get-PxeClient -Architecture EfiX64 and Where-Object find it' {
        $tftp = $server.Tftp.EndPoints[0].Port
        $result = Test-PxeServer -Server 127.0.0.1 -Port $port -ClientPort $clientPort -PxePort $pxePort -TftpPort $tftp -Architecture 7 -MacAddress 52-54-00-07-07-07 -NoDownload -Timeout 00:00:03
        $result.BootFile | Should -Be 'hello.txt'
        $offer = Get-PxeEvent -Server cm-arch -Kind ProxyOffer | Where-Object MacAddress -eq '52-54-00-07-07-07' | Select-Object -First 1
        $offer.Architecture | Should -Be EfiX64
        $offer.ArchitectureId | Should -Be 7
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not (Get-PxeClient -MacAddress 52-54-00-07-07-07 -ErrorAction Ignore) -and [DateTime]::UtcNow -lt $deadline) { [Threading.Thread]::Sleep(50) }
        (Get-PxeClient -Architecture EfiX64).MacAddress | Should -Contain '52-54-00-07-07-07'
        $client = Get-PxeClient | Where-Object Architecture -eq EfiX64 | Where-Object MacAddress -eq '52-54-00-07-07-07'
        $client.ArchitectureId | Should -Be 7
    }
}

Describe 'Test-PxeServer checks a full DHCP server too' {
    It 'follows the address and boot file of Start-PxeServer -Dhcp and downloads the file' {
        $port = Get-FreeUdpPort
        $clientPort = Get-FreeUdpPort
        $server = Start-PxeServer -Root $sample -Dhcp -Range 127.0.0.100, 127.0.0.200 -Address 127.0.0.1 -Port $port -ClientPort $clientPort -PxePort 0 -TftpPort 0 -Name cm-full `
            -BootFile @{ Bios = 'hello.txt' } -ConflictCheckTimeout 0 -DataDirectory (Join-Path $TestDrive 'leases-full')
        try {
            $tftp = $server.Tftp.EndPoints[0].Port
            $result = Test-PxeServer -Server $server -Port $port -ClientPort $clientPort -TftpPort $tftp -Timeout 00:00:03 -Detailed
            $summary = $result | Where-Object { $_ -is [PxePowerShell.Engine.Diagnostics.PxeTestResult] }
            $summary.Error | Should -BeNullOrEmpty
            $summary.Success | Should -BeTrue
            $summary.BootFile | Should -Be 'hello.txt'
            $summary.DhcpOffers | Should -Not -BeNullOrEmpty
            $summary.Bytes | Should -Be (Get-Item "$sample/hello.txt").Length
            ($result | Where-Object Step -eq ProxyOffer).Detail | Should -Match 'address 127\.0\.0\.1\d\d'
        }
        finally {
            $server | Stop-PxeServer
        }
    }
}

Describe 'Progress on long copies and mounts' {
    BeforeAll {
        $tree = Join-Path $TestDrive 'bigtree'
        New-Item -ItemType Directory -Force $tree | Out-Null
        $bytes = [byte[]]::new(12MB)
        [Random]::new(7).NextBytes($bytes)
        [IO.File]::WriteAllBytes("$tree/big.img", $bytes)
        $image = Join-Path $TestDrive 'big.iso'
        xorriso -as mkisofs -quiet -R -J -V BIG -o $image $tree 2>$null

        # Runs a script in a fresh PowerShell with the module and returns its progress records.
        function Get-ProgressRecord([string] $Script) {
            $ps = [PowerShell]::Create()
            try {
                $null = $ps.AddScript("Import-Module '$repo/out/PxePowerShell/PxePowerShell.psd1'; `$env:PXEPOWERSHELL_DATA = '$TestDrive/data-progress'; $Script").Invoke()
                $ps.Streams.Error | ForEach-Object { throw $_ }
                $ps.Streams.Progress.ReadAll()
            }
            finally {
                $ps.Dispose()
            }
        }
    }

    It 'Copy-PxeIsoItem of a 12 MB file writes percentages between 0 and 100' {
        $target = Join-Path $TestDrive 'bigcopy'
        $records = Get-ProgressRecord "Mount-PxeIso '$image' -MountPoint cm-big 3>`$null | Out-Null; Copy-PxeIsoItem -MountPoint cm-big -Path big.img -Destination '$target'; Dismount-PxeIso cm-big"
        $copy = $records | Where-Object Activity -eq 'Copy-PxeIsoItem'
        $percents = $copy | Where-Object RecordType -eq Processing | ForEach-Object PercentComplete
        @($percents | Where-Object { $_ -gt 0 -and $_ -lt 100 }).Count | Should -BeGreaterThan 3
        $percents | Should -Contain 100
        $copy[-1].RecordType | Should -Be Completed
        (Get-Item "$target/big.img").Length | Should -Be 12MB
    }

    It 'Mount-PxeIso writes its stages, not only 0 % and Completed' {
        $records = Get-ProgressRecord "Mount-PxeIso '$image' -MountPoint cm-big2 3>`$null | Out-Null; Dismount-PxeIso cm-big2"
        $mount = $records | Where-Object Activity -eq 'Mount-PxeIso'
        @($mount | Where-Object { $_.RecordType -eq 'Processing' -and $_.PercentComplete -gt 0 }).Count | Should -BeGreaterThan 1
        $mount.CurrentOperation | Should -Contain 'detecting the distribution of BIG'
        $mount[-1].RecordType | Should -Be Completed
    }
}

Describe 'Argument completers (TabExpansion2)' {
    BeforeAll {
        function Complete([string] $Line) {
            (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
        }
        $tree = Join-Path $TestDrive 'completetree'
        New-Item -ItemType Directory -Force $tree | Out-Null
        Set-Content "$tree/a.txt" 'a'
        $image = Join-Path $TestDrive 'complete.iso'
        xorriso -as mkisofs -quiet -R -J -V COMPLETE -o $image $tree 2>$null
        Mount-PxeIso $image -MountPoint cm-complete 3>$null | Out-Null
        $tftp = Start-PxeTftpServer -Root $sample -Address 127.0.0.1 -Port 0 -Name cm-complete-server
    }

    AfterAll {
        Dismount-PxeIso cm-complete
        $tftp | Stop-PxeServer
    }

    It '<Line> completes to <Expected>' -ForEach @(
        @{ Line = 'Get-PxeIsoItem -MountPoint cm-c'; Expected = 'cm-complete' }
        @{ Line = 'Copy-PxeIsoItem -MountPoint cm-c'; Expected = 'cm-complete' }
        @{ Line = 'Get-PxeIso -MountPoint cm-c'; Expected = 'cm-complete' }
        @{ Line = 'Dismount-PxeIso -MountPoint cm-c'; Expected = 'cm-complete' }
        @{ Line = 'Get-PxeClient -Architecture EfiX'; Expected = 'EfiX64' }
        @{ Line = 'Test-PxeServer -Architecture EfiArm64H'; Expected = 'EfiArm64Http' }
        @{ Line = 'New-PxeBootEntry -Architecture Efi'; Expected = 'EfiX64' }
        @{ Line = 'Get-PxeBootMenu -Architecture EfiI'; Expected = 'EfiIA32' }
        @{ Line = 'Find-PxeDhcpServer -Interface l'; Expected = 'lo' }
        @{ Line = 'Start-PxeProxyDhcp -Interface l'; Expected = 'lo' }
        @{ Line = 'Test-PxeServer -Interface l'; Expected = 'lo' }
        @{ Line = 'Get-PxeServer -Role Prox'; Expected = 'ProxyDhcp' }
        @{ Line = 'Get-PxeServer -Name cm-complete-s'; Expected = 'cm-complete-server' }
        @{ Line = 'Get-PxeEvent -Server cm-complete-s'; Expected = 'cm-complete-server' }
        @{ Line = 'Stop-PxeServer -Name cm-complete-s'; Expected = 'cm-complete-server' }
    ) {
        Complete $Line | Should -Contain $Expected
    }

    It 'boot-entry commands complete boot platforms, client commands RFC 4578 architectures' {
        Complete 'New-PxeBootEntry -Architecture ' | Should -Not -Contain 'EfiArm64Http'
        Complete 'Get-PxeClient -Architecture ' | Should -Contain 'EfiArm64Http'
    }
}
