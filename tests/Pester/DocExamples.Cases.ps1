# What some documentation examples need around them, by example Id (DocExamples.psm1). Every example runs; the keys:
#   Arrange  - script run first in the example's runspace (the state the example's text assumes: a server, entries)
#   During   - for a -Wait example: script run (in the runner, same folder) while its servers are up, before Ctrl+C
#   EndByStopPxeServer - end the -Wait example with Stop-PxeServer (every published event written) instead of Ctrl+C
#   Assert   - script run after the example in its runspace; every value it returns must be true ($ExampleOutput is
#              the example's output as text)
#   Cleanup  - script run last in the example's runspace, also when it failed (what Arrange started outside the module)
#   NoServer - a -Wait example that starts no server (Get-PxeEvent -Wait)
#   Skip     - the reason an example cannot run here (listed, never silent)
#   Known    - a cmdlet bug that makes the example fail today: reported as skipped while it fails
# The runner's namespace has eth0 192.168.0.1/24, eth1 10.0.5.1/24 and lab0 10.10.0.1/24.
$dhcp1 = 'Start-PxeDhcpServer -Range 192.168.0.50, 192.168.0.150 -Interface eth0 -Name dhcp1 | Out-Null'
$entries = @'
New-PxeBootEntry -Name debian-installer -Kernel debian-installer/amd64/linux -Initrd debian-installer/amd64/initrd.gz -Arguments 'vga=788 --- quiet' -Default | Out-Null
New-PxeBootEntry -Name ubuntu-installer -Kernel ubuntu-installer/amd64/linux -Order 1 | Out-Null
New-PxeBootEntry -Name memtest -Kind Image -Kernel memtest86+.bin -Architecture Bios | Out-Null
New-PxeBootEntry -Name sysrcd -Kernel sysrcd/rescue64 -Architecture Bios, EfiX64 | Out-Null
New-PxeBootEntry -Name arch -Kernel arch/arch/boot/x86_64/vmlinuz-linux -Architecture Bios, EfiX64 | Out-Null
New-PxeBootEntry -Name rescue -Kernel rescue/vmlinuz | Out-Null
New-PxeBootEntry -Name install -Kernel debian-installer/amd64/linux -Architecture EfiX64 | Out-Null
New-PxeBootEntry -Name rescue-db01 -Kernel rescue/vmlinuz -MacAddress 52:54:00:12:34:56 | Out-Null
'@
# A proxyDHCP + TFTP server on eth0, and a simulated PXE client that booted through it (inventory, boot trace).
$lab = "Start-PxeServer -ProxyDhcp -Root /srv/tftp -Interface eth0 -BootFile @{ Bios = 'pxelinux.0' } -ConflictCheckTimeout 0 -Name lab | Out-Null"
$client = "$lab`nTest-PxeServer -Interface eth0 -MacAddress 52-54-00-12-34-56 -Timeout 00:00:02 | Out-Null"
$arch = 'Mount-PxeIso ./archlinux.iso -MountPoint arch | Out-Null'
# A DHCPv6 client known only by its DUID (DUID-EN), as the DHCPv6 server's event puts it into the inventory.
$duidClient = @'
$events = (Get-Module PxePowerShell).ImplementingAssembly.GetType('PxePowerShell.ModuleState').GetProperty('Events').GetValue($null)
$null = Get-PxeClient
$events.Publish([PxePowerShell.Engine.Events.PxeEvent]@{ Kind = 'DhcpAck'; Time = [DateTimeOffset]::UtcNow; Server = 'dhcp6'; Protocol = 'Dhcp6'; Duid = '00-02-00-00-ab-11-5c-0f-e6-3b-a1-d0-42-17'; IPAddress = [IPAddress]'fd00:77::110'; Architecture = 'EfiX64' })
'@
# A download, then (bounded) until the server has published it; the example then ends by Stop-PxeServer, after its
# -Wait pipeline has written every published event (a Ctrl+C can come before the pipeline wrote the last one).
$published = '$until = [datetime]::UtcNow.AddSeconds(20); while (-not (Get-PxeEvent -Kind TransferCompleted) -and [datetime]::UtcNow -lt $until) { Start-Sleep -Milliseconds 100 }'
$fetch = "curl -s --max-time 20 -o /dev/null tftp://192.168.0.1/hello.txt`n$published"

# Inventory with a BIOS client and an x64 UEFI one (architecture 7, as OVMF and most x64 firmware send it).
$clients = "$($lab -replace "Bios = 'pxelinux.0'", "Bios = 'pxelinux.0'; EfiX64 = 'syslinux.efi'")`nTest-PxeServer -Interface eth0 -MacAddress 52-54-00-12-34-56 -Timeout 00:00:02 | Out-Null`nTest-PxeServer -Interface eth0 -MacAddress 52-54-00-12-34-57 -Architecture EfiBC -Timeout 00:00:02 | Out-Null"
# Another DHCP server on eth0's link for Find-PxeDhcpServer (the module's own servers do not answer probes from their
# host): dnsmasq on eth0-peer at 192.168.0.2 (without a route of its own; accept_local lets the two ends of the veth,
# both addresses of this namespace, take each other's packets), full DHCP with a boot file, {0} its further options.
$dnsmasq = @'
ip addr add 192.168.0.2/24 dev eth0-peer noprefixroute
sysctl -qw net.ipv4.conf.eth0.accept_local=1 net.ipv4.conf.eth0-peer.accept_local=1
dnsmasq --conf-file=/dev/null --port=0 --user=root --interface=eth0-peer --bind-interfaces --pid-file=$PWD/dnsmasq.pid --dhcp-leasefile=$PWD/dnsmasq.leases --dhcp-range=192.168.0.200,192.168.0.210,255.255.255.0 --dhcp-boot=pxelinux.0 --no-ping {0}
if ($LASTEXITCODE) {{ throw "dnsmasq did not start ($LASTEXITCODE)" }}
'@
$dnsmasqGone = "if (Test-Path ./dnsmasq.pid) { Stop-Process -Id (Get-Content ./dnsmasq.pid) }`nip addr del 192.168.0.2/24 dev eth0-peer`nsysctl -qw net.ipv4.conf.eth0.accept_local=0 net.ipv4.conf.eth0-peer.accept_local=0"
# A full DHCP server on eth0 with an active lease of 52:54:00:12:34:56 (DISCOVER ... ACK from scapy on eth0-peer) and
# an offered address for another client (the simulator stops at the offer).
$leases = @"
Start-PxeDhcpServer -Range 192.168.0.50, 192.168.0.150 -Interface eth0 -Name dhcp1 | Out-Null
`$bound = /usr/bin/python3 '$PSScriptRoot/dhcp-client.py' eth0-peer 52:54:00:12:34:56
if (`$LASTEXITCODE) { throw "the DHCP client got no lease (`$LASTEXITCODE)" }
Set-Content ./bound.txt `$bound
Test-PxeServer -Interface eth0 -MacAddress 52-54-00-12-34-99 -NoDownload -Timeout 00:00:01 | Out-Null
"@

$reservations = 'Set-Content reservations.csv "IPAddress,ClientId,Name`n10.0.5.20,52:54:00:AA:BB:01,build01`n10.0.5.21,52:54:00:AA:BB:02,build02"'
$cases = @{
    'README.md#1'                   = @{ During = $fetch; Assert = "(Import-Csv boots.csv).Path -contains 'hello.txt'"; EndByStopPxeServer = $true }
    'README.md#2'                   = @{ Skip = './build.ps1 builds the whole solution, which tests/run.sh has just done; ReadmeRunCommandTests runs the same Start-PxeServer through build.ps1 -Task Start' }
    'docs/about_PxePowerShell.md#2' = @{ During = $fetch; Assert = "(Import-Csv transfers.csv).Path -contains 'hello.txt'"; EndByStopPxeServer = $true }
    'examples/arch-iso-http.ps1'    = @{ During = "curl -s --max-time 20 -o /dev/null http://192.168.0.1/arch/arch/boot/x86_64/vmlinuz-linux`n$published"; Assert = "(Import-Csv boots.csv).Path -contains 'arch/arch/boot/x86_64/vmlinuz-linux'"; EndByStopPxeServer = $true }
    # The tree's own pxelinux.cfg is moved aside, so pxelinux reads the menu generated from the example's entries.
    'examples/debian-netboot.ps1'   = @{ During = 'curl -s --max-time 20 -o pxelinux-default.cfg tftp://192.168.0.1/pxelinux.cfg/default'; Assert = "`$menu = Get-Content ./pxelinux-default.cfg -Raw; `$menu -match 'LABEL debian-installer'; `$menu -match 'LABEL local'; `$menu -notmatch 'netboot pxelinux.cfg/default'" }
    'Copy-PxeIsoItem#1'             = @{ Arrange = $arch; Assert = 'Test-Path /srv/tftp/arch/vmlinuz-linux' }
    'Copy-PxeIsoItem#2'             = @{ Arrange = 'Mount-PxeIso ./debian-12.iso -MountPoint debian | Out-Null'; Assert = 'Test-Path ./debian-installer/gtk/vmlinuz' }
    'Export-PxeBootEntry#1'         = @{ Arrange = $entries; Assert = '(Get-Content ./boot-setup.json -Raw | ConvertFrom-Json).entries.Count -ge 8' }
    'Export-PxeBootEntry#2'         = @{ Arrange = $entries; Assert = '(Get-Content ./installers.json -Raw | ConvertFrom-Json).entries.Count -eq 2' }
    'Export-PxeBootMenu#1'          = @{ Arrange = $entries; Assert = 'Test-Path /srv/tftp/efi64/pxelinux.cfg/default' }
    'Find-PxeDhcpServer#1'          = @{ Arrange = $dnsmasq -f ''; Cleanup = $dnsmasqGone; Assert = '$ExampleOutput -match "192\.168\.0\.2\s+192\.168\.0\.2\d\d\s.*pxelinux\.0"' }
    'Find-PxeDhcpServer#2'          = @{ Arrange = $dnsmasq -f '--pxe-service=x86PC,Install,pxelinux'; Cleanup = $dnsmasqGone; Assert = '$ExampleOutput -match "192\.168\.0\.2\s.*True\s.*Install"' }
    'Get-PxeClient#3'               = @{ Arrange = $clients; Assert = "`$ExampleOutput -match '52-54-00-12-34-57\s.*EfiX64'`n`$ExampleOutput -notmatch '52-54-00-12-34-56'" }
    'Get-PxeLease#1'                = @{ Arrange = $leases; Assert = "`$ExampleOutput -match ""`$(Get-Content ./bound.txt)\s+52-54-00-12-34-56\s.*Active""`n(Get-PxeLease -ClientId 52-54-00-12-34-99).AddressState -eq 'Offered'`n`$ExampleOutput -notmatch '52-54-00-12-34-99'" }
    'Get-PxeLease#2'                = @{ Arrange = $leases; Assert = "`$ExampleOutput -match ""`$(Get-Content ./bound.txt)\s+52-54-00-12-34-56\s.*Active""`n`$ExampleOutput -notmatch '52-54-00-12-34-99'" }
    'Get-PxeClient#2'               = @{ Arrange = $client; Assert = "(Import-Csv clients.csv).MacAddress -contains '52-54-00-12-34-56'" }
    'Get-PxeEvent#2'                = @{ NoServer = $true }
    'Get-PxeIso#3'                  = @{ Arrange = "Start-PxeTftpServer -Root /srv/tftp -Port 6969 -Name lab | Out-Null`nMount-PxeIso ./archlinux.iso -MountPoint arch -Server lab | Out-Null" }
    'Get-PxeLease#3'                = @{ Arrange = "Start-PxeDhcpServer -Range 192.168.0.50, 192.168.0.150 -Interface eth0 -DataDirectory /var/lib/pxepowershell/leases -Name old | Out-Null`nAdd-PxeReservation -Server old -IPAddress 192.168.0.20 -ClientId 52:54:00:12:34:56`nStop-PxeServer old" }
    'Import-PxeBootEntry#1'         = @{ Arrange = "$entries`nExport-PxeBootEntry -Path ./boot-setup.json`nGet-PxeBootEntry | Remove-PxeBootEntry -Confirm:`$false"; Assert = '(Get-PxeBootEntry).Count -ge 8' }
    'Import-PxeBootEntry#2'         = @{ Arrange = "$entries`nExport-PxeBootEntry -Path ./setups/lab.json"; Assert = '(Get-PxeBootEntry).Count -ge 8' }
    'Remove-PxeBootEntry#1'         = @{ Arrange = $entries; Assert = '-not (Get-PxeBootEntry memtest -ErrorAction SilentlyContinue)' }
    'Remove-PxeBootEntry#2'         = @{ Arrange = $entries; Assert = '-not (Get-PxeBootEntry rescue-db01 -ErrorAction SilentlyContinue)' }
    'Remove-PxeLease#3'             = @{ Arrange = "Start-PxeDhcpServer -Range 192.168.0.77, 192.168.0.80 -Interface eth0 -Name dhcp1 | Out-Null`nTest-PxeServer -Interface eth0 -MacAddress 52-54-00-12-34-56 -Timeout 00:00:01 | Out-Null" }
    'Set-PxeBootEntry#1'            = @{ Arrange = $entries; Assert = "(Get-PxeBootEntry -Default).Name -eq 'ubuntu-installer'" }
    # IPv6 (docs/ipv6.md): the DHCPv6 servers bind 547 on the runner's interfaces, which have link-local addresses.
    'Get-PxeLease#4'                = @{ Arrange = 'Start-PxeDhcpServer -Dhcp6 -Range fd00:77::100, fd00:77::1ff -Interface eth0 -Name dhcp6 | Out-Null'; Assert = "(Get-PxeServer dhcp6).Role -eq 'Dhcp6'" }
    'Add-PxeReservation#3'          = @{ Arrange = 'Start-PxeDhcpServer -Dhcp6 -Range fd00:77::100, fd00:77::1ff -Interface eth0 -Name dhcp6 | Out-Null'; Assert = "(Get-PxeReservation -Server dhcp6).Duid -eq '00-03-00-01-52-54-00-12-34-56'" }
    'Remove-PxeReservation#4'       = @{ Arrange = "Start-PxeDhcpServer -Dhcp6 -Range fd00:77::100, fd00:77::1ff -Interface eth0 -Name dhcp6 | Out-Null`nAdd-PxeReservation -IPAddress fd00:77::20 -Duid 00-03-00-01-52-54-00-12-34-56 -Server dhcp6"; Assert = "-not (Get-PxeReservation -Server dhcp6)`n`$ExampleOutput -match 'fd00:77::20'" }
    'Remove-PxeLease#4'             = @{ Arrange = 'Start-PxeDhcpServer -Dhcp6 -Range fd00:77::100, fd00:77::1ff -Interface eth0 -Name dhcp6 | Out-Null'; Assert = "(Get-PxeServer dhcp6).Role -eq 'Dhcp6'" }
    'Get-PxeReservation#4'          = @{ Arrange = "Start-PxeDhcpServer -Dhcp6 -Range fd00:77::100, fd00:77::1ff -Interface eth0 -Name dhcp6 | Out-Null`nAdd-PxeReservation -IPAddress fd00:77::20 -Duid 00-03-00-01-52-54-00-12-34-56 -Name build01 -Server dhcp6"; Assert = "`$ExampleOutput -match 'fd00:77::20'" }
    'docs/ipv6.md#1'                = @{ Arrange = 'Start-PxeDhcpServer -Dhcp6 -Range fd00:77::100, fd00:77::1ff -Interface eth0 -Name dhcp6 | Out-Null'; Assert = "-not (Get-PxeReservation -Server dhcp6)`n`$ExampleOutput -match 'fd00:77::20'" }
    'Start-PxeDhcpServer#4'         = @{ Assert = "`$ExampleOutput -match 'dhcp6\s+Dhcp6\s+Running'" }
    'Start-PxeProxyDhcp#5'          = @{ Assert = "`$ExampleOutput -match 'boot6\s+ProxyDhcp6\s+Running'" }
    'Start-PxeServer#8'             = @{ Assert = "`$ExampleOutput -match 'Dhcp6'" }
    'Start-PxeServer#2'             = @{ During = $fetch; Assert = "(Import-Csv boots.csv).Path -contains 'hello.txt'"; EndByStopPxeServer = $true }
    'Start-PxeTftpServer#3'         = @{ During = $fetch; Assert = "(Import-Csv transfers.csv).Path -contains 'hello.txt'"; EndByStopPxeServer = $true }
}
# The examples that only need a state arranged first.
foreach ($id in 'docs/clients.md#1', 'Set-PxeClient#1', 'Set-PxeClient#2', 'Set-PxeClient#4') {
    $cases[$id] = @{ Arrange = "$client`n$entries" }
}
foreach ($id in 'docs/clients.md#2', 'Get-PxeClient#6') {
    $cases[$id] = @{ Arrange = $duidClient; Assert = "`$ExampleOutput -match '00-02-00-00-ab-11-5c-0f-e6-3b-a1-d0-42-17'" }
}
foreach ($id in 'docs/clients.md#3', 'Get-PxeBootTrace#1', 'Get-PxeBootTrace#2', 'Get-PxeBootTrace#3', 'Get-PxeBootTrace#4', 'Get-PxeClient#1', 'Get-PxeClient#4', 'Get-PxeClient#5', 'Get-PxeEvent#1', 'Get-PxeEvent#3', 'Remove-PxeClient#1', 'Remove-PxeClient#3') {
    $cases[$id] = @{ Arrange = $client }
}
foreach ($id in 'Add-PxeReservation#1', 'Add-PxeReservation#2') {
    $cases[$id] = @{ Arrange = $dhcp1 }
}
foreach ($id in 'Dismount-PxeIso#1', 'Dismount-PxeIso#2', 'Get-PxeIso#1', 'Get-PxeIso#2', 'Get-PxeIsoItem#1', 'Get-PxeIsoItem#2') {
    $cases[$id] = @{ Arrange = $arch }
}
foreach ($id in 'Export-PxeBootMenu#2', 'Export-PxeBootMenu#3', 'Get-PxeBootEntry#1', 'Get-PxeBootEntry#2', 'Get-PxeBootEntry#3', 'Get-PxeBootEntry#4', 'Get-PxeBootEntry#5', 'Get-PxeBootMenu#1', 'Get-PxeBootMenu#2', 'Get-PxeBootMenu#3', 'Get-PxeBootMenu#4', 'Get-PxeBootMenu#5', 'New-PxeBootEntry#8', 'Remove-PxeBootEntry#3', 'Set-PxeBootEntry#2', 'Set-PxeBootEntry#3', 'Set-PxeBootEntry#4') {
    $cases[$id] = @{ Arrange = $entries }
}
foreach ($id in 'Start-PxeDhcpServer#2') {
    $cases[$id] = @{ Arrange = $reservations }
}
foreach ($id in 'Test-PxeServer#1', 'Test-PxeServer#2', 'Test-PxeServer#3', 'Test-PxeServer#4') {
    $cases[$id] = @{ Arrange = $lab }
}
foreach ($id in 'Remove-PxeReservation#2', 'Remove-PxeReservation#3') {
    $cases[$id] = @{ Arrange = "$dhcp1`nAdd-PxeReservation -IPAddress 192.168.0.20 -ClientId 52-54-00-12-34-56 -Server dhcp1 | Out-Null"; Assert = '-not (Get-PxeReservation -Server dhcp1)' }
}
# Debian's real netboot GRUB menu (package debian-installer-12-netboot-amd64) where the example reads it, and a
# grub-mkrescue-style tree with a submenu.
$cases['ConvertFrom-PxeGrubConfig#1'] = @{
    Arrange = "New-Item -ItemType Directory -Force /srv/tftp/debian-installer/amd64 | Out-Null`nCopy-Item -Recurse -Force /usr/lib/debian-installer/images/12/amd64/text/debian-installer/amd64/grub /srv/tftp/debian-installer/amd64/"
    Assert  = "(Get-PxeBootEntry).Count -gt 0"
}
$cases['ConvertFrom-PxeGrubConfig#2'] = @{
    Arrange = @'
New-Item -ItemType Directory -Force ./tftpboot/boot/grub, ./tftpboot/live | Out-Null
Set-Content ./tftpboot/boot/grub/grub.cfg @"
set default=0
set timeout=5
menuentry 'Live system' {
    linux /live/vmlinuz boot=live
    initrd /live/initrd.img
}
submenu 'Advanced options' {
    menuentry 'Live system (fail-safe)' {
        linux /live/vmlinuz boot=live noapic
        initrd /live/initrd.img
    }
}
"@
'@
    Assert  = "(Get-PxeBootEntry).Label -contains 'Live system'"
}
# The fleet reads name the operator's database (db.example); FleetCmdletTests runs the same -Store reads against a throwaway cluster.
foreach ($id in 'Get-PxeClient#7', 'Get-PxeLease#5', 'Get-PxeEvent#4') {
    $cases[$id] = @{ Skip = 'reads a fleet''s PostgreSQL database (Host=db.example); tests/PxePowerShell.Module.Tests/FleetCmdletTests runs Get-PxeClient, Get-PxeLease and Get-PxeEvent -Store against a throwaway PostgreSQL cluster' }
}
# High availability needs the group's PostgreSQL database (Host=db.example); the module and PostgreSQL tests run the same commands against a throwaway cluster.
$cases['Start-PxeServer#9'] = @{ Skip = 'a high-availability group over a PostgreSQL database (Host=db.example); tests/PxePowerShell.Module.Tests/HighAvailabilityCmdletTests starts Start-PxeServer -Dhcp -Store -HaPeers beside Start-PxeDhcpServer -HaPeers on a throwaway PostgreSQL cluster and reads GetStatistics().Dhcp.HighAvailability, and PostgresHaFromFilesTests runs two servers from their configuration files' }
$cases['Start-PxeDhcpServer#5'] = @{ Skip = 'a high-availability group over a PostgreSQL database (Host=db.example); tests/PxePowerShell.Module.Tests/HighAvailabilityCmdletTests runs Start-PxeDhcpServer -Store -HaPeers in a group on a throwaway PostgreSQL cluster and reads its HighAvailability statistics' }
$cases['docs/deployment.md#1'] = @{ Skip = 'tests/Pester/Package.Tests.ps1 runs this flow as written (build.ps1 -Task Package, Register-, Publish- and Install-PSResource, Import-Module by name) in a clean home directory; here -Scope AllUsers would install into the machine' }
$cases
