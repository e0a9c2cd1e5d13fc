using System.Collections;
using PxePowerShell.Engine.Configuration;
using PxePowerShell.Engine.Dhcp;

namespace PxePowerShell.Engine.Tests.Configuration;

/// <summary>
/// HaPeers, HaHeartbeatDelay and HaMaxResponseDelay: keys of the configuration file (psd1 and JSON) named like the
/// parameters, laid under the parameters by the one parser and checked once, where file and parameters meet.
/// </summary>
public sealed class HighAvailabilitySettingTests
{
    private static Hashtable Node(params (string Key, object Value)[] more)
    {
        var values = new Hashtable(StringComparer.OrdinalIgnoreCase)
        {
            ["Name"] = "pxe-a",
            ["Root"] = "/srv/tftp",
            ["DhcpMode"] = "Dhcp",
            ["RangeStart"] = "10.0.5.100",
            ["RangeEnd"] = "10.0.5.200",
            ["Store"] = "Host=postgres;Database=pxe;Username=pxe",
        };
        foreach (var (key, value) in more)
        {
            if (value is null)
            {
                values.Remove(key);
            }
            else
            {
                values[key] = value;
            }
        }

        return values;
    }

    [Fact]
    public void The_file_keys_give_the_DHCP_part_its_group_and_round_trip_through_json_and_psd1()
    {
        var c = PxeConfigurationFile.ParseJson(
            """
            { "Name": "pxe-a", "Root": "/srv/tftp", "DhcpMode": "Dhcp", "RangeStart": "10.0.5.100", "RangeEnd": "10.0.5.200",
              "Store": "Host=postgres;Database=pxe", "HaPeers": ["pxe-a", "pxe-b"], "HaHeartbeatDelay": "00:00:00.5", "HaMaxResponseDelay": 2 }
            """);

        var ha = c.HighAvailability()!;
        Assert.Equal(("pxe-a", TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(2)), (ha.ServerName, ha.HeartbeatDelay, ha.MaxResponseDelay));
        Assert.Equal(["pxe-a", "pxe-b"], ha.Peers);

        string psd1 = PxeConfigurationFile.ToPowerShellDataFile(c);
        Assert.Contains("HaHeartbeatDelay = '00:00:00.5000000'", psd1, StringComparison.Ordinal);
        Assert.Contains("HaMaxResponseDelay = '00:00:02'", psd1, StringComparison.Ordinal);
        var again = PxeConfigurationFile.ParseJson(PxeConfigurationFile.ToJson(c)).HighAvailability();
        Assert.Equal((ha.ServerName, ha.HeartbeatDelay, ha.MaxResponseDelay), (again!.ServerName, again.HeartbeatDelay, again.MaxResponseDelay));
        Assert.Equal(ha.Peers, again.Peers);
    }

    [Fact]
    public void Without_the_keys_there_is_no_group_and_an_exported_file_says_nothing_about_it()
    {
        var c = PxeConfigurationValues.FromValues(Node());
        Assert.Null(c.HighAvailability());
        Assert.DoesNotContain("Ha", PxeConfigurationFile.ToJson(c), StringComparison.Ordinal);

        var defaults = PxeConfigurationValues.FromValues(Node(("HaPeers", new[] { "pxe-b", "pxe-a" }))).HighAvailability()!;
        Assert.Equal((DhcpHaOptions.DefaultHeartbeatDelay, DhcpHaOptions.DefaultMaxResponseDelay), (defaults.HeartbeatDelay, defaults.MaxResponseDelay));
    }

    [Fact]
    public void Parameters_win_over_the_file_and_are_checked_with_it_as_one()
    {
        // The file names the group without the database; -Store on the command line completes it.
        var file = PxeConfigurationValues.FromValues(Node(("Store", null!), ("HaPeers", new[] { "pxe-a", "pxe-b" }), ("HaMaxResponseDelay", "00:00:05")));
        var c = PxeConfigurationParameters.Apply(file, new Hashtable { ["Store"] = "Host=db;Database=pxe", ["HaHeartbeatDelay"] = TimeSpan.FromSeconds(2) });
        var ha = c.HighAvailability()!;
        Assert.Equal((TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)), (ha.HeartbeatDelay, ha.MaxResponseDelay));

        // -Name over the file's: the group must name that one.
        var renamed = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationParameters.Apply(c, new Hashtable { ["Name"] = "pxe-z" }));
        Assert.Equal(("HaPeers", PxeErrorIds.InvalidParameter), (renamed.Key, renamed.ErrorId));
        Assert.Contains("does not name this server 'pxe-z'", renamed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NoStore", "HaPeers", "SharedStoreRequired", "HaPeers needs Store")]
    [InlineData("HeartbeatWithoutPeers", "HaHeartbeatDelay", "InvalidParameter", "name the group's servers with HaPeers")]
    [InlineData("MaxWithoutPeers", "HaMaxResponseDelay", "InvalidParameter", "name the group's servers with HaPeers")]
    [InlineData("NotThisServer", "HaPeers", "InvalidParameter", "does not name this server 'pxe-a'")]
    [InlineData("Twice", "HaPeers", "InvalidParameter", "names a server twice")]
    [InlineData("OnlyOne", "HaPeers", "InvalidParameter", "at least two servers")]
    [InlineData("ZeroHeartbeat", "HaHeartbeatDelay", "InvalidParameter", "must be positive")]
    [InlineData("NegativeMax", "HaMaxResponseDelay", "InvalidParameter", "must be positive")]
    [InlineData("MaxNotLonger", "HaMaxResponseDelay", "InvalidParameter", "must be longer than HaHeartbeatDelay 00:00:03")]
    [InlineData("ProxyDhcp", "HaPeers", "InvalidParameter", "needs DhcpMode Dhcp")]
    public void Each_mistake_is_one_error_whether_it_came_from_a_file_or_from_parameters(string mistake, string key, string errorId, string says)
    {
        (string, object)[] peers = [("HaPeers", new[] { "pxe-a", "pxe-b" })];
        var values = mistake switch
        {
            "NoStore" => Node([.. peers, ("Store", null!)]),
            "HeartbeatWithoutPeers" => Node(("HaHeartbeatDelay", "00:00:02")),
            "MaxWithoutPeers" => Node(("HaMaxResponseDelay", TimeSpan.FromSeconds(5))),
            "NotThisServer" => Node(("HaPeers", new[] { "pxe-b", "pxe-c" })),
            "Twice" => Node(("HaPeers", new[] { "pxe-a", "PXE-A" })),
            "OnlyOne" => Node(("HaPeers", "pxe-a")),
            "ZeroHeartbeat" => Node([.. peers, ("HaHeartbeatDelay", 0)]),
            "NegativeMax" => Node([.. peers, ("HaMaxResponseDelay", "-00:00:01")]),
            "MaxNotLonger" => Node([.. peers, ("HaHeartbeatDelay", "00:00:03"), ("HaMaxResponseDelay", "00:00:03")]),
            _ => Node([.. peers, ("DhcpMode", "ProxyDhcp")]),
        };

        // Start-PxeServer -ConfigurationPath: the file is read, then the (here: no) parameters laid over it.
        var fromFile = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationParameters.Apply(PxeConfigurationValues.FromValues(values), new Hashtable()));
        var fromParameters = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationParameters.Apply(new PxeServerConfiguration(), values));
        // The composed server checks what it is given the same way (a host that built its configuration by hand).
        var atStart = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationValues.Apply(new PxeServerConfiguration(), values).HighAvailability());

        foreach (var error in new[] { fromFile, fromParameters, atStart })
        {
            Assert.Equal((key, errorId, PxeErrorCategory.InvalidArgument), (error.Key, error.ErrorId, error.Category));
            Assert.Contains(says, error.Message, StringComparison.Ordinal);
            Assert.Equal(fromFile.Message, error.Message);
        }
    }

    [Fact]
    public void A_delay_that_is_not_a_duration_is_refused_by_the_parser_naming_the_key()
    {
        var error = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationValues.FromValues(Node(("HaHeartbeatDelay", "soon"))));
        Assert.Equal(("HaHeartbeatDelay", PxeErrorIds.InvalidParameter), (error.Key, error.ErrorId));
        Assert.Equal("HaPeers", Assert.Throws<PxeConfigurationException>(() => PxeConfigurationValues.FromValues(Node(("HaPeers", new object[] { "pxe-a", "" })))).Key);
    }
}
