using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Boot.Syslinux;

namespace PxePowerShell.Engine.Tests.Boot.Syslinux;

/// <summary>What real menus need beyond the classic recipes: tftp-root paths, submenus, TIMEOUT 0, CONFIG lines, variables.</summary>
public sealed class SyslinuxMigrationTests
{
    private static SyslinuxConversion Translate(string text, Func<string, string?>? read = null, string? rootDirectory = null) =>
        SyslinuxTranslator.Translate(SyslinuxConfigParser.Parse("pxelinux.cfg/default", text, read), string.Empty, string.Empty, rootDirectory: rootDirectory);

    [Fact]
    public void A_mboot_entry_written_with_tftp_root_paths_gets_root_relative_files()
    {
        var entry = Translate("""
            LABEL xen
              KERNEL /tftpboot/mboot.c32
              APPEND /tftpboot/xenserver/xen.gz dom0_mem=1024M --- /tftpboot/xenserver/vmlinuz console=hvc0 --- ::/tftpboot/xenserver/install.img
            LABEL other
              KERNEL /srv/vmlinuz
              INITRD /tftpboot/initrd.img
            """, rootDirectory: "/tftpboot").Entries;
        Assert.Equal("xenserver/xen.gz", entry[0].Kernel);
        Assert.Equal(["xenserver/vmlinuz", "xenserver/install.img"], entry[0].Modules.Select(m => m.Path));
        Assert.Equal("srv/vmlinuz", entry[1].Kernel); // not under the root: from the root, as dnsmasq strips the '/'
        Assert.Equal(["initrd.img"], entry[1].Initrd);
    }

    [Fact]
    public void FromDirectory_reduces_paths_that_name_the_tree_by_its_own_absolute_directory()
    {
        using var tree = new PxePowerShell.Engine.Tests.Boot.TempDirectory();
        string root = tree.Path;
        Directory.CreateDirectory(Path.Combine(root, "pxelinux.cfg"));
        File.WriteAllText(Path.Combine(root, "pxelinux.cfg", "common.cfg"), $"LABEL inc\n  KERNEL {root}/inc/vmlinuz\n");
        File.WriteAllText(Path.Combine(root, "pxelinux.cfg", "default"), $"""
            INCLUDE {root}/pxelinux.cfg/common.cfg
            LABEL xen
              KERNEL mboot.c32
              APPEND {root}/xenserver/xen.gz --- {root}/xenserver/vmlinuz
            """);
        var result = SyslinuxImporter.FromDirectory(Path.Combine(root, "pxelinux.cfg", "default"));
        Assert.DoesNotContain(result.Warnings, w => w.Message.Contains("INCLUDE", StringComparison.Ordinal));
        Assert.Equal(["inc/vmlinuz", "xenserver/xen.gz"], result.Entries.Select(e => e.Kernel));
        Assert.Equal("xenserver/vmlinuz", result.Entries[1].Modules.Single().Path);
    }

    [Fact]
    public void A_submenus_MENU_DEFAULT_is_not_the_menus_default_and_TIMEOUT_0_waits_for_ever()
    {
        var result = Translate("""
            path debian-installer/amd64/boot-screens/
            default debian-installer/amd64/boot-screens/vesamenu.c32
            prompt 0
            timeout 0
            menu begin dark
              label installdark
                menu label ^Install
                menu default
                kernel debian-installer/amd64/linux
              label mainmenu
                menu label ^Back..
                menu exit
            menu end
            label install
              menu label ^Install
              kernel debian-installer/amd64/linux
            """);
        Assert.Equal(TimeSpan.Zero, result.Timeout);
        Assert.Contains(result.Warnings, w => w.Line == 4 && w.Message.StartsWith("the menu waits for ever", StringComparison.Ordinal));
        Assert.Equal(["installdark", "install"], result.Entries.Select(e => e.Name));
        Assert.DoesNotContain(result.Entries, e => e.IsDefault); // DEFAULT is the menu module: no label is the default
        Assert.DoesNotContain(result.Warnings, w => w.Message.Contains("mainmenu", StringComparison.Ordinal));

        var topLevel = Translate("TIMEOUT 50\nLABEL a\n KERNEL a\nMENU BEGIN s\n TIMEOUT 7\n LABEL b\n  MENU DEFAULT\n  KERNEL b\nMENU END\nLABEL c\n MENU DEFAULT\n KERNEL c\n");
        Assert.Equal(["c"], topLevel.Entries.Where(e => e.IsDefault).Select(e => e.Name));
        Assert.Equal(TimeSpan.FromSeconds(5), topLevel.Timeout);
        Assert.Null(Translate("LABEL a\n KERNEL a\n").Timeout);
    }

    [Fact]
    public void CONFIG_entries_are_for_pxelinux_only_and_not_rendered_into_iPXE_or_GRUB_menus()
    {
        var entry = Translate("LABEL help\n  MENU LABEL ^Help\n  CONFIG debian-installer/amd64/boot-screens/prompt.cfg\n").Entries.Single();
        Assert.Equal(BootEntryKind.ConfigInclude, entry.Kind);
        Assert.Equal(BootLoader.Pxelinux, entry.Loader);
        var configuration = BootConfiguration.Create([entry with { Name = "help" }, new BootEntry { Name = "linux", Kernel = "linux" }]);
        foreach (var format in new[] { BootMenuFormat.Ipxe, BootMenuFormat.Grub })
        {
            var menu = BootMenu.Select(configuration, format, BootArchitecture.EfiX64);
            Assert.Equal(["linux"], menu.Entries.Select(e => e.Name));
        }
    }

    [Fact]
    public void The_pxeserver_variable_becomes_the_server_placeholder_and_other_variables_are_reported()
    {
        var result = Translate("""
            LABEL arch64_http
              LINUX ::/arch/boot/x86_64/vmlinuz-linux
              INITRD ::/arch/boot/x86_64/initramfs-linux.img
              APPEND archisobasedir=arch archiso_http_srv=http://${pxeserver}/ cms_verify=y
            LABEL live
              LINUX live/vmlinuz
              APPEND boot=live findiso=${iso_path} components
            """);
        var arch = result.Entries.Single();
        Assert.Equal("archisobasedir=arch archiso_http_srv=http://{server}/ cms_verify=y", arch.Arguments);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal(5, warning.Line);
        Assert.Contains("${iso_path}", warning.Message, StringComparison.Ordinal);
        Assert.Empty(BootEntryValidator.CheckShape(arch with { Name = "arch" }));
    }

    [Fact]
    public void Debians_real_netboot_menu_keeps_its_default_its_endless_wait_and_its_help_screens_for_pxelinux()
    {
        string menu = Path.Combine(Grub.GrubConfigTests.DebianNetboot, "pxelinux.cfg", "default");
        Assert.True(File.Exists(menu), $"{menu} is missing: apt-get install debian-installer-12-netboot-amd64");
        var result = SyslinuxImporter.FromDirectory(menu);
        Assert.Equal(TimeSpan.Zero, result.Timeout);
        Assert.DoesNotContain(result.Entries, e => e.IsDefault); // installdark is the dark submenu's default, not the menu's
        Assert.DoesNotContain(result.Entries, e => e.Name.StartsWith("mainmenu", StringComparison.Ordinal));
        var install = result.Entries.First(e => e.Name == "install");
        Assert.Equal("debian-installer/amd64/linux", install.Kernel);
        Assert.Equal(["debian-installer/amd64/initrd.gz"], install.Initrd);
        var help = result.Entries.Where(e => e.Kind == BootEntryKind.ConfigInclude).ToList();
        Assert.NotEmpty(help);
        Assert.All(help, e => Assert.Equal(BootLoader.Pxelinux, e.Loader));
        var configuration = BootConfiguration.Create(result.Entries);
        Assert.DoesNotContain(BootMenu.Select(configuration, BootMenuFormat.Grub, BootArchitecture.EfiX64).Entries, e => e.Kind == BootEntryKind.ConfigInclude);
        Assert.Contains(BootMenu.Select(configuration, BootMenuFormat.Pxelinux, BootArchitecture.Bios).Entries, e => e.Kind == BootEntryKind.ConfigInclude);
    }
}
