using FsCheck;
using FsCheck.Fluent;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Boot.Grub;

namespace PxePowerShell.Engine.Tests.Boot.Grub;

/// <summary>grub.cfg files as Debian's netboot tree and grub-mkrescue images write them, translated into boot entries.</summary>
public sealed class GrubConfigTests
{
    /// <summary>Debian's netboot tree (package debian-installer-12-netboot-amd64, listed in tests/apt-packages.txt).</summary>
    internal const string DebianNetboot = "/usr/lib/debian-installer/images/12/amd64/text";

    [Fact]
    public void Debians_netboot_grub_cfg_becomes_its_menu_with_submenus_flattened_and_nothing_left_unsaid()
    {
        string file = Path.Combine(DebianNetboot, "debian-installer", "amd64", "grub", "grub.cfg");
        Assert.True(File.Exists(file), $"{file} is missing: apt-get install debian-installer-12-netboot-amd64");
        var result = GrubImporter.FromDirectory(file);

        Assert.Equal("debian-installer/amd64/grub/grub.cfg", result.Path); // the root found: the tree, where the kernel is
        Assert.Empty(result.Warnings);
        Assert.Equal(26, result.Entries.Count);
        var install = result.Entries[0];
        Assert.Equal("Install", install.Label);
        Assert.Equal(BootEntryKind.Linux, install.Kind);
        Assert.Equal("debian-installer/amd64/linux", install.Kernel);
        Assert.Equal(["debian-installer/amd64/initrd.gz"], install.Initrd);
        Assert.Equal("vga=788 --- quiet", install.Arguments);
        Assert.Equal(["Install"], result.Entries.Where(e => e.IsDefault).Select(e => e.Label)); // GRUB boots the first item
        Assert.Contains(result.Entries, e => e.Label == "Advanced options ... / ... Desktop environment menu ... / ... GNOME desktop boot menu ... / ... GNOME advanced options ... / ... Expert install"
            && e.Arguments == "desktop=gnome priority=low vga=788 ---");
        Assert.Equal(result.Entries.Count, result.Entries.Select(e => e.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(result.Entries, e => Assert.Empty(BootEntryValidator.CheckShape(e)));
        Assert.Null(result.Timeout);
    }

    [Fact]
    public void A_grub_mkrescue_style_config_translates_kernels_multiboot_includes_default_and_timeout()
    {
        var files = new Dictionary<string, string> { ["boot/grub/common.cfg"] = "menuentry \"Common\" {\n  linux /c/vmlinuz\n}\n" };
        var result = GrubConfigParser.Parse("boot/grub/grub.cfg", """
            set default="1"
            set timeout=-1
            insmod all_video
            search --no-floppy --set=root --file /boot/vmlinuz
            source /boot/grub/common.cfg
            menuentry "Rescue shell" --class gnu-linux --id rescue {
                linux ($root)/boot/vmlinuz console=ttyS0 acpi_osi="Windows 2012"
                initrdefi /boot/ucode.img /boot/initrd.img
            }
            menuentry 'Xen' {
                multiboot2 /boot/xen.gz dom0_mem=1024M
                module2 /boot/vmlinuz-dom0 console=hvc0
                module2 --nounzip /boot/initrd-dom0
            }
            menuentry "From the server" {
                linux (tftp,$net_default_server)/boot/vmlinuz ip=dhcp url=http://${net_default_server}/x
            }
            menuentry "Loop" {
                loopback loop /images/x.iso
                linux (loop)/live/vmlinuz findiso=${iso_path}
            }
            menuentry "Chain" { chainloader /efi/ipxe.efi ; }
            menuentry "Next" {
                configfile /other/grub.cfg
            }
            frobnicate
            source /boot/grub/missing.cfg
            """, f => files.GetValueOrDefault(f));

        Assert.Equal(["Common", "Rescue shell", "Xen", "From the server", "Chain", "Next"], result.Entries.Select(e => e.Label));
        Assert.Equal(["rescue"], result.Entries.Where(e => e.IsDefault).Select(e => e.Name));
        Assert.Equal(TimeSpan.Zero, result.Timeout);
        var rescue = result.Entries[1];
        Assert.Equal("boot/vmlinuz", rescue.Kernel);
        Assert.Equal(["boot/ucode.img", "boot/initrd.img"], rescue.Initrd);
        Assert.Equal("console=ttyS0 acpi_osi=\"Windows 2012\"", rescue.Arguments);
        var xen = result.Entries[2];
        Assert.Equal(BootEntryKind.Multiboot, xen.Kind);
        Assert.Equal("boot/xen.gz", xen.Kernel);
        Assert.Equal([new MultibootModule("boot/vmlinuz-dom0", "console=hvc0"), new MultibootModule("boot/initrd-dom0")], xen.Modules);
        Assert.Equal("boot/vmlinuz", result.Entries[3].Kernel);
        Assert.Equal("ip=dhcp url=http://{server}/x", result.Entries[3].Arguments);
        Assert.Equal((BootEntryKind.Chainload, "efi/ipxe.efi"), (result.Entries[4].Kind, result.Entries[4].ChainTarget));
        Assert.Equal((BootEntryKind.ConfigInclude, "other/grub.cfg", BootLoader.Grub), (result.Entries[5].Kind, result.Entries[5].ConfigPath, result.Entries[5].Loader));
        Assert.Equal(["boot/grub/grub.cfg", "boot/grub/common.cfg"], result.Files);

        string text = string.Join("\n", result.Warnings);
        Assert.Contains("boot/grub/grub.cfg:2: the menu waits for ever", text, StringComparison.Ordinal);
        Assert.Contains("boot/grub/grub.cfg:19: 'loopback' is not a command PxePowerShell translates", text, StringComparison.Ordinal);
        Assert.Contains("boot/grub/grub.cfg:18: $iso_path cannot be filled in", text, StringComparison.Ordinal);
        Assert.Contains("boot/grub/grub.cfg:26: 'frobnicate' is not a command", text, StringComparison.Ordinal);
        Assert.Contains("boot/grub/grub.cfg:27: boot/grub/missing.cfg: the file does not exist", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Includes_that_loop_and_defaults_that_name_nothing_are_reported()
    {
        var result = GrubConfigParser.Parse("grub.cfg", "set default=nosuch\nsource /grub.cfg\nmenuentry a {\n linux /a\n", _ => "source /grub.cfg\n");
        string text = string.Join("\n", result.Warnings);
        Assert.Contains("includes itself", text, StringComparison.Ordinal);
        Assert.Contains("not closed", text, StringComparison.Ordinal);
        Assert.Contains("default=nosuch names no top-level menu entry", text, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Entries, e => e.IsDefault);
    }

    [Fact]
    public void Any_text_gives_entries_and_warnings_never_an_exception()
    {
        var alphabet = Gen.Elements("menuentry ", "submenu ", "'t' ", "\"q\" ", "{", "}", "\n", ";", "linux ", "/k ", "initrd ", "$x ", "${y}", "\\", "#", "set ", "default=", "0", "timeout=", "if ", "fi", "source ", "(", ")", "module2 ", "multiboot ");
        var texts = alphabet.ArrayOf().Select(parts => string.Concat(parts));
        Prop.ForAll(texts.ToArbitrary(), text =>
        {
            var result = GrubConfigParser.Parse("grub.cfg", text, _ => text);
            Assert.All(result.Entries, e => Assert.True(BootEntry.IsValidName(e.Name), e.Name));
        }).QuickCheckThrowOnFailure();
    }
}
