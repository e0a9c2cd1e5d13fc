using System.Collections;
using System.Net;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Tests.Configuration;

/// <summary>The one parser of settings as the cmdlets use it: parameters laid over a file over the defaults.</summary>
public sealed class PxeConfigurationParametersTests
{
    private static readonly PxeServerConfiguration File = PxeConfigurationValues.FromValues(new Hashtable
    {
        ["Root"] = "/srv/file",
        ["HttpPort"] = 8080,
        ["NoOverride"] = true,
        ["BootFiles"] = new Hashtable { ["Bios"] = "file.0" },
        ["PromptTimeout"] = 7,
    });

    [Fact]
    public void A_parameter_wins_over_the_file_and_the_file_over_the_default()
    {
        var c = PxeConfigurationParameters.Apply(File, new Hashtable
        {
            ["HttpPort"] = 8081,
            ["BootFile"] = new Hashtable { ["EfiX64"] = "param.efi" },
            ["Port"] = 1067,
            ["MaxSessions"] = 9,
            ["PromptTimeout"] = TimeSpan.FromSeconds(12),
        });

        Assert.Equal(8081, c.HttpPort);
        Assert.Equal("param.efi", Assert.Single(c.BootFiles).Value);
        Assert.Equal(1067, c.DhcpPort);
        Assert.Equal(9, c.TftpMaxSessions);
        Assert.Equal(12, c.PromptTimeout);
        Assert.Equal("/srv/file", c.Root);
        Assert.True(c.NoOverride);
        Assert.Equal(69, c.TftpPort);
        Assert.Equal(DhcpMode.ProxyDhcp, c.DhcpMode);
    }

    [Fact]
    public void Switches_set_the_mode_the_menu_and_secure_boot()
    {
        var c = PxeConfigurationParameters.Apply(File, new Hashtable { ["NoDhcp"] = true, ["NoBootMenu"] = true, ["SecureBootPath"] = "/srv/shim", ["NoOverride"] = false });

        Assert.Equal(DhcpMode.None, c.DhcpMode);
        Assert.False(c.BootMenu);
        Assert.True(c.SecureBoot);
        Assert.False(c.NoOverride);
        Assert.False(PxeConfigurationParameters.Apply(File, new Hashtable { ["SecureBootPath"] = "/srv/shim", ["SecureBoot"] = false }).SecureBoot);
        Assert.Equal(DhcpMode.Dhcp, PxeConfigurationParameters.Apply(File, new Hashtable { ["Dhcp"] = true, ["Range"] = new[] { "10.0.0.10", "10.0.0.20" } }).DhcpMode);
    }

    [Theory]
    [InlineData("BootFile", "UnknownArchitecture")]
    [InlineData("Reservation", "InvalidParameter")]
    [InlineData("ReservationMac", "InvalidMacAddress")]
    [InlineData("ReservationIPv6", "IPv4AddressRequired")]
    [InlineData("TftpServer", "IPv4AddressRequired")]
    [InlineData("Address", "IPv4AddressRequired")]
    [InlineData("PromptTicks", "InvalidParameter")]
    [InlineData("ConflictCheckTimeout", "InvalidParameter")]
    [InlineData("Menu", "InvalidParameter")]
    public void A_bad_value_has_one_error_id_whichever_way_it_came(string what, string errorId)
    {
        (string key, object value) = what switch
        {
            "BootFile" => ("BootFile", (object)new Hashtable { ["Pdp11"] = "x" }),
            "Reservation" => ("Reservation", new[] { new Hashtable { ["IPAddress"] = "10.0.0.5" } }),
            "ReservationMac" => ("Reservation", new[] { new Hashtable { ["IPAddress"] = "10.0.0.5", ["ClientId"] = "zz" } }),
            "ReservationIPv6" => ("Reservation", new[] { new Hashtable { ["IPAddress"] = "fd00::5", ["ClientId"] = "52-54-00-12-34-56" } }),
            "TftpServer" => ("TftpServer", IPAddress.IPv6Loopback),
            "Address" => ("Address", new[] { IPAddress.IPv6Loopback }),
            "PromptTicks" => ("PromptTimeout", TimeSpan.FromTicks(10)),
            "ConflictCheckTimeout" => ("ConflictCheckTimeout", TimeSpan.FromMinutes(11)),
            _ => ("Menu", new object[] { 42 }),
        };

        var fromParameter = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationParameters.Apply(new PxeServerConfiguration(), new Hashtable { [key] = value }));
        Assert.Equal(errorId, fromParameter.ErrorId);
        Assert.Equal(PxeErrorCategory.InvalidArgument, fromParameter.Category);
        Assert.StartsWith(key, fromParameter.Key, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_reservation_fields_are_refused_from_parameters_as_from_files()
    {
        var row = new Hashtable { ["IPAddress"] = "10.0.0.5", ["ClientId"] = "52-54-00-12-34-56", ["Colour"] = "blue" };

        var fromParameter = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationParameters.Apply(new PxeServerConfiguration(), new Hashtable { ["Reservation"] = new[] { row } }));
        var fromFile = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationValues.FromValues(new Hashtable { ["Reservations"] = new[] { row } }));

        Assert.Contains("'Colour' is not a reservation field", fromParameter.Message, StringComparison.Ordinal);
        Assert.Equal(fromFile.ErrorId, fromParameter.ErrorId);
        Assert.Equal("Reservation", fromParameter.Key);
        Assert.Equal("Reservations", fromFile.Key);
    }

    [Fact]
    public void Dhcp6_reservations_have_one_parser_for_both_cmdlets_and_files()
    {
        var row = new Hashtable { ["IPAddress"] = "fd00::5", ["Duid"] = "00-03-00-01-52-54-00-12-34-56", ["Colour"] = "blue" };

        var fromDhcpServer = Assert.Throws<PxeConfigurationException>(() => Dhcp6Server(new Hashtable { ["Reservation"] = new[] { row } }));
        var fromPxeServer = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationParameters.Apply(new PxeServerConfiguration(), new Hashtable { ["Dhcp6Reservation"] = new[] { row } }));
        var fromFile = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationValues.FromValues(new Hashtable { ["Dhcp6Reservations"] = new[] { row } }));

        Assert.Contains("'Colour' is not a reservation field", fromDhcpServer.Message, StringComparison.Ordinal);
        Assert.All(new[] { fromPxeServer, fromFile }, e => Assert.Equal(fromDhcpServer.ErrorId, e.ErrorId));
        Assert.Equal("Reservation", fromDhcpServer.Key);
        Assert.Equal(PxeErrorIds.IPv6AddressRequired, Assert.Throws<PxeConfigurationException>(() => Dhcp6Server(new Hashtable { ["Reservation"] = new[] { new Hashtable { ["IPAddress"] = "10.0.0.5", ["Duid"] = "000300015254" } } })).ErrorId);

        // Blank optional columns (an Import-Csv row with both Duid and MacAddress) are not given; a reservation object passes.
        var blank = new Hashtable { ["IPAddress"] = "fd00::5", ["Duid"] = "00-03-00-01-52-54-00-12-34-56", ["MacAddress"] = string.Empty, ["Name"] = string.Empty };
        var reservation = Assert.Single(Dhcp6Server(new Hashtable { ["Range"] = new[] { "fd00::1", "fd00::9" }, ["Reservation"] = new[] { blank } }).Dhcp6Reservations);
        Assert.Null(reservation.Name);
        Assert.Same(reservation, Assert.Single(Dhcp6Server(new Hashtable { ["Range"] = new[] { "fd00::1", "fd00::9" }, ["Reservation"] = new object[] { reservation } }).Dhcp6Reservations));
        Assert.Empty(Dhcp6Server(new Hashtable()).Dhcp6Reservations);
    }

    [Theory]
    [InlineData("Range", "10.0.0.1", "Dhcp6Range", PxeErrorIds.IPv6AddressRequired)]
    [InlineData("Range", "fd00:1::9", "Dhcp6Range", PxeErrorIds.InvalidParameter)]
    [InlineData("BootFile", "Pdp11", "BootFiles", PxeErrorIds.UnknownArchitecture)]
    [InlineData("Reservation", "Colour", "Dhcp6Reservations", PxeErrorIds.InvalidParameter)]
    [InlineData("Reservation", "10.0.0.5", "Dhcp6Reservations", PxeErrorIds.IPv6AddressRequired)]
    public void Dhcp6_parameters_of_the_dhcp_cmdlets_fail_with_the_ids_of_Start_PxeServer_and_files(string parameter, string bad, string setting, string errorId)
    {
        // The same bad value through Start-PxeDhcpServer -Dhcp6 (ApplyDhcp6), Start-PxeServer (Apply) and a file's key.
        object value = parameter switch
        {
            "Range" when bad.Contains(':', StringComparison.Ordinal) => new object[] { "fd00::1", bad },
            "Range" => new object[] { bad, "fd00::9" },
            "BootFile" => new Hashtable { [bad] = "x.efi" },
            _ when bad.Contains('.', StringComparison.Ordinal) => new[] { new Hashtable { ["IPAddress"] = bad, ["Duid"] = "000300015254" } },
            _ => new[] { new Hashtable { ["IPAddress"] = "fd00::5", ["Duid"] = "000300015254", [bad] = "blue" } },
        };
        var range = new object[] { "fd00::1", "fd00::9" };
        var parameters = parameter == "Range" ? new Hashtable { [parameter] = value } : new Hashtable { ["Range"] = range, [parameter] = value };
        var pxeServer = setting == "Dhcp6Range" ? new Hashtable { [setting] = value } : new Hashtable { ["Dhcp6Range"] = range, [setting] = value };

        var fromDhcp6 = Assert.Throws<PxeConfigurationException>(() => Dhcp6Server(parameters));
        var fromPxeServer = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationParameters.Apply(new PxeServerConfiguration(), pxeServer));

        Assert.Equal(parameter, fromDhcp6.Key.Split('.')[0]);
        Assert.Equal(errorId, fromDhcp6.ErrorId);
        Assert.Equal(errorId, fromPxeServer.ErrorId);
        if (setting != "Dhcp6Range")
        {
            Assert.Equal(errorId, Assert.Throws<PxeConfigurationException>(() => PxeConfigurationValues.FromValues(new Hashtable { [setting] = value })).ErrorId);
        }
    }

    [Theory]
    [InlineData("DnsServer")]
    [InlineData("TftpServer")]
    [InlineData("StartRange")]
    public void Dhcp6_addresses_must_be_ipv6(string parameter)
    {
        // DnsServers and TftpServer of a file and Start-PxeServer are the DHCPv4 part's; with -Dhcp6 they are DHCPv6's.
        var e = Assert.Throws<PxeConfigurationException>(() => Dhcp6Server(new Hashtable { ["Range"] = new object[] { "fd00::1", "fd00::9" }, [parameter] = IPAddress.Parse("10.0.0.53") }));
        Assert.Equal(PxeErrorIds.IPv6AddressRequired, e.ErrorId);
        Assert.Equal($"{parameter}: '10.0.0.53' is not an IPv6 address; DHCPv6 ranges and options carry only IPv6 addresses such as fd00:77::100.", e.Message);
    }

    [Theory]
    [InlineData("SubnetMask", "255.255.255.0")]
    [InlineData("Router", "10.0.0.1")]
    [InlineData("Address", "10.0.0.2")]
    [InlineData("Menu", "Boot")]
    [InlineData("PxePort", 4011)]
    [InlineData("DiscoveryControl", 3)]
    [InlineData("HaPeers", "a")]
    public void A_dhcpv4_setting_given_to_a_dhcpv6_server_is_refused_not_ignored(string parameter, object value)
    {
        var e = Assert.Throws<PxeConfigurationException>(() => Dhcp6Server(new Hashtable { ["Range"] = new object[] { "fd00::1", "fd00::9" }, [parameter] = value }));
        Assert.Equal(PxeErrorIds.InvalidParameter, e.ErrorId);
        Assert.Equal(parameter, e.Key);
        Assert.StartsWith($"{parameter} is a DHCPv4 setting that DHCPv6 does not use", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dhcp6_parameters_map_to_the_dhcpv6_server_options_Start_PxeServer_gets()
    {
        var c = Dhcp6Server(new Hashtable
        {
            ["Interface"] = new[] { "eth1" },
            ["StartRange"] = IPAddress.Parse("fd00::10"),
            ["EndRange"] = "fd00::20",
            ["Port"] = 1547,
            ["DnsServer"] = new object[] { IPAddress.Parse("fd00::53") },
            ["TftpServer"] = "fd00::69",
            ["LeaseTime"] = TimeSpan.FromHours(2),
            ["DeclineLimit"] = 5,
            ["BootFile"] = new Hashtable { ["EfiX64Http"] = "http://[fd00::1]/boot.efi" },
            ["HttpBootUrl"] = "http://[fd00::1]/",
            ["Reservation"] = new[] { new Hashtable { ["IPAddress"] = "fd00::15", ["MacAddress"] = "52-54-00-00-00-01" } },
            ["Dhcp6"] = true,
        });
        var options = c.Dhcp6ServerOptions("/leases6", null, c.BootOptions());

        Assert.True(c.Dhcp6);
        Assert.Equal(["eth1"], options.Interfaces);
        Assert.Equal(1547, options.Port);
        Assert.Equal(IPAddress.Parse("fd00::10"), options.StartRange);
        Assert.Equal(IPAddress.Parse("fd00::20"), options.EndRange);
        Assert.Equal(IPAddress.Parse("fd00::53"), Assert.Single(options.DnsServers));
        Assert.Equal(IPAddress.Parse("fd00::69"), options.Boot.TftpServer);
        Assert.Equal(TimeSpan.FromHours(2), options.LeaseDuration);
        Assert.Equal(5, options.DeclineLimit);
        Assert.Equal("http://[fd00::1]/boot.efi", Assert.Single(options.Boot.BootFiles).Value);
        Assert.Equal("http://[fd00::1]/", options.Boot.HttpBootUrl);
        Assert.Equal(IPAddress.Parse("fd00::15"), Assert.Single(options.Reservations).IPAddress);
        Assert.Equal("/leases6", options.DataDirectory);
        Assert.Empty(options.Validate());

        // Boot-only (Start-PxeProxyDhcp -Dhcp6): no range, no lease directory, the DHCPv6 port by default.
        var bootOnly = Dhcp6Server(new Hashtable { ["Dhcp6"] = true });
        var bootOptions = bootOnly.Dhcp6ServerOptions(string.Empty, null, bootOnly.BootOptions());
        Assert.Null(bootOptions.StartRange);
        Assert.Null(bootOptions.DataDirectory);
        Assert.Equal(547, bootOptions.Port);
    }

    private static PxeServerConfiguration Dhcp6Server(Hashtable parameters) => PxeConfigurationParameters.ApplyDhcp6(new PxeServerConfiguration(), parameters);

    [Fact]
    public void Blank_optional_reservation_columns_are_not_given()
    {
        var row = new Hashtable { ["IPAddress"] = "10.0.0.5", ["MacAddress"] = "52:54:00:12:34:56", ["Name"] = string.Empty, ["LeaseDuration"] = string.Empty };

        var reservation = Assert.Single(PxeConfigurationParameters.Apply(new PxeServerConfiguration(), new Hashtable { ["Reservation"] = new[] { row } }).Reservations);

        Assert.Null(reservation.Name);
        Assert.Null(reservation.LeaseDuration);
        Assert.Equal("52-54-00-12-34-56", reservation.MacAddress);
    }

    [Fact]
    public void Without_DHCP_the_interface_address_may_be_IPv6()
    {
        var c = PxeConfigurationParameters.Apply(new PxeServerConfiguration(), new Hashtable { ["NoDhcp"] = true, ["Address"] = new[] { IPAddress.IPv6Loopback } });

        Assert.Equal(IPAddress.IPv6Loopback, Assert.Single(c.Addresses));
    }

    [Fact]
    public void An_unknown_parameter_is_not_a_setting()
    {
        var ex = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationParameters.Apply(new PxeServerConfiguration(), new Hashtable { ["Colour"] = "blue" }));

        Assert.Equal(PxeErrorIds.InvalidParameter, ex.ErrorId);
    }
}
