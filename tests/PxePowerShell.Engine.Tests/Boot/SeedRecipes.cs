using PxePowerShell.Engine.Boot;

namespace PxePowerShell.Engine.Tests.Boot;

/// <summary>The seed recipes of issue 4 as boot entries (the same ones the cmdlet help shows).</summary>
internal static class SeedRecipes
{
    public static readonly BootRenderOptions Plain = new();

    public static readonly BootRenderOptions WithServer = new() { ServerAddress = "192.168.0.1" };

    public static readonly BootRenderOptions WithHttp = new() { ServerAddress = "192.168.0.1", HttpBaseUri = new Uri("http://192.168.0.1:8080/") };

    public static IEnumerable<string> Names => All.Keys;

    public static IReadOnlyDictionary<string, (BootConfiguration Configuration, BootRenderOptions Options)> All { get; } =
        new Dictionary<string, (BootConfiguration, BootRenderOptions)>
        {
            ["memtest"] = (Config(
                new BootEntry { Name = "memtest", Label = "Memtest86+", Kind = BootEntryKind.Image, Kernel = "memtest86+.bin", Architecture = BootArchitecture.Bios, HelpText = "Tests the memory of this machine." }), Plain),

            ["debian"] = (Config(
                new BootEntry
                {
                    Name = "debian-installer",
                    Label = "^Debian installer (amd64)",
                    Kernel = "debian-installer/amd64/linux",
                    Initrd = ["debian-installer/amd64/initrd.gz"],
                    Arguments = "vga=788 --- quiet",
                    IsDefault = true,
                    HelpText = "Installs Debian from the netboot tarball\n(netboot.tar.gz unpacked in the TFTP root).",
                },
                new BootEntry
                {
                    Name = "ubuntu-installer",
                    Label = "Ubuntu installer (amd64)",
                    Kernel = "ubuntu-installer/amd64/linux",
                    Initrd = ["ubuntu-installer/amd64/initrd.gz"],
                    Arguments = "vga=788 --- quiet",
                    Order = 1,
                },
                new BootEntry { Name = "local", Label = "Boot from local disk", Kind = BootEntryKind.LocalBoot, Order = 9 }), Plain),

            ["arch"] = (Config(
                new BootEntry
                {
                    Name = "arch",
                    Label = "Arch Linux (HTTP)",
                    Kernel = "arch/arch/boot/x86_64/vmlinuz-linux",
                    Initrd = ["arch/arch/boot/x86_64/initramfs-linux.img"],
                    Arguments = "archisobasedir=arch archiso_http_srv={http}/arch/ ip=dhcp",
                    Architecture = BootArchitecture.Bios | BootArchitecture.EfiX64,
                    IsDefault = true,
                },
                new BootEntry
                {
                    Name = "arch-syslinux",
                    Label = "Arch Linux (ISO's own menu)",
                    Kind = BootEntryKind.ConfigInclude,
                    ConfigPath = "arch/boot/syslinux/archiso.cfg",
                    Loader = BootLoader.Pxelinux,
                    Order = 1,
                }), WithHttp),

            ["systemrescue"] = (Config(
                new BootEntry
                {
                    Name = "sysrcd",
                    Label = "SystemRescueCd \"5.3\" – Rettung ($HOME, 100% #1)",
                    Kernel = "sysrcd/rescue64",
                    Initrd = ["sysrcd/initram.igz"],
                    Arguments = "netboot=tftp://{server}/sysrcd/sysrcd.dat setkmap=de rootpass=it's#secret dodhcp",
                    Architecture = BootArchitecture.Bios | BootArchitecture.EfiX64,
                    HelpText = "SystemRescueCd loads sysrcd.dat over the network (netboot=).\nENDTEXT inside help is kept.",
                }), WithServer),

            ["xenserver"] = (Config(
                new BootEntry
                {
                    Name = "xenserver",
                    Label = "XenServer installer",
                    Kind = BootEntryKind.Multiboot,
                    Kernel = "xenserver/boot/xen.gz",
                    Arguments = "dom0_max_vcpus=2 dom0_mem=1024M com1=115200,8n1 console=com1,vga",
                    Modules =
                    [
                        new MultibootModule("xenserver/boot/vmlinuz", "xencons=hvc console=hvc0 console=tty0 answerfile=http://{server}/answer.xml install"),
                        new MultibootModule("xenserver/install.img"),
                    ],
                    IsDefault = true,
                }), WithServer),

            ["uefi-debian"] = (Config(
                new BootEntry
                {
                    Name = "debian-uefi",
                    Label = "Debian installer (UEFI)",
                    Kernel = "debian-installer/amd64/linux",
                    Initrd = ["debian-installer/amd64/initrd.gz"],
                    Arguments = "priority=low ---",
                    Architecture = BootArchitecture.EfiX64,
                    IsDefault = true,
                },
                new BootEntry { Name = "firmware", Label = "Back to the firmware", Kind = BootEntryKind.LocalBoot, Architecture = BootArchitecture.EfiX64, Order = 5 }), Plain),
        };

    private static BootConfiguration Config(params BootEntry[] entries) =>
        BootConfiguration.Create(entries, new BootMenuSettings { Title = "PxePowerShell boot menu", Timeout = TimeSpan.FromSeconds(10) });
}
