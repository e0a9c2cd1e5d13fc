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

        var fromDhcpServer = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationParameters.Dhcp6Reservations("Reservation", new[] { row }));
        var fromPxeServer = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationParameters.Apply(new PxeServerConfiguration(), new Hashtable { ["Dhcp6Reservation"] = new[] { row } }));
        var fromFile = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationValues.FromValues(new Hashtable { ["Dhcp6Reservations"] = new[] { row } }));

        Assert.Contains("'Colour' is not a reservation field", fromDhcpServer.Message, StringComparison.Ordinal);
        Assert.All(new[] { fromPxeServer, fromFile }, e => Assert.Equal(fromDhcpServer.ErrorId, e.ErrorId));
        Assert.Equal("Reservation", fromDhcpServer.Key);
        Assert.Equal(PxeErrorIds.IPv6AddressRequired, Assert.Throws<PxeConfigurationException>(() => PxeConfigurationParameters.Dhcp6Reservations("Reservation", new[] { new Hashtable { ["IPAddress"] = "10.0.0.5", ["Duid"] = "000300015254" } })).ErrorId);

        // Blank optional columns (an Import-Csv row with both Duid and MacAddress) are not given; a reservation object passes.
        var blank = new Hashtable { ["IPAddress"] = "fd00::5", ["Duid"] = "00-03-00-01-52-54-00-12-34-56", ["MacAddress"] = string.Empty, ["Name"] = string.Empty };
        var reservation = Assert.Single(PxeConfigurationParameters.Dhcp6Reservations("Reservation", new[] { blank }));
        Assert.Null(reservation.Name);
        Assert.Same(reservation, Assert.Single(PxeConfigurationParameters.Dhcp6Reservations("Reservation", new object[] { reservation })));
        Assert.Empty(PxeConfigurationParameters.Dhcp6Reservations("Reservation", null));
    }

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
