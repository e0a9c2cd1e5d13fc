using System.Net;
using PxePowerShell.Engine.Boot;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Configuration.Dnsmasq;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Tests.Configuration.Dnsmasq;

/// <summary>The classic dnsmasq PXE recipes and Debian's default dnsmasq.conf, translated; every untranslated line is a warning.</summary>
public sealed class DnsmasqImportTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("pxe-dnsmasq-").FullName;

    private DnsmasqConversion Import(string text, string name = "dnsmasq.conf")
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return DnsmasqImporter.Import(path);
    }

    [Fact]
    public void Proxy_beside_a_router_with_pxe_services_and_a_prompt()
    {
        var result = Import("""
            # proxyDHCP beside the home router (the classic recipe)
            port=0
            log-dhcp
            interface=eth0
            dhcp-range=192.168.1.0,proxy
            pxe-prompt="Press F8 for the boot menu", 5
            pxe-service=x86PC,"Network Boot",pxelinux
            pxe-service=X86-64_EFI,"Network Boot",efi64/syslinux.efi
            pxe-service=x86PC,"Boot from local disk"
            dhcp-option=vendor:PXEClient,6,2b
            enable-tftp
            tftp-root=/srv/tftp
            tftp-secure
            """);
        var c = result.Configuration;
        Assert.Equal(DhcpMode.ProxyDhcp, c.DhcpMode);
        Assert.Equal(["eth0"], c.Interfaces);
        Assert.Equal("Press F8 for the boot menu", c.Prompt);
        Assert.Equal(5, c.PromptTimeout);
        var item = Assert.Single(c.Menu);
        Assert.Equal("Network Boot", item.Label);
        Assert.Equal("pxelinux.0", item.BootFiles![ClientArchitecture.Bios]);
        Assert.Equal("efi64/syslinux.efi", item.BootFiles[ClientArchitecture.EfiX64]);
        Assert.True(c.Tftp);
        Assert.Equal("/srv/tftp", c.Root);
        Assert.Contains(result.Warnings, w => w.Line == 9 && w.Reason.Contains("LocalBoot", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Line == 10 && w.Reason.Contains("not needed", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Line == 13 && w.Text == "tftp-secure");
        Assert.Contains(result.Warnings, w => w.Line == 2 && w.Reason.Contains("no DNS", StringComparison.Ordinal));
        Assert.Contains(result.Warnings, w => w.Line == 3 && w.Text == "log-dhcp");
    }

    [Fact]
    public void Full_range_with_dhcp_boot_options_and_reservations()
    {
        var result = Import("""
            interface=lab0
            dhcp-range=10.10.0.100,10.10.0.199,255.255.255.0,12h
            dhcp-option=option:router,10.10.0.1
            dhcp-option=6,10.10.0.1,9.9.9.9
            dhcp-option=15,lab.example
            dhcp-boot=pxelinux.0,pxeserver,10.10.0.2
            dhcp-host=52:54:00:12:34:56,10.10.0.20,printer
            dhcp-host=52:54:00:12:34:57,52:54:00:12:34:58,10.10.0.21
            dhcp-no-override
            enable-tftp
            tftp-root=/srv/tftp
            tftp-max=200
            """);
        var c = result.Configuration;
        Assert.Equal(DhcpMode.Dhcp, c.DhcpMode);
        Assert.Equal(IPAddress.Parse("10.10.0.100"), c.RangeStart);
        Assert.Equal(IPAddress.Parse("10.10.0.199"), c.RangeEnd);
        Assert.Equal(IPAddress.Parse("255.255.255.0"), c.SubnetMask);
        Assert.Equal(TimeSpan.FromHours(12), c.LeaseDuration);
        Assert.Equal([IPAddress.Parse("10.10.0.1")], c.Router);
        Assert.Equal(2, c.DnsServers.Count);
        Assert.Equal("lab.example", c.DomainName);
        Assert.Equal("pxelinux.0", c.BootFiles[ClientArchitecture.Bios]);
        Assert.Equal(IPAddress.Parse("10.10.0.2"), c.TftpServer);
        Assert.Equal(2, c.Reservations.Count);
        Assert.Equal("printer", c.Reservations[0].Name);
        Assert.Contains(result.Warnings, w => w.Line == 8 && w.Reason.Contains("only the first MAC", StringComparison.Ordinal));
        Assert.True(c.NoOverride);
        Assert.Equal(200, c.TftpMaxSessions);
    }

    [Fact]
    public void Tags_per_architecture_and_iPXE_chainloading_without_loops()
    {
        var result = Import("""
            dhcp-range=192.168.2.0,proxy
            dhcp-boot=tag:bios,undionly.kpxe
            dhcp-boot=tag:efi64,ipxe.efi
            dhcp-boot=tag:efi64-bc,ipxe.efi
            dhcp-boot=tag:arm64,grubaa64.efi
            dhcp-boot=tag:ipxe,http://192.168.2.5/boot.ipxe
            dhcp-match=set:bios,option:client-arch,0
            dhcp-match=set:efi64,option:client-arch,9
            dhcp-match=set:efi64-bc,option:client-arch,7
            dhcp-match=set:arm64,93,11
            dhcp-userclass=set:ipxe,iPXE
            dhcp-match=set:weird,option:vendor-class,foo
            enable-tftp
            tftp-root=/srv/tftp
            """);
        var c = result.Configuration;
        Assert.Equal("undionly.kpxe", c.BootFiles[ClientArchitecture.Bios]);
        Assert.Equal("ipxe.efi", c.BootFiles[ClientArchitecture.EfiX64]);
        Assert.Equal("ipxe.efi", c.BootFiles[ClientArchitecture.EfiBC]);
        Assert.Equal("grubaa64.efi", c.BootFiles[ClientArchitecture.EfiArm64]);
        Assert.Equal("http://192.168.2.5/boot.ipxe", c.IpxeScript);
        Assert.Contains(result.Warnings, w => w.Line == 12 && w.Reason.Contains("'weird'", StringComparison.Ordinal));
    }

    [Fact]
    public void Includes_are_followed_and_loops_refused()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "dnsmasq.d"));
        File.WriteAllText(Path.Combine(_dir, "dnsmasq.d", "pxe.conf"), "enable-tftp\ntftp-root=/srv/tftp\n");
        File.WriteAllText(Path.Combine(_dir, "dnsmasq.d", "skip.dpkg-dist"), "tftp-root=/wrong\n");
        File.WriteAllText(Path.Combine(_dir, "extra.conf"), "dhcp-range=10.1.0.0,proxy\nconf-file=" + Path.Combine(_dir, "main.conf") + "\n");
        var result = Import($"conf-dir={Path.Combine(_dir, "dnsmasq.d")},.dpkg-dist\nconf-file=extra.conf\n", "main.conf");
        Assert.Equal("/srv/tftp", result.Configuration.Root);
        Assert.Equal(DhcpMode.ProxyDhcp, result.Configuration.DhcpMode);
        Assert.Equal(3, result.Files.Count);
        Assert.Contains(result.Warnings, w => w.Reason.Contains("include loop", StringComparison.Ordinal));
    }

    [Fact]
    public void Debians_default_dnsmasq_conf_translates_to_nothing_with_clear_warnings()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Configuration", "Dnsmasq", "debian-dnsmasq.conf");
        var result = DnsmasqImporter.Import(path);
        Assert.Equal(DhcpMode.None, result.Configuration.DhcpMode);
        Assert.False(result.Configuration.Tftp);
        Assert.Equal(2, result.Warnings.Count);
        Assert.All(result.Warnings, w => Assert.Equal(0, w.Line));

        // Its commented PXE examples, switched on, are all translated or explained.
        string text = File.ReadAllText(path)
            .Replace("#dhcp-range=192.168.0.50,192.168.0.150,12h", "dhcp-range=192.168.0.50,192.168.0.150,12h", StringComparison.Ordinal)
            .Replace("#dhcp-boot=pxelinux.0\n", "dhcp-boot=pxelinux.0\n", StringComparison.Ordinal)
            .Replace("#enable-tftp", "enable-tftp", StringComparison.Ordinal)
            .Replace("#tftp-root=/var/ftpd", "tftp-root=/var/ftpd", StringComparison.Ordinal)
            .Replace("#pxe-prompt=\"What system shall I netboot?\"", "pxe-prompt=\"What system shall I netboot?\"", StringComparison.Ordinal);
        var enabled = Import(text, "debian-enabled.conf");
        Assert.Equal(DhcpMode.Dhcp, enabled.Configuration.DhcpMode);
        Assert.Equal(IPAddress.Parse("192.168.0.150"), enabled.Configuration.RangeEnd);
        Assert.Equal("pxelinux.0", enabled.Configuration.BootFiles[ClientArchitecture.Bios]);
        Assert.Equal("/var/ftpd", enabled.Configuration.Root);
        Assert.Equal("What system shall I netboot?", enabled.Configuration.Prompt);
        Assert.True(enabled.Configuration.Tftp);
    }

    [Fact]
    public void A_pxelinux_menu_in_the_tftp_root_becomes_boot_entries_with_its_warnings()
    {
        string root = Path.Combine(_dir, "tftp");
        Directory.CreateDirectory(Path.Combine(root, "pxelinux.cfg"));
        Directory.CreateDirectory(Path.Combine(root, "menus"));
        File.WriteAllText(Path.Combine(root, "pxelinux.cfg", "default"), """
            DEFAULT menu.c32
            PROMPT 0
            INCLUDE menus/debian.cfg
            LABEL memtest
              KERNEL memtest86+x64.bin
            LABEL local
              LOCALBOOT 0
            """);
        File.WriteAllText(Path.Combine(root, "menus", "debian.cfg"), """
            LABEL install
              MENU LABEL Debian installer
              KERNEL debian-installer/amd64/linux
              APPEND vga=788 initrd=debian-installer/amd64/initrd.gz --- quiet
              IPAPPEND 2
            """);
        var result = Import($"dhcp-range=192.168.1.0,proxy\npxe-service=x86PC,\"Install\",pxelinux\nenable-tftp\ntftp-root={root}\n");

        Assert.Equal(["install", "memtest", "local"], result.BootEntries.Select(e => e.Name));
        Assert.Equal("debian-installer/amd64/linux", result.BootEntries[0].Kernel);
        Assert.Equal(["debian-installer/amd64/initrd.gz"], result.BootEntries[0].Initrd);
        Assert.Equal("vga=788 --- quiet", result.BootEntries[0].Arguments);
        Assert.Equal(BootEntryKind.Image, result.BootEntries[1].Kind);
        Assert.Equal(BootEntryKind.LocalBoot, result.BootEntries[2].Kind);
        var ipappend = Assert.Single(result.Warnings, w => w.Reason.StartsWith("IPAPPEND", StringComparison.Ordinal));
        Assert.Equal(Path.Combine(root, "menus/debian.cfg"), ipappend.File);
        Assert.Equal(5, ipappend.Line);
        Assert.Contains(result.Warnings, w => w.Reason.StartsWith("translated into 3 boot entries", StringComparison.Ordinal));
    }

    [Fact]
    public void The_result_round_trips_through_a_configuration_file()
    {
        var result = Import("dhcp-range=192.168.1.0,proxy\npxe-service=x86PC,\"Install\",pxelinux\nenable-tftp\ntftp-root=/srv/tftp\n");
        var back = PxeConfigurationFile.ParseJson(PxeConfigurationFile.ToJson(result.Configuration));
        Assert.Equal(PxeConfigurationFile.ToJson(result.Configuration), PxeConfigurationFile.ToJson(back));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
