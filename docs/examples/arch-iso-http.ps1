# Seed recipe: boot the Arch Linux ISO over the network (was: mount -o loop, symlinks into the TFTP root, a python
# HTTP server, and archiso_http_srv= by hand). No root needed for the image: the module reads it itself.
# Needs a download: archlinux-x86_64.iso. iPXE (undionly.kpxe / ipxe.efi from the ipxe package) loads everything over HTTP.
$root = '/srv/tftp'
New-Item -ItemType Directory -Force $root | Out-Null
Copy-Item /usr/lib/ipxe/undionly.kpxe, /usr/lib/ipxe/ipxe.efi $root
$iso = Mount-PxeIso ./archlinux-x86_64.iso -MountPoint arch
$iso | New-PxeBootEntry -Default            # kernel, microcode and initramfs found in the image; archiso_http_srv={http}/arch/
Start-PxeServer -ProxyDhcp -Root $root -Http -BootFile @{ Bios = 'undionly.kpxe'; EfiX64 = 'ipxe.efi' } -Wait |
    Where-Object Kind -eq TransferCompleted | Export-Csv boots.csv
