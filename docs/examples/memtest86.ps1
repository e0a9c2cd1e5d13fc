# Seed recipe: memtest86+ for BIOS machines through pxelinux (was: dnsmasq proxy + pxelinux.cfg/default by hand).
# Needs the Debian packages pxelinux, syslinux-common and memtest86+. Run as root (ports 67, 69, 4011).
# Runs in CI: tests/e2e (SeedRecipeTests).
$root = '/srv/tftp'
New-Item -ItemType Directory -Force $root | Out-Null
Copy-Item /usr/lib/PXELINUX/pxelinux.0, /usr/lib/syslinux/modules/bios/ldlinux.c32, /usr/lib/syslinux/modules/bios/menu.c32, /usr/lib/syslinux/modules/bios/libutil.c32 $root
Copy-Item /boot/memtest86+x64.bin $root
New-PxeBootEntry -Name memtest -Label 'Memtest86+' -Kind Image -Kernel memtest86+x64.bin -Architecture Bios -Default
Start-PxeServer -ProxyDhcp -Root $root -Wait | Where-Object Kind -eq TransferCompleted
