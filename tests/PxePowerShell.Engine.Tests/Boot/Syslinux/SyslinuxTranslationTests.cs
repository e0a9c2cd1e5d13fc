using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Boot.Syslinux;

namespace PxePowerShell.Engine.Tests.Boot.Syslinux;

/// <summary>The classic pxelinux recipes, translated label by label into boot entries.</summary>
public sealed class SyslinuxTranslationTests
{
    private static SyslinuxConversion Translate(string text, Func<string, string?>? read = null, string cwd = "", string root = "", string? prefix = null) =>
        SyslinuxTranslator.Translate(SyslinuxConfigParser.Parse("pxelinux.cfg/default", text, read), cwd, root, prefix);

    [Fact]
    public void The_classic_Debian_netboot_and_memtest_menu_becomes_Linux_and_Image_entries()
    {
        var result = Translate("""
            # Debian netboot, as the wiki shows it
            DEFAULT vesamenu.c32
            PROMPT 0
            TIMEOUT 300
            MENU TITLE PXE Boot Menu
            MENU COLOR sel 7;37;40 #e0000000 #fff0f0f0 all

            LABEL debian
              MENU LABEL ^Debian 12 installer
              MENU DEFAULT
              KERNEL debian-installer/amd64/linux
              APPEND vga=788 initrd=debian-installer/amd64/initrd.gz --- quiet
              TEXT HELP
                Installs Debian 12 (bookworm)
                over the network.
              ENDTEXT

            LABEL memtest
              MENU LABEL Memtest86+
              KERNEL memtest86+x64.bin

            LABEL local
              MENU LABEL Boot from the ^local disk
              LOCALBOOT 0
            """);

        Assert.Equal("PXE Boot Menu", result.Title);
        Assert.Equal(TimeSpan.FromSeconds(30), result.Timeout);
        Assert.Contains("settings.timeoutSeconds to 30", Assert.Single(result.Warnings).Message, StringComparison.Ordinal);
        Assert.Equal(["debian", "memtest", "local"], result.Entries.Select(e => e.Name));
        var debian = result.Entries[0];
        Assert.Equal(BootEntryKind.Linux, debian.Kind);
        Assert.Equal("Debian 12 installer", debian.Label);
        Assert.Equal("debian-installer/amd64/linux", debian.Kernel);
        Assert.Equal(["debian-installer/amd64/initrd.gz"], debian.Initrd);
        Assert.Equal("vga=788 --- quiet", debian.Arguments);
        Assert.Equal("Installs Debian 12 (bookworm)\nover the network.", debian.HelpText);
        Assert.True(debian.IsDefault);
        Assert.Equal(BootEntryKind.Image, result.Entries[1].Kind);
        Assert.Equal(BootArchitecture.Bios, result.Entries[1].Architecture);
        Assert.Equal(BootEntryKind.LocalBoot, result.Entries[2].Kind);
        Assert.Equal([0, 1, 2], result.Entries.Select(e => e.Order));
    }

    [Fact]
    public void XenServer_mboot_c32_becomes_a_multiboot_entry_with_its_modules()
    {
        var entry = Translate("""
            DEFAULT xenserver
            LABEL xenserver
              KERNEL mboot.c32
              APPEND xenserver/xen.gz dom0_max_vcpus=2 dom0_mem=1024M --- xenserver/vmlinuz console=hvc0 answerfile=http://10.0.0.1/answer.xml install --- xenserver/install.img
            """).Entries.Single();
        Assert.Equal(BootEntryKind.Multiboot, entry.Kind);
        Assert.Equal("xenserver/xen.gz", entry.Kernel);
        Assert.Equal("dom0_max_vcpus=2 dom0_mem=1024M", entry.Arguments);
        Assert.Equal([new MultibootModule("xenserver/vmlinuz", "console=hvc0 answerfile=http://10.0.0.1/answer.xml install"), new MultibootModule("xenserver/install.img")], entry.Modules);
        Assert.True(entry.IsDefault);
    }

    [Fact]
    public void Paths_resolve_like_syslinux_relative_to_the_working_directory_and_absolute_from_the_root()
    {
        var entries = Translate("""
            APPEND boot=live
            LABEL live
              LINUX /live/vmlinuz
              INITRD /live/initrd.img,../extra.img
            LABEL rescue
              KERNEL vmlinuz-rescue
              APPEND -
            LABEL tftp
              KERNEL ::boot/vmlinuz
            """, cwd: "arch/isolinux", root: "arch", prefix: "arch").Entries;
        Assert.Equal("arch/live/vmlinuz", entries[0].Kernel);
        Assert.Equal(["arch/live/initrd.img", "arch/extra.img"], entries[0].Initrd);
        Assert.Equal("boot=live", entries[0].Arguments); // the global APPEND
        Assert.Equal("arch-live", entries[0].Name);
        Assert.Equal("arch/isolinux/vmlinuz-rescue", entries[1].Kernel);
        Assert.Null(entries[1].Arguments); // APPEND - clears the global one
        Assert.Equal("arch/boot/vmlinuz", entries[2].Kernel);
    }

    [Fact]
    public void Includes_submenus_chainloads_and_what_cannot_be_translated_are_reported_by_file_and_line()
    {
        var files = new Dictionary<string, string>
        {
            ["menus/tools.cfg"] = """
                MENU BEGIN Tools
                LABEL hdt
                  COM32 hdt.c32
                LABEL ipxe
                  KERNEL ipxe.0
                LABEL disk
                  COM32 chain.c32
                  APPEND hd0 1
                MENU END
                INCLUDE menus/tools.cfg
                """,
        };
        var result = Translate("""
            UI menu.c32
            INCLUDE menus/tools.cfg
            INCLUDE menus/missing.cfg
            LABEL fd
              KERNEL memdisk
              APPEND initrd=freedos.img
            LABEL secret
              MENU PASSWD $4$abc
              KERNEL vmlinuz
              IPAPPEND 2
            FROBNICATE yes
            """, f => files.GetValueOrDefault(f));

        Assert.Equal(["ipxe", "disk", "secret"], result.Entries.Select(e => e.Name));
        Assert.Equal("Tools / ipxe", result.Entries[0].Label);
        Assert.Equal(BootEntryKind.Chainload, result.Entries[0].Kind);
        Assert.Equal("ipxe.0", result.Entries[0].ChainTarget);
        Assert.Equal(BootEntryKind.LocalBoot, result.Entries[1].Kind);
        string text = string.Join("\n", result.Warnings);
        Assert.Contains("menus/tools.cfg:2: LABEL hdt: the COM32 module hdt.c32", text, StringComparison.Ordinal);
        Assert.Contains("menus/tools.cfg:10: INCLUDE menus/tools.cfg is nested too deep or includes itself; not followed", text, StringComparison.Ordinal);
        Assert.Contains("pxelinux.cfg/default:3: INCLUDE menus/missing.cfg: the file does not exist", text, StringComparison.Ordinal);
        Assert.Contains("pxelinux.cfg/default:4: LABEL fd: memdisk", text, StringComparison.Ordinal);
        Assert.Contains("pxelinux.cfg/default:8: MENU PASSWD is not translated", text, StringComparison.Ordinal);
        Assert.Contains("pxelinux.cfg/default:10: IPAPPEND", text, StringComparison.Ordinal);
        Assert.Contains("pxelinux.cfg/default:11: 'FROBNICATE' is not a directive", text, StringComparison.Ordinal);
        Assert.Equal(["pxelinux.cfg/default", "menus/tools.cfg"], result.Files);
    }

    [Fact]
    public void Label_names_become_valid_unique_entry_names_and_only_one_entry_is_default()
    {
        var entries = Translate("""
            DEFAULT Ubuntu 24.04
            LABEL Ubuntu 24.04
              KERNEL a
            LABEL Ubuntu_24.04
              KERNEL b
            LABEL Ubuntu 24.04
              KERNEL c
            LABEL ---
              KERNEL d
            """).Entries;
        Assert.Equal(["Ubuntu-24.04", "Ubuntu_24.04", "Ubuntu-24.04-2", "entry"], entries.Select(e => e.Name));
        Assert.All(entries, e => Assert.True(BootEntry.IsValidName(e.Name), e.Name));
        Assert.Equal(["Ubuntu-24.04"], entries.Where(e => e.IsDefault).Select(e => e.Name));
    }

    [Fact]
    public void Endless_or_huge_input_is_bounded()
    {
        var loop = Translate("INCLUDE a.cfg", f => "LABEL x\n KERNEL k\nINCLUDE b.cfg\n".Replace("b.cfg", f == "a.cfg" ? "b.cfg" : "a.cfg", StringComparison.Ordinal));
        Assert.True(loop.Entries.Count <= SyslinuxConfigParser.MaxIncludeDepth + 1);
        Assert.Contains(loop.Warnings, w => w.Message.Contains("includes itself", StringComparison.Ordinal));

        string huge = string.Concat(Enumerable.Repeat("LABEL x\n KERNEL k\n", SyslinuxConfigParser.MaxLines));
        var bounded = Translate(huge);
        Assert.Contains(bounded.Warnings, w => w.Message.Contains("longer than", StringComparison.Ordinal));
        Assert.True(bounded.Entries.Count <= SyslinuxConfigParser.MaxLines / 2);
    }
}
