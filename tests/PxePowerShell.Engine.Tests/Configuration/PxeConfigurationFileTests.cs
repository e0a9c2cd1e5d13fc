using System.Collections;
using System.Net;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Tests.Configuration;

public sealed class PxeConfigurationFileTests
{
    private static readonly PxeServerConfiguration Full = new()
    {
        Name = "lab",
        Root = "/srv/tftp",
        DhcpMode = DhcpMode.Dhcp,
        Interfaces = ["eth0", "eth1"],
        RangeStart = IPAddress.Parse("10.10.0.100"),
        RangeEnd = IPAddress.Parse("10.10.0.199"),
        SubnetMask = IPAddress.Parse("255.255.255.0"),
        Router = [IPAddress.Parse("10.10.0.1")],
        DnsServers = [IPAddress.Parse("10.10.0.1"), IPAddress.Parse("9.9.9.9")],
        DomainName = "lab.example",
        LeaseDuration = TimeSpan.FromHours(2),
        Reservations =
        [
            new DhcpReservation(IPAddress.Parse("10.10.0.20"), "52-54-00-12-34-56", "it's mine"),
            new DhcpReservation(IPAddress.Parse("10.10.0.21"), "52-54-00-12-34-57", null, TimeSpan.FromMinutes(45)),
        ],
        BootFiles = new Dictionary<ClientArchitecture, string> { [ClientArchitecture.Bios] = "undionly.kpxe", [ClientArchitecture.EfiX64] = "ipxe.efi" },
        IpxeScript = "menu.ipxe",
        Menu = [new PxeMenuEntry("Install"), new PxeMenuEntry("Rescue", new Dictionary<ClientArchitecture, string> { [ClientArchitecture.Bios] = "rescue.0" })],
        Prompt = "Press F8",
        PromptTimeout = 10,
        NoOverride = true,
        TftpPort = 6969,
        TftpMaxSessions = 50,
        Http = true,
        HttpPort = 8080,
        HttpMaxConnectionsPerAddress = 16,
        HttpIgnoreCase = true,
        BootMenu = false,
        Mounts = [new IsoMountConfiguration("/isos/arch.iso", "arch"), new IsoMountConfiguration("/isos/rescue.iso", "rescue") { Servers = ["lab", "tftp2"] }],
        DataDirectory = "/var/lib/pxe",
    };

    [Fact]
    public void Json_round_trips_every_setting()
    {
        string json = PxeConfigurationFile.ToJson(Full);
        var back = PxeConfigurationFile.ParseJson(json);
        AssertSame(Full, back);
    }

    [Fact]
    public void Only_settings_that_differ_from_the_defaults_are_written()
    {
        string json = PxeConfigurationFile.ToJson(new PxeServerConfiguration { Root = "/srv/tftp" });
        Assert.Contains("\"Root\": \"/srv/tftp\"", json, StringComparison.Ordinal);
        Assert.Contains("\"DhcpMode\": \"ProxyDhcp\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("TftpPort", json, StringComparison.Ordinal);
        Assert.DoesNotContain("LeaseDuration", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_psd1_text_quotes_every_kind_of_single_quote()
    {
        string text = PxeConfigurationFile.ToPowerShellDataFile(Full with { Prompt = "it's ‘quoted’" });
        Assert.Contains("Prompt = 'it''s ‘‘quoted’’'", text, StringComparison.Ordinal);
        Assert.Contains("Http = $true", text, StringComparison.Ordinal);
        Assert.Contains("Bios = 'undionly.kpxe'", text, StringComparison.Ordinal);
        Assert.Contains("Servers = @(", text, StringComparison.Ordinal);
        Assert.Contains("'tftp2'", text, StringComparison.Ordinal);
        Assert.StartsWith("# PxePowerShell server configuration", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_accept_the_parameter_spellings_and_psd1_shapes()
    {
        var values = new Hashtable
        {
            ["root"] = "tftpboot",
            ["Interface"] = "br0",
            ["Range"] = new object[] { "192.168.5.10", "192.168.5.20" },
            ["DhcpMode"] = "dhcp",
            ["BootFile"] = new Hashtable { ["bios"] = "pxelinux.0", ["7"] = "syslinux.efi" },
            ["LeaseTime"] = 3600,
            ["Http"] = true,
            ["Menu"] = new object[] { "Network Boot", new Hashtable { ["Label"] = "Memtest", ["Bios"] = "memtest.0" } },
            ["Mounts"] = new object[] { new Hashtable { ["Path"] = "isos/arch.iso", ["MountPoint"] = "arch" }, new Hashtable { ["Path"] = "/isos/sr.iso", ["MountPoint"] = "sr", ["Server"] = "lab" } },
        };
        var c = PxeConfigurationValues.FromValues(values, "/etc/pxe");
        Assert.Equal("/etc/pxe/tftpboot", c.Root);
        Assert.Equal(["br0"], c.Interfaces);
        Assert.Equal(IPAddress.Parse("192.168.5.10"), c.RangeStart);
        Assert.Equal(DhcpMode.Dhcp, c.DhcpMode);
        Assert.Equal("syslinux.efi", c.BootFiles[ClientArchitecture.EfiBC]);
        Assert.Equal(TimeSpan.FromHours(1), c.LeaseDuration);
        Assert.Equal("Memtest", c.Menu[1].Label);
        Assert.Equal("memtest.0", c.Menu[1].BootFiles![ClientArchitecture.Bios]);
        Assert.Equal("/etc/pxe/isos/arch.iso", c.Mounts[0].Path);
        Assert.Empty(c.Mounts[0].Servers);
        Assert.Equal(["lab"], c.Mounts[1].Servers);
    }

    [Theory]
    [InlineData("{ \"Roots\": \"/srv\" }", "Roots", "is not a setting")]
    [InlineData("{ \"RangeStart\": \"10.0.0.300\" }", "RangeStart", "not an IPv4 address")]
    [InlineData("{ \"BootFiles\": { \"Amiga\": \"x\" } }", "BootFiles", "not a client architecture")]
    [InlineData("{ \"TftpPort\": 70000 }", "TftpPort", "from 0 to 65535")]
    [InlineData("{ \"Http\": \"yes\" }", "Http", "$true or $false")]
    [InlineData("{ \"DhcpMode\": \"Both\" }", "DhcpMode", "ProxyDhcp, Dhcp, None")]
    [InlineData("{ \"Range\": [\"10.0.0.1\"] }", "Range", "two addresses")]
    [InlineData("{ \"Reservations\": [ { \"IPAddress\": \"10.0.0.5\", \"MacAddress\": \"zz\" } ] }", "Reservations", "not a MAC address")]
    [InlineData("{ \"Menu\": [ { \"Bios\": \"x.0\" } ] }", "Menu", "needs a Label")]
    [InlineData("{ \"Mounts\": [ { \"Path\": \"a.iso\", \"MountPoint\": \"a\", \"Servers\": [\"\"] } ] }", "Mounts.Servers", "Mounts.Servers must be a non-empty text value")]
    [InlineData("[1, 2]", "", "one object")]
    [InlineData("{ \"Root\": ", "", "not valid JSON")]
    public void Bad_files_give_an_error_naming_the_setting(string json, string key, string message)
    {
        var ex = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationFile.ParseJson(json));
        Assert.Equal(key, ex.Key);
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_file_resolves_relative_paths_against_its_folder()
    {
        string dir = Directory.CreateTempSubdirectory("pxe-config-").FullName;
        try
        {
            string path = Path.Combine(dir, "pxe.json");
            File.WriteAllText(path, "// comments are allowed\n{ \"Root\": \"tftpboot\", \"Http\": true, }\n");
            var c = PxeConfigurationFile.ReadJson(path);
            Assert.Equal(Path.Combine(dir, "tftpboot"), c.Root);
            Assert.True(c.Http);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    internal static void AssertSame(PxeServerConfiguration expected, PxeServerConfiguration actual)
    {
        Assert.Equal(PxeConfigurationFile.ToJson(expected), PxeConfigurationFile.ToJson(actual));
        Assert.Equal(expected.Reservations, actual.Reservations);
        Assert.Equal(expected.BootFiles.OrderBy(f => f.Key), actual.BootFiles.OrderBy(f => f.Key));
        Assert.Equal(expected.Menu.Select(m => m.Label), actual.Menu.Select(m => m.Label));
        Assert.Equal(expected.Mounts, actual.Mounts);
        Assert.Equal(expected.LeaseDuration, actual.LeaseDuration);
        Assert.Equal(expected.Http, actual.Http);
        Assert.Equal(expected.BootMenu, actual.BootMenu);
    }
}
