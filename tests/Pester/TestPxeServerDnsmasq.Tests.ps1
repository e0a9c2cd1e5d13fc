#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.0' }
# Test-PxeServer against dnsmasq, the reference DHCP/proxyDHCP/TFTP server: dnsmasq runs in a network namespace this
# file creates (real TFTP port 69 and port 4011 there; its DHCP on a chosen port with dhcp-alternate-port), the
# simulator sends from the veth end outside it. Needs root, iproute2 and dnsmasq-base.

BeforeAll {
    $repo = Resolve-Path "$PSScriptRoot/../.."
    Import-Module "$repo/out/PxePowerShell/PxePowerShell.psd1" -Force
    $id = (New-Guid).ToString('N').Substring(0, 6)
    $ns = "pxq-$id"; $iface = "pxqh$id"; $peer = "pxqc$id"
    $subnet = Get-Random -Minimum 100 -Maximum 250
    $dnsmasqAddress = "10.202.$subnet.1"
    $port = Get-Random -Minimum 20000 -Maximum 40000
    $root = Join-Path $TestDrive 'root'
    New-Item -ItemType Directory "$root/pxelinux.cfg" | Out-Null
    $bootBytes = [byte[]]::new(40000)
    [Random]::new(17).NextBytes($bootBytes)
    [IO.File]::WriteAllBytes("$root/pxelinux.0", $bootBytes)
    Set-Content "$root/pxelinux.cfg/default" "DEFAULT local"
    $dnsmasq = $null

    # Starts dnsmasq in the namespace with these options (no config file, no DNS) and waits until its DHCP is up.
    function Start-Dnsmasq([string] $Name, [string[]] $Options) {
        $log = Join-Path $TestDrive "$Name.log"
        $arguments = @('netns', 'exec', $ns, 'dnsmasq', '--keep-in-foreground', '--conf-file=/dev/null', '--port=0', '--user=root',
            "--interface=$peer", '--bind-interfaces', "--dhcp-leasefile=$TestDrive/$Name.leases", '--pid-file=',
            '--log-dhcp', "--log-facility=$log", '--enable-tftp', "--tftp-root=$root", "--dhcp-alternate-port=$port,$($port + 1)") + $Options
        $script:dnsmasq = Start-Process ip -ArgumentList $arguments -PassThru
        $deadline = [datetime]::UtcNow.AddSeconds(15)
        while (-not ((Test-Path $log) -and (Get-Content $log -Raw) -match 'DHCP, (IP range|proxy on subnet)')) {
            if ($script:dnsmasq.HasExited -or [datetime]::UtcNow -gt $deadline) {
                throw "dnsmasq did not start: $(if (Test-Path $log) { Get-Content $log -Raw })"
            }
            Start-Sleep -Milliseconds 100   # bounded poll of its log: dnsmasq offers no other ready signal
        }
    }

    function Stop-Dnsmasq {
        if ($script:dnsmasq -and -not $script:dnsmasq.HasExited) {
            Stop-Process -Id $script:dnsmasq.Id
            $script:dnsmasq.WaitForExit(10000) | Out-Null
        }
        $script:dnsmasq = $null
    }

    ip netns add $ns
    ip link add $iface type veth peer name $peer
    ip link set $peer netns $ns
    ip -n $ns addr add "$dnsmasqAddress/24" dev $peer
    ip -n $ns link set $peer up
    ip addr add "10.202.$subnet.2/24" dev $iface
    ip link set $iface up
    if ($LASTEXITCODE -ne 0) { throw "could not set up $iface and $ns (needs root and iproute2)" }

    $common = @{ Interface = $iface; Port = $port; ClientPort = $port + 1 }
}

AfterAll {
    if (Get-Command Stop-Dnsmasq -ErrorAction SilentlyContinue) { Stop-Dnsmasq }
    ip netns del $ns 2>$null
    ip link del $iface 2>$null   # gone with the namespace unless the move into it failed
}

Describe 'Test-PxeServer against dnsmasq' {
    It 'follows a full DHCP offer of dnsmasq (dhcp-range + dhcp-boot) and downloads the boot file by TFTP' {
        Start-Dnsmasq full "--dhcp-range=10.202.$subnet.100,10.202.$subnet.200,255.255.255.0,1h", '--dhcp-boot=pxelinux.0'
        try {
            # dnsmasq pings a new address before it offers it, up to 3 s: the offer comes that late.
            $result = Test-PxeServer @common -MacAddress 02-00-5e-20-00-01 -Timeout 00:00:08 -Detailed
            $summary = $result | Where-Object { $_ -is [PxePowerShell.Engine.Diagnostics.PxeTestResult] }
            $steps = $result | Where-Object { $_ -is [PxePowerShell.Engine.Diagnostics.PxeTestStep] }
            $summary.Error | Should -BeNullOrEmpty -Because (Get-Content (Join-Path $TestDrive full.log) -Raw)
            $summary.Success | Should -BeTrue
            $steps.Success | Should -Not -Contain $false
            $steps.Step | Should -Be @('Discover', 'ProxyOffer', 'TftpBootFile', 'TftpMenu')
            $summary.ProxyServer | Should -Be $dnsmasqAddress
            $summary.BootServer | Should -Be $dnsmasqAddress
            $summary.BootFile | Should -Be 'pxelinux.0'
            $summary.DhcpOffers.Count | Should -Be 1
            "$($summary.DhcpOffers[0])" | Should -Match "^10\.202\.$subnet\.(1\d\d|200)$"
            $offer = ($steps | Where-Object Step -eq ProxyOffer).Detail
            $offer | Should -Match "address 10\.202\.$subnet\.\d+"
            $offer | Should -Match 'boot file pxelinux\.0'
            $offer | Should -Match "next server $([regex]::Escape($dnsmasqAddress))"
            $summary.Bytes | Should -Be $bootBytes.Length
            $summary.BootFileSha256 | Should -Be ([Convert]::ToHexString([Security.Cryptography.SHA256]::HashData($bootBytes)).ToLowerInvariant())
            $summary.MenuFile | Should -Be 'pxelinux.cfg/default'
            Get-Content (Join-Path $TestDrive full.log) -Raw | Should -Match 'sent .*pxelinux\.0'
        }
        finally {
            Stop-Dnsmasq
        }
    }

    It 'follows a proxy offer of dnsmasq (dhcp-range proxy + pxe-service) to port 4011 and TFTP' {
        Start-Dnsmasq proxy "--dhcp-range=10.202.$subnet.0,proxy", '--pxe-service=x86PC,"Install Linux",pxelinux'
        try {
            $result = Test-PxeServer @common -MacAddress 02-00-5e-20-00-02 -Timeout 00:00:03 -Detailed
            $summary = $result | Where-Object { $_ -is [PxePowerShell.Engine.Diagnostics.PxeTestResult] }
            $steps = $result | Where-Object { $_ -is [PxePowerShell.Engine.Diagnostics.PxeTestStep] }
            $summary.Error | Should -BeNullOrEmpty -Because (Get-Content (Join-Path $TestDrive proxy.log) -Raw)
            $summary.Success | Should -BeTrue
            $steps.Success | Should -Not -Contain $false
            $steps.Step | Should -Be @('Discover', 'ProxyOffer', 'Request4011', 'ProxyAck', 'TftpBootFile', 'TftpMenu')
            $summary.ProxyServer | Should -Be $dnsmasqAddress
            $summary.BootServer | Should -Be $dnsmasqAddress
            $summary.BootFile | Should -Be 'pxelinux.0'
            $summary.DhcpOffers | Should -BeNullOrEmpty
            $summary.Bytes | Should -Be $bootBytes.Length
        }
        finally {
            Stop-Dnsmasq
        }
    }
}
