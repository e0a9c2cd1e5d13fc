# The files the documentation examples name, made small but real: ISO images shaped like the distributions' (built
# with xorriso, so Mount-PxeIso detects them), the Debian netboot tarball, a hand-written pxelinux menu, a dnsmasq.conf,
# CSV files. Dot-sourced by Invoke-DocExamples.ps1, which runs inside the namespace with overlays on /etc, /srv, /var/lib.

function New-IsoImage([string] $Path, [string] $Label, [hashtable] $Files) {
    $tree = "$Path.tree"
    foreach ($name in $Files.Keys) {
        $file = Join-Path $tree $name
        New-Item -ItemType Directory -Force (Split-Path $file) | Out-Null
        Set-Content -LiteralPath $file -Value $Files[$name] -NoNewline
    }
    xorriso -as mkisofs -quiet -R -J -V $Label -o $Path $tree 2>$null
    if ($LASTEXITCODE -ne 0) { throw "xorriso could not build $Path" }
    Remove-Item -Recurse -Force $tree
}

function New-DocExampleFixture([string] $Path, [string] $RepoRoot) {
    New-Item -ItemType Directory -Force $Path | Out-Null
    New-IsoImage "$Path/archlinux.iso" ARCH_202611 @{
        'arch/boot/x86_64/vmlinuz-linux' = 'arch kernel'; 'arch/boot/x86_64/initramfs-linux.img' = 'arch initramfs'
        'arch/boot/intel-ucode.img' = 'microcode'; 'arch/boot/syslinux/archiso.cfg' = "LABEL arch`n  LINUX boot/x86_64/vmlinuz-linux`n"
    }
    New-IsoImage "$Path/debian-12.iso" 'Debian 12 amd64 n' @{
        'install.amd/vmlinuz' = 'debian kernel'; 'install.amd/initrd.gz' = 'debian initrd'; 'install.amd/gtk/vmlinuz' = 'gtk kernel'
    }
    New-IsoImage "$Path/systemrescue-amd64.iso" RESCUE1100 @{
        'sysresccd/boot/x86_64/vmlinuz' = 'rescue kernel'; 'sysresccd/boot/x86_64/sysresccd.img' = 'rescue initramfs'
    }
    New-IsoImage "$Path/XenServer-install.iso" 'XenServer-8' @{
        'boot/xen.gz' = 'xen'; 'boot/vmlinuz' = 'dom0 kernel'; 'install.img' = 'installer'
    }
    # The Debian netboot tarball's layout (debian-installer/amd64/..., pxelinux.0 and its own pxelinux.cfg/default menu),
    # with an Ubuntu tree beside it.
    $netboot = "$Path/netboot"
    foreach ($file in 'debian-installer/amd64/linux', 'debian-installer/amd64/initrd.gz', 'debian-installer/amd64/bootnetx64.efi',
        'ubuntu-installer/amd64/linux', 'ubuntu-installer/amd64/initrd.gz', 'pxelinux.0', 'pxelinux.cfg/default') {
        New-Item -ItemType Directory -Force (Split-Path "$netboot/$file") | Out-Null
        Set-Content "$netboot/$file" "netboot $file" -NoNewline
    }
    tar -czf "$Path/netboot.tar.gz" -C $netboot .
    Remove-Item -Recurse -Force $netboot

    Set-Content "$Path/pxelinux.default" @(
        'DEFAULT install', 'PROMPT 0', 'TIMEOUT 50', 'LABEL install', '  KERNEL debian-installer/amd64/linux',
        '  APPEND initrd=debian-installer/amd64/initrd.gz vga=788 --- quiet', '  IPAPPEND 2', 'LABEL local', '  LOCALBOOT 0')
    Set-Content "$Path/dnsmasq.conf" @(
        'port=0', 'interface=eth0', 'dhcp-range=192.168.0.0,proxy', 'enable-tftp', 'tftp-root=/srv/tftp',
        'dhcp-match=set:efi-x86_64,option:client-arch,7', 'dhcp-boot=tag:!efi-x86_64,pxelinux.0',
        'dhcp-boot=tag:efi-x86_64,syslinux.efi', 'pxe-prompt="Press F8 for the boot menu", 5',
        'pxe-service=x86PC,"Install Linux",pxelinux', 'log-dhcp')
}

# A fresh working folder for one example, and fresh /srv, /etc and /var/lib contents the examples name.
function Reset-DocExampleFolder([string] $Path, [string] $Fixtures) {
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $Path
    New-Item -ItemType Directory -Force "$Path/tftpboot/pxelinux.cfg", "$Path/tftpboot/efi64", "$Path/tftpboot/arch", "$Path/backup", "$Path/uploads", "$Path/setups" | Out-Null
    New-Item -ItemType SymbolicLink -Path "$Path/out" -Target (Join-Path $RepoRoot 'out') | Out-Null
    foreach ($iso in 'archlinux.iso', 'debian-12.iso', 'systemrescue-amd64.iso', 'XenServer-install.iso', 'netboot.tar.gz') {
        New-Item -ItemType SymbolicLink -Path "$Path/$iso" -Target "$Fixtures/$iso" | Out-Null
    }
    New-Item -ItemType SymbolicLink -Path "$Path/archlinux-x86_64.iso" -Target "$Fixtures/archlinux.iso" | Out-Null
    Copy-Item "$Fixtures/pxelinux.default" "$Path/tftpboot/pxelinux.cfg/default"
    Copy-Item "$Fixtures/pxelinux.default" "$Path/backup/default.cfg"
    Copy-Item "$Fixtures/dnsmasq.conf" "$Path/dnsmasq.conf"
    Set-Content "$Path/reservations.csv" "IPAddress,ClientId,Name`n192.168.0.20,52:54:00:AA:BB:01,build01`n192.168.0.21,52:54:00:AA:BB:02,build02"
    Set-Content "$Path/machines.csv" "MacAddress,BootEntry`n52:54:00:00:10:01,rescue`n52:54:00:00:10:02,rescue"

    foreach ($dir in '/srv/tftp', '/srv/netboot', '/srv/isos', '/etc/pxepowershell', '/var/lib/pxepowershell', '/var/lib/pxe') {
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $dir
    }
    New-Item -ItemType Directory -Force '/srv/tftp/pxelinux.cfg', '/srv/netboot', '/srv/isos', '/etc/pxepowershell' | Out-Null
    Copy-Item "$Fixtures/pxelinux.default" '/srv/tftp/pxelinux.cfg/default'
    foreach ($file in 'pxelinux.0', 'undionly.kpxe', 'ipxe.efi', 'syslinux.efi', 'hello.txt') { Set-Content "/srv/tftp/$file" "fixture $file" }
    Set-Content '/srv/netboot/hello.txt' 'netboot'
    Copy-Item "$Fixtures/archlinux.iso", "$Fixtures/debian-12.iso" '/srv/isos/'
    Copy-Item "$Fixtures/dnsmasq.conf" '/etc/dnsmasq.conf'
}
