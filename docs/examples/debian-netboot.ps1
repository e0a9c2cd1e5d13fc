# Seed recipe: the Debian installer from its netboot tarball, BIOS and UEFI (was: tar into the TFTP root + dnsmasq).
# Needs a download: https://deb.debian.org/debian/dists/stable/main/installer-amd64/current/images/netboot/netboot.tar.gz
# The tree brings its own menus, and a root's own menu wins over the generated ones (Start-PxeServer warns when it
# shadows boot entries). So: BIOS machines get the entries below, because the tree's pxelinux.cfg is moved aside
# (pxelinux.0 then reads the generated pxelinux.cfg/default; without menu.c32 in the root it is a plain "boot:" prompt
# that boots the default after the timeout). UEFI machines run Debian's own GRUB (bootnetx64.efi), which reads the
# tree's debian-installer/amd64/grub/grub.cfg, not these entries: its menu offers the same installer.
$root = '/srv/tftp'
New-Item -ItemType Directory -Force $root | Out-Null
tar -xzf ./netboot.tar.gz -C $root
Move-Item "$root/pxelinux.cfg" "$root/pxelinux.cfg.debian"
New-PxeBootEntry -Name debian-installer -Label 'Debian installer (amd64)' -Kernel debian-installer/amd64/linux -Initrd debian-installer/amd64/initrd.gz -Arguments 'vga=788 --- quiet' -Default
New-PxeBootEntry -Name local -Label 'Boot from local disk' -Kind LocalBoot -Order 9
Start-PxeServer -ProxyDhcp -Root $root -BootFile @{ Bios = 'pxelinux.0'; EfiX64 = 'debian-installer/amd64/bootnetx64.efi' } -Wait
