using System.Collections;
using PxePowerShell.Engine.Configuration;

namespace PxePowerShell.Engine.Tests.Configuration;

/// <summary>The Metrics setting: on by default, off by the file's key or -NoMetrics, through the one parser.</summary>
public sealed class MetricsSettingTests
{
    [Fact]
    public void Metrics_are_on_by_default_and_an_exported_file_says_nothing_about_them()
    {
        var c = new PxeServerConfiguration { Root = "/srv/tftp" };
        Assert.True(c.Metrics);
        Assert.DoesNotContain("Metrics", PxeConfigurationFile.ToJson(c), StringComparison.Ordinal);
    }

    [Fact]
    public void The_file_key_turns_them_off_and_round_trips_through_json_and_psd1()
    {
        var c = PxeConfigurationValues.FromValues(new Hashtable { ["Root"] = "/srv/tftp", ["Metrics"] = false });
        Assert.False(c.Metrics);
        Assert.False(PxeConfigurationFile.ParseJson(PxeConfigurationFile.ToJson(c)).Metrics);
        Assert.Contains("Metrics = $false", PxeConfigurationFile.ToPowerShellDataFile(c), StringComparison.Ordinal);
    }

    [Fact]
    public void NoMetrics_turns_them_off_and_an_explicit_NoMetrics_false_overrides_the_file()
    {
        var file = new PxeServerConfiguration { Root = "/srv/tftp", Metrics = false };
        Assert.False(PxeConfigurationParameters.Apply(new PxeServerConfiguration(), new Hashtable { ["NoMetrics"] = true }).Metrics);
        Assert.True(PxeConfigurationParameters.Apply(file, new Hashtable { ["NoMetrics"] = false }).Metrics);
        Assert.False(PxeConfigurationParameters.Apply(file, new Hashtable { ["Http"] = true }).Metrics);
    }

    [Fact]
    public void A_value_that_is_not_a_boolean_is_an_InvalidParameter_naming_the_key()
    {
        var error = Assert.Throws<PxeConfigurationException>(() => PxeConfigurationValues.FromValues(new Hashtable { ["Metrics"] = "sometimes" }));
        Assert.Equal("InvalidParameter", error.ErrorId);
        Assert.Contains("Metrics", error.Message, StringComparison.Ordinal);
    }
}
