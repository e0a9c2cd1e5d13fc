# Seed recipe: UEFI HTTP boot beside the router (was: dnsmasq as the only DHCP server with dhcp-vendorclass=HTTPClient,
# a forced option 60 and a dhcp-boot URL, plus nginx for the files). Needs the Debian package ipxe. Run as root (ports 67,
# 69, 80, 4011). Runs in CI: tests/e2e (SeedRecipeTests).
$root = '/srv/tftp'
New-Item -ItemType Directory -Force $root | Out-Null
Copy-Item /usr/lib/ipxe/snponly.efi $root
New-PxeBootEntry -Name rescue -Label 'Rescue kernel' -Kernel vmlinuz -Initrd initrd.img -Arguments 'console=ttyS0' -Default
# HTTP-boot firmware loads iPXE (snponly.efi drives the NIC through the firmware); iPXE asks again and gets boot.ipxe,
# the script generated from the entries, which loads the kernel and initrd over HTTP.
Start-PxeServer -ProxyDhcp -Root $root -Http -BootFile @{ EfiX64Http = 'snponly.efi' } -IpxeScript boot.ipxe -Wait | Where-Object Kind -eq TransferCompleted
