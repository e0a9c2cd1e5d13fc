namespace PxePowerShell.Module.Tests;

public sealed class ServerCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>
{
    [Fact]
    public void Stop_PxeServer_with_an_unknown_name_is_a_non_terminating_ServerNotFound_error()
    {
        var result = host.Invoke("Stop-PxeServer -Name no-such-server; 'went on'");
        var error = result.SingleError("ServerNotFound");
        Assert.Equal(System.Management.Automation.ErrorCategory.ObjectNotFound, error.CategoryInfo.Category);
        Assert.Equal("no-such-server", error.TargetObject);
        Assert.Equal("went on", Assert.Single(result.Output).ToString());
    }

    [Fact]
    public void Get_PxeServer_with_a_wildcard_that_matches_nothing_is_silent()
    {
        var result = host.Invoke("Get-PxeServer -Name 'nothing-matches-*'").AssertNoErrors();
        Assert.Empty(result.Output);
    }

    [Fact]
    public void Get_PxeEvent_wait_with_timeout_returns()
    {
        var result = host.Invoke("Get-PxeEvent -Server 'nothing-*' -Wait -Timeout '00:00:00.200'; 'done'").AssertNoErrors();
        Assert.Equal("done", Assert.Single(result.Output).ToString());
    }
}
