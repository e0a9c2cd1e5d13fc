# Seed recipe: UEFI machines through syslinux.efi with the same menu as BIOS pxelinux (was: dnsmasq tag:efi-x86_64
# rules + a second pxelinux.cfg tree by hand). Needs the Debian packages syslinux-efi and syslinux-common; vmlinuz and
# initrd.img in $root. Run as root. Runs in CI: tests/e2e (SeedRecipeTests).
$root = '/srv/tftp'
New-Item -ItemType Directory -Force "$root/efi64" | Out-Null
Copy-Item /usr/lib/SYSLINUX.EFI/efi64/syslinux.efi, /usr/lib/syslinux/modules/efi64/ldlinux.e64, /usr/lib/syslinux/modules/efi64/menu.c32, /usr/lib/syslinux/modules/efi64/libutil.c32 "$root/efi64"
Copy-Item /usr/lib/PXELINUX/pxelinux.0, /usr/lib/syslinux/modules/bios/ldlinux.c32, /usr/lib/syslinux/modules/bios/menu.c32, /usr/lib/syslinux/modules/bios/libutil.c32 $root
New-PxeBootEntry -Name rescue -Label 'Rescue kernel' -Kernel vmlinuz -Initrd initrd.img -Arguments 'console=ttyS0' -Default
# The generated efi64/pxelinux.cfg menu uses rooted paths, so syslinux.efi finds the kernel at the TFTP root.
Start-PxeServer -ProxyDhcp -Root $root -BootFile @{ Bios = 'pxelinux.0'; EfiX64 = 'efi64/syslinux.efi'; EfiBC = 'efi64/syslinux.efi' } -Wait
