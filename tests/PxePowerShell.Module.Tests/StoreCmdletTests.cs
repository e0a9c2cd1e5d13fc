using System.Management.Automation;
using System.Net;
using System.Net.Sockets;

namespace PxePowerShell.Module.Tests;

/// <summary>
/// Start-PxeDhcpServer -Store (docs/fleet.md): a setting that names no database, or one that is down, is a clear
/// ErrorRecord at start, never a raw Npgsql exception.
/// </summary>
public sealed class StoreCmdletTests(ModuleHost host) : IClassFixture<ModuleHost>
{
    [Fact]
    public void A_database_that_is_down_is_StoreUnreachable_and_a_malformed_setting_InvalidStoreSetting()
    {
        int dbPort;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            dbPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        string start = $"Start-PxeDhcpServer -Range 127.0.0.50,127.0.0.60 -Interface lo -Port {FreeUdpPort()} -Name mt-store-{Guid.NewGuid():N}";
        var down = host.Invoke($"{start} -Store 'Host=127.0.0.1;Port={dbPort};Database=pxe;Username=pxe;Password=hunter2;Timeout=5'").SingleError("StoreUnreachable");
        Assert.Equal(ErrorCategory.ResourceUnavailable, down.CategoryInfo.Category);
        Assert.Contains($"127.0.0.1:{dbPort}/pxe", down.Exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", down.Exception.Message, StringComparison.Ordinal);

        var bad = host.Invoke($"{start} -Store 'Hots=db;Database=pxe'").SingleError("InvalidStoreSetting");
        Assert.Equal(ErrorCategory.InvalidData, bad.CategoryInfo.Category);
        Assert.Empty(host.Invoke("Get-PxeServer -Name 'mt-store-*'").Output);
    }

    [Theory]
    [InlineData("-HaPeers a,b", "HaPeers", "needs -Store")]
    [InlineData("-HaHeartbeatDelay 00:00:02", "HaHeartbeatDelay", "-HaPeers")]
    [InlineData("-HaMaxResponseDelay 00:00:05", "HaMaxResponseDelay", "-HaPeers")]
    [InlineData("-HaPeers a,b -Store 'Host=/nonexistent;Database=pxe'", null, "is not one of HaPeers")]
    [InlineData("-HaPeers a,A -Store 'Host=/nonexistent;Database=pxe' -Name a2", null, "twice")]
    [InlineData("-HaPeers mt,b -Store 'Host=/nonexistent;Database=pxe' -HaHeartbeatDelay 00:00:03", null, "HaMaxResponseDelay")]
    [InlineData("-HaPeers a,b -Dhcp6", "HaPeers", "DHCPv4 setting")]
    public void High_availability_settings_that_cannot_apply_are_InvalidParameter_before_anything_starts(string parameters, string? target, string reason)
    {
        string range = parameters.Contains("-Dhcp6", StringComparison.Ordinal) ? "fd00:99::10,fd00:99::20" : "127.0.0.50,127.0.0.60";
        string name = parameters.Contains("-Name", StringComparison.Ordinal) ? string.Empty : "-Name mt";
        var error = host.Invoke($"Start-PxeDhcpServer -Range {range} -Interface lo -Port {FreeUdpPort()} {name} {parameters}").SingleError("InvalidParameter");
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.Contains(reason, error.Exception.Message, StringComparison.Ordinal);
        if (target is not null)
        {
            Assert.Equal(target, error.TargetObject);
        }

        Assert.Empty(host.Invoke("Get-PxeServer -Name 'mt*'").Output);
    }

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Any, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }
}
