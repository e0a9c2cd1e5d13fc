@{
    RootModule           = 'PxePowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '5b0e7c3a-2f7d-4c5e-9a41-7d3c2e8f6b10'
    Author               = 'PxePowerShell contributors'
    CompanyName          = 'PxePowerShell'
    Copyright            = '(c) 2026 PxePowerShell contributors. MIT License.'
    Description          = 'A complete network-boot server as PowerShell cmdlets: proxyDHCP and DHCP, TFTP, HTTP boot, generated pxelinux/iPXE/GRUB menus and ISO images served straight from the image.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('PxePowerShell.format.ps1xml')
    CmdletsToExport      = @(
        'Add-PxeReservation'
        'ConvertFrom-PxeDnsmasqConfig'
        'ConvertFrom-PxeSyslinuxConfig'
        'ConvertFrom-PxeGrubConfig'
        'Copy-PxeIsoItem'
        'Dismount-PxeIso'
        'Export-PxeBootEntry'
        'Export-PxeBootMenu'
        'Export-PxeConfiguration'
        'Find-PxeDhcpServer'
        'Get-PxeBootEntry'
        'Get-PxeBootTrace'
        'Get-PxeBootMenu'
        'Get-PxeClient'
        'Get-PxeEvent'
        'Get-PxeIso'
        'Get-PxeIsoItem'
        'Get-PxeLease'
        'Get-PxeReservation'
        'Get-PxeServer'
        'Import-PxeBootEntry'
        'Mount-PxeIso'
        'New-PxeBootEntry'
        'Remove-PxeBootEntry'
        'Remove-PxeClient'
        'Remove-PxeLease'
        'Remove-PxeReservation'
        'Set-PxeBootEntry'
        'Set-PxeClient'
        'Start-PxeDhcpServer'
        'Start-PxeHttpServer'
        'Start-PxeProxyDhcp'
        'Start-PxeServer'
        'Start-PxeTftpServer'
        'Stop-PxeServer'
        'Test-PxeServer'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('PXE', 'TFTP', 'DHCP', 'proxyDHCP', 'iPXE', 'pxelinux', 'GRUB', 'HTTPBoot', 'NetworkBoot', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            # No ProjectUri: the project has no public home yet, and the Gallery shows the link as it is. Add it with its real address.
            LicenseUri   = 'https://opensource.org/licenses/MIT' # the MIT License, the repository's LICENSE
            ReleaseNotes = @'
0.1.0: first release. proxyDHCP and full DHCP with durable leases, TFTP (RFC 1350/2347/2348/2349/7440), HTTP boot,
boot entries with generated pxelinux/syslinux, iPXE and GRUB menus, ISO images served from the image, Secure Boot
(Debian shim + GRUB), client inventory (SQLite), dnsmasq and syslinux configuration import, diagnostics
(Test-PxeServer, Find-PxeDhcpServer, Get-PxeBootTrace). UEFI PXE and HTTP boot over IPv6 (DHCPv6), ARM64 UEFI
clients, Prometheus metrics (GET /-/metrics), and a PostgreSQL store that several servers share (leases, boot entries,
client inventory, events; DHCP failover between peers). Start-* -Wait stops cleanly on Ctrl+C, SIGINT and SIGTERM.
Needs PowerShell 7.4 or later; native SQLite for Linux (x64, arm64, arm, musl), macOS and Windows is included.
'@
        }
    }
}
