# Seed recipe: SystemRescue from its ISO over HTTP (was: loop mount + sysresccd netboot= by hand).
# Needs a download: systemrescue-*.iso.
$root = '/srv/tftp'
New-Item -ItemType Directory -Force $root | Out-Null
Copy-Item /usr/lib/ipxe/undionly.kpxe, /usr/lib/ipxe/ipxe.efi $root
Mount-PxeIso ./systemrescue-amd64.iso -MountPoint sysrescue | New-PxeBootEntry -Default   # archisobasedir=sysresccd archiso_http_srv={http}/sysrescue/
Start-PxeServer -ProxyDhcp -Root $root -Http -BootFile @{ Bios = 'undionly.kpxe'; EfiX64 = 'ipxe.efi' } -Wait
