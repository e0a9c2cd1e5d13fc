# Seed recipe: the Debian installer from its netboot tarball, BIOS and UEFI (was: tar into the TFTP root + dnsmasq).
# Needs a download: https://deb.debian.org/debian/dists/stable/main/installer-amd64/current/images/netboot/netboot.tar.gz
$root = '/srv/tftp'
New-Item -ItemType Directory -Force $root | Out-Null
tar -xzf ./netboot.tar.gz -C $root
New-PxeBootEntry -Name debian-installer -Label 'Debian installer (amd64)' -Kernel debian-installer/amd64/linux -Initrd debian-installer/amd64/initrd.gz -Arguments 'vga=788 --- quiet' -Default
New-PxeBootEntry -Name local -Label 'Boot from local disk' -Kind LocalBoot -Order 9
Start-PxeServer -ProxyDhcp -Root $root -BootFile @{ Bios = 'pxelinux.0'; EfiX64 = 'debian-installer/amd64/bootnetx64.efi' } -Wait
