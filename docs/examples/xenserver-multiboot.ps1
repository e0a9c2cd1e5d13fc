# Seed recipe: the XenServer installer (xen.gz + dom0 kernel + install.img through mboot.c32), BIOS only.
# Needs the XenServer installation ISO; its boot/ files are served straight from the image.
$root = '/srv/tftp'
New-Item -ItemType Directory -Force $root | Out-Null
Copy-Item /usr/lib/PXELINUX/pxelinux.0, /usr/lib/syslinux/modules/bios/ldlinux.c32, /usr/lib/syslinux/modules/bios/menu.c32, /usr/lib/syslinux/modules/bios/libutil.c32, /usr/lib/syslinux/modules/bios/mboot.c32, /usr/lib/syslinux/modules/bios/libcom32.c32 $root
Mount-PxeIso ./XenServer-install.iso -MountPoint xenserver | Out-Null
New-PxeBootEntry -Name xenserver -Label 'XenServer installer' -Kind Multiboot -Kernel xenserver/boot/xen.gz `
    -Arguments 'dom0_max_vcpus=2 dom0_mem=1024M com1=115200,8n1 console=com1,vga' `
    -Module 'xenserver/boot/vmlinuz xencons=hvc console=hvc0 console=tty0 answerfile=http://{server}/answer.xml install', 'xenserver/install.img' -Default
Start-PxeServer -ProxyDhcp -Root $root -Http -Wait
