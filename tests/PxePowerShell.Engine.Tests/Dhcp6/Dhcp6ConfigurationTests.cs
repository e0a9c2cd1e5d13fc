using System.Collections;
using System.Net;
using PxePowerShell.Engine.Configuration;

namespace PxePowerShell.Engine.Tests.Dhcp6;

public sealed class Dhcp6ConfigurationTests
{
    [Fact]
    public void The_dhcp6_keys_read_from_values_and_write_back_only_when_set()
    {
        var c = PxeConfigurationValues.FromValues(new Hashtable
        {
            ["Dhcp6"] = true,
            ["Dhcp6RangeStart"] = "fd00:77::100",
            ["Dhcp6RangeEnd"] = "fd00:77::1ff",
            ["Dhcp6Port"] = 5547,
        });
        Assert.True(c.Dhcp6);
        Assert.Equal((IPAddress.Parse("fd00:77::100"), IPAddress.Parse("fd00:77::1ff"), 5547), (c.Dhcp6RangeStart, c.Dhcp6RangeEnd, c.Dhcp6Port));

        var written = PxeConfigurationValues.ToValues(c).ToDictionary(p => p.Key, p => p.Value);
        Assert.Equal(true, written["Dhcp6"]);
        Assert.Equal("fd00:77::100", written["Dhcp6RangeStart"]);
        Assert.Equal(5547, written["Dhcp6Port"]);
        var defaults = PxeConfigurationValues.ToValues(new PxeServerConfiguration()).Select(p => p.Key).ToList();
        Assert.DoesNotContain("Dhcp6", defaults);
        Assert.DoesNotContain("Dhcp6RangeStart", defaults);

        var bad = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationValues.FromValues(new Hashtable { ["Dhcp6RangeStart"] = "10.0.0.1" }));
        Assert.Contains("is not an IPv6 address", bad.Message, StringComparison.Ordinal);
    }
}
