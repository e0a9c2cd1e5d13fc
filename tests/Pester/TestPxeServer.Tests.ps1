#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Acceptance tests for docs/cmdlets/Test-PxeServer.md. Needs root (ip netns) for the veth the servers and the simulator use.
# CI without pwsh parses this file with the PowerShell parser (tests/PxePowerShell.Module.Tests).

BeforeAll {
    $repo = Resolve-Path "$PSScriptRoot/../.."
    Import-Module "$repo/out/PxePowerShell/PxePowerShell.psd1" -Force
    $id = (New-Guid).ToString('N').Substring(0, 6)
    $ns = "pxp-$id"; $iface = "pxph$id"
    $subnet = Get-Random -Minimum 100 -Maximum 250
    $server = "10.201.$subnet.1"
    ip netns add $ns
    ip link add $iface type veth peer name "pxpc$id"
    ip link set "pxpc$id" netns $ns
    # The server side is only "up" (operational) when the peer is up too.
    ip -n $ns link set "pxpc$id" up
    ip addr add "$server/24" dev $iface
    ip link set $iface up
    $port = Get-Random -Minimum 20000 -Maximum 40000
    $root = Join-Path $TestDrive 'root'
    New-Item -ItemType Directory "$root/pxelinux.cfg" | Out-Null
    [IO.File]::WriteAllBytes("$root/pxelinux.0", [byte[]]::new(30000))
    Set-Content "$root/pxelinux.cfg/default" "DEFAULT local"
    $tftp = Start-PxeTftpServer -Root $root -Address $server -Port 0 -Name pester-sim-tftp -NoBootMenu
    $proxy = Start-PxeProxyDhcp -Interface $iface -Port $port -PxePort ($port + 1) -ClientPort ($port + 2) -BootFile @{ Bios = 'pxelinux.0' } -Name pester-sim-proxy
    $common = @{ Interface = $iface; Port = $port; PxePort = $port + 1; ClientPort = $port + 2; TftpPort = $tftp.EndPoints[0].Port }
}

AfterAll {
    if ($proxy) { $proxy | Stop-PxeServer }
    Get-PxeServer -Name 'pester-sim*' | Stop-PxeServer
    ip netns del $ns
    ip link del $iface 2>$null   # gone with the namespace unless the move into it failed
}

Describe 'Test-PxeServer (docs/cmdlets/Test-PxeServer.md)' {
    It 'boots a simulated BIOS client through proxyDHCP, port 4011 and TFTP' {
        $mac = '02-00-5e-10-00-01'
        $result = Test-PxeServer @common -MacAddress $mac -Timeout 00:00:02
        $result.Success | Should -BeTrue
        $result.BootFile | Should -Be 'pxelinux.0'
        $result.Bytes | Should -Be 30000
        $result.MenuFile | Should -Be 'pxelinux.cfg/default'
        $result.Steps.Step | Should -Be @('Discover', 'ProxyOffer', 'Request4011', 'ProxyAck', 'TftpBootFile', 'TftpMenu')
        Get-PxeClient -MacAddress $mac | Should -Not -BeNullOrEmpty
    }

    It 'Start-PxeServer Example 7: an HTTP-boot client is offered snponly.efi over HTTP and downloads it' {
        Set-Content "$root/snponly.efi" 'not really iPXE'
        $http = Start-PxeServer -ProxyDhcp -Root $root -Interface $iface -Port ($port + 10) -PxePort ($port + 11) -ClientPort ($port + 12) -TftpPort 0 -Http -HttpPort 0 -BootFile @{ EfiX64Http = 'snponly.efi' } -ConflictCheckTimeout 0 -Name pester-sim-http
        try {
            $result = Test-PxeServer -Interface $iface -Port ($port + 10) -PxePort ($port + 11) -ClientPort ($port + 12) -MacAddress '02-00-5e-10-00-07' -Architecture EfiX64Http -Timeout 00:00:02
            $result.Success | Should -BeTrue
            $result.BootFile | Should -Be "http://${server}:$($http.Http.EndPoints[0].Port)/snponly.efi"
            $result.Bytes | Should -Be (Get-Item "$root/snponly.efi").Length
        }
        finally {
            $http | Stop-PxeServer
        }
    }

    It 'writes the steps with -Detailed and a boolean with -Quiet' {
        (Test-PxeServer @common -Detailed | Select-Object -Skip 1).Step | Should -Contain 'ProxyAck'
        Test-PxeServer @common -NoDownload -Quiet | Should -BeTrue
    }

    It 'reports a missing proxyDHCP as a failed step, not an error' {
        $result = Test-PxeServer -Interface $iface -Port ($port + 10) -ClientPort ($port + 12) -Timeout 00:00:01
        $result.Success | Should -BeFalse
        $result.Error | Should -Be 'ProxyOffer: no proxy offer within 1 s'
    }

    It 'refuses a bad MAC address with InvalidMacAddress' {
        { Test-PxeServer -MacAddress nonsense -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidMacAddress*'
    }
}
